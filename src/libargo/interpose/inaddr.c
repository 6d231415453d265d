/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * inaddr.c - AF_INET addresses to Argo addresses and back, and where the
 * addresses of bind(), connect() and sendto() lead.
 *
 * Ports: TCP/UDP port N is Argo port N.  Argo ports above 65535 (the
 * driver's ephemeral ports of connecting sockets) cannot be shown in a
 * sockaddr_in; they are shown folded into 49152-65535.  Such a port only
 * names the client end of a connection, which nobody connects to.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "interpose.h"

#define OPENXT_NET	0x01000000U	/* 1.0.0.0 */

int argo_ip_route(int socktype, const struct sockaddr_in *sin, int for_bind,
		  uint16_t *domid, uint32_t *port)
{
	const struct argo_ip_config *cfg = argo_ip_config();
	const struct argo_rule *r;
	uint32_t addr = ntohl(sin->sin_addr.s_addr);

	r = argo_rules_match(&cfg->rules, socktype, addr, ntohs(sin->sin_port));
	if (!r || r->target == ARGO_TARGET_INET)
		return ARGO_TARGET_INET;
	*port = ntohs(sin->sin_port);
	switch (r->target) {
	case ARGO_TARGET_ANY:
		if (for_bind) {
			*domid = ARGO_DOMID_ANY;
			break;
		}
		/* connect to 0.0.0.0 means this host, as on Linux */
		/* fall through */
	case ARGO_TARGET_LOCAL:
		if (argo_ip_local_domid(domid) < 0)
			return argo_ip_unavailable(socktype, errno) ==
			       ARGO_IP_CONV_INET ? ARGO_TARGET_INET : -1;
		break;
	default:
		if (argo_rule_domid(r, addr, domid) < 0) {
			errno = ENETUNREACH;	/* past the last domid */
			return -1;
		}
	}
	return r->target;
}

uint32_t argo_ip_domid_addr(uint16_t domid, int loopback)
{
	const struct argo_ip_config *cfg = argo_ip_config();
	uint16_t self;
	uint32_t addr;

	if (domid == ARGO_DOMID_ANY)
		return INADDR_ANY;
	if (loopback && argo_ip_local_domid(&self) == 0 && self == domid)
		return INADDR_LOOPBACK;
	if (argo_rules_reverse(&cfg->rules, domid, &addr) == 0)
		return addr;
	return OPENXT_NET + domid;
}

void argo_ip_to_sin(uint16_t domid, uint32_t port, struct sockaddr_in *sin)
{
	argo_ip_make_sin(argo_ip_domid_addr(domid, 1), port, sin);
}

void argo_ip_make_sin(uint32_t addr, uint32_t port, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(addr);
	if (port > 65535)
		port = 49152 + port % 16384;
	sin->sin_port = htons((uint16_t)port);
}

/*
 * A candidate the rules send to Argo becomes an Argo descriptor here.
 * argo_ip_convert()'s results already follow the 1 (TCP/IP), 0 (Argo),
 * -1 (error) convention of the functions below.
 */
static int convert_candidate(int fd, struct argo_ip_sock *s)
{
	if (s->state != ARGO_IP_CANDIDATE)
		return 0;
	return argo_ip_convert(fd, s);
}

int argo_ip_bind_to(int fd, struct argo_ip_sock *s,
		    const struct sockaddr_in *sin)
{
	uint16_t partner;
	uint32_t port;
	int t = argo_ip_route(s->socktype, sin, 1, &partner, &port);

	if (t < 0)
		return -1;
	if (t == ARGO_TARGET_INET)
		return 1;
	t = convert_candidate(fd, s);
	if (t != 0)
		return t;
	if (argo_ip_bind_port(fd, port, partner) < 0)
		return -1;
	s->bound = 1;
	return argo_ip_reg_set(fd, s);
}

int argo_ip_peer_route(int fd, struct argo_ip_sock *s,
		       const struct sockaddr_in *sin, const char *verb,
		       uint16_t *domid, uint32_t *port)
{
	int t = argo_ip_route(s->socktype, sin, 0, domid, port);

	if (t < 0)
		return -1;
	if (t != ARGO_TARGET_INET)
		return convert_candidate(fd, s);
	if (s->state == ARGO_IP_CANDIDATE)
		return 1;
	ARGO_IP_DBG(1, "fd %d: an Argo socket cannot %s an IP address", fd,
		    verb);
	errno = ENETUNREACH;
	return -1;
}

/* A datagram destination: 1 TCP/IP (candidate forgotten), 0 *a, -1. */
static int dgram_dest(int fd, struct argo_ip_sock *s,
		      const struct sockaddr *sa, socklen_t len,
		      argo_addr_t *a)
{
	int candidate = s->state == ARGO_IP_CANDIDATE, ret;
	struct sockaddr_in sin;

	if (argo_ip_sin(s, sa, len, &sin) < 0)
		return candidate ? 1 : -1;	/* candidate: libc tells why */
	memset(a, 0, sizeof(*a));
	ret = argo_ip_peer_route(fd, s, &sin, "send to", &a->domain_id,
				 &a->aport);
	if (ret > 0)
		argo_ip_reg_clear(fd);
	if (ret != 0)
		return ret;
	/* A candidate's first send binds it, as UDP would (see autobind). */
	if (candidate && argo_ip_autobind(fd, s, a->domain_id) < 0)
		return -1;
	return 0;
}

int argo_ip_send_route(int fd, struct argo_ip_sock *s,
		       const struct sockaddr *dest, socklen_t dlen,
		       struct argo_ip_send_dest *to)
{
	to->named = 0;
	if (!dest || s->socktype == SOCK_STREAM)
		return s->state == ARGO_IP_CANDIDATE;
	to->named = 1;
	return dgram_dest(fd, s, dest, dlen, &to->addr);
}
