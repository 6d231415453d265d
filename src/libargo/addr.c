/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * addr.c - Argo addresses as text ("DOMID:PORT") and as struct sockaddr.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

_Static_assert(sizeof(struct sockaddr_xenargo) == sizeof(struct sockaddr),
	       "sockaddr_xenargo must have the size of struct sockaddr");

static int is_wildcard(const char *s)
{
	return strcmp(s, "*") == 0 || strcasecmp(s, "any") == 0;
}

int argoi_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;
	int base = 10;

	if (!s || !out || !*s) {
		errno = EINVAL;
		return -1;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	/* strtoull accepts blanks and signs: we do not. */
	if (!(base == 16 ? isxdigit((unsigned char)*s) :
			   isdigit((unsigned char)*s))) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (errno == ERANGE || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int argo_parse_domid(const char *s, uint16_t *domid)
{
	uint32_t v;

	if (!s || !domid) {
		errno = EINVAL;
		return -1;
	}
	if (is_wildcard(s)) {
		*domid = ARGO_DOMID_ANY;
		return 0;
	}
	if (argoi_parse_u32(s, ARGO_DOMID_FIRST_RESERVED - 1, &v) < 0)
		return -1;
	*domid = (uint16_t)v;
	return 0;
}

int argo_parse_port(const char *s, uint32_t *port)
{
	if (!s || !port) {
		errno = EINVAL;
		return -1;
	}
	if (is_wildcard(s)) {
		*port = ARGO_PORT_ANY;
		return 0;
	}
	return argoi_parse_u32(s, UINT32_MAX, port);
}

int argo_addr_parse(const char *s, uint32_t default_port, argo_addr_t *addr)
{
	char dom[16];
	const char *colon;
	size_t n;
	uint32_t port = default_port;
	uint16_t domid;

	if (!s || !addr) {
		errno = EINVAL;
		return -1;
	}
	colon = strchr(s, ':');
	n = colon ? (size_t)(colon - s) : strlen(s);
	if (n == 0 || n >= sizeof(dom)) {
		errno = n ? ERANGE : EINVAL;
		return -1;
	}
	memcpy(dom, s, n);
	dom[n] = '\0';
	if (argo_parse_domid(dom, &domid) < 0)
		return -1;
	if (colon && argo_parse_port(colon + 1, &port) < 0)
		return -1;
	memset(addr, 0, sizeof(*addr));
	addr->domain_id = domid;
	addr->aport = port;
	return 0;
}

int argo_addr_format(const argo_addr_t *addr, char *buf, size_t size)
{
	char dom[8], port[12];

	if (!addr || (!buf && size)) {
		errno = EINVAL;
		return -1;
	}
	if (addr->domain_id == ARGO_DOMID_ANY)
		strcpy(dom, "any");
	else
		snprintf(dom, sizeof(dom), "%u", (unsigned)addr->domain_id);
	if (addr->aport == ARGO_PORT_ANY)
		strcpy(port, "any");
	else
		snprintf(port, sizeof(port), "%u", (unsigned)addr->aport);
	return snprintf(buf, size, "%s:%s", dom, port);
}

int argo_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len,
			    argo_addr_t *addr)
{
	const struct sockaddr_xenargo *sxa = (const void *)sa;

	if (!sa || !addr) {
		errno = EFAULT;
		return -1;
	}
	if (len < sizeof(sa_family_t)) {
		errno = EINVAL;
		return -1;
	}
	if (sa->sa_family != AF_XENARGO) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (len < sizeof(*sxa)) {
		errno = EINVAL;
		return -1;
	}
	memset(addr, 0, sizeof(*addr));
	addr->aport = sxa->sxenargo_port;
	addr->domain_id = sxa->sxenargo_domain;
	return 0;
}

void argo_addr_to_sockaddr(const argo_addr_t *addr,
			   struct sockaddr_xenargo *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sxenargo_family = AF_XENARGO;
	sa->sxenargo_port = addr->aport;
	sa->sxenargo_domain = addr->domain_id;
}
