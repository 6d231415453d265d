/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * inaddr.c - AF_INET addresses to Argo addresses and back.
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

int argo_ip_dgram_dest(int fd, struct argo_ip_sock *s,
		       const struct sockaddr *sa, socklen_t len,
		       argo_addr_t *a)
{
	struct sockaddr_in sin;
	uint16_t domid;
	uint32_t port;
	int t;

	if (argo_ip_sin(s, sa, len, &sin) < 0)
		return s->state == ARGO_IP_CANDIDATE ? 1 : -1;
	t = argo_ip_route(SOCK_DGRAM, &sin, 0, &domid, &port);
	if (t < 0)
		return -1;
	if (t == ARGO_TARGET_INET) {
		if (s->state == ARGO_IP_CANDIDATE) {
			argo_ip_reg_clear(fd);
			return 1;
		}
		ARGO_IP_DBG(1, "fd %d: an Argo socket cannot send to an IP "
			    "address", fd);
		errno = ENETUNREACH;
		return -1;
	}
	if (s->state == ARGO_IP_CANDIDATE) {
		switch (argo_ip_convert(fd, s)) {
		case ARGO_IP_CONV_FAIL:
			return -1;
		case ARGO_IP_CONV_INET:
			argo_ip_reg_clear(fd);
			return 1;
		case ARGO_IP_CONV_ARGO:
			break;
		}
		if (argo_ip_autobind(fd, s, domid) < 0)
			return -1;
	}
	memset(a, 0, sizeof(*a));
	a->domain_id = domid;
	a->aport = port;
	return 0;
}
