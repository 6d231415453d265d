/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rule.c - parse ARGO_MAP and match AF_INET addresses against it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "rule.h"

#define SEPARATORS " \t\n,;"

static const struct {
	const char *name;
	enum argo_target target;
} target_names[] = {
	{ "inet", ARGO_TARGET_INET },
	{ "local", ARGO_TARGET_LOCAL },
	{ "any", ARGO_TARGET_ANY },
	{ "offset", ARGO_TARGET_OFFSET },
};

static int fail(char *err, size_t errlen, const char *rule, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "rule \"%s\": %s", rule, why);
	errno = EINVAL;
	return -1;
}

static uint32_t prefix_mask(unsigned int prefix)
{
	return prefix ? 0xFFFFFFFFU << (32 - prefix) : 0;
}

/* "tcp/" or "udp/" at the start of s: the socket type, s advanced. */
static int parse_proto(char **s)
{
	if (strncmp(*s, "tcp/", 4) == 0) {
		*s += 4;
		return SOCK_STREAM;
	}
	if (strncmp(*s, "udp/", 4) == 0) {
		*s += 4;
		return SOCK_DGRAM;
	}
	return 0;
}

static int parse_host(char *host, struct argo_rule *r, const char **why)
{
	struct in_addr in;
	char *slash;
	uint32_t len = 32;

	if (strcmp(host, "*") == 0) {
		r->net = 0;
		r->prefix = 0;
		return 0;
	}
	slash = strchr(host, '/');
	if (slash) {
		*slash = '\0';
		if (argoi_parse_u32(slash + 1, 32, &len) < 0) {
			*why = "the prefix length must be 0..32";
			return -1;
		}
	}
	if (inet_pton(AF_INET, host, &in) != 1) {
		*why = "not an IPv4 address (A.B.C.D)";
		return -1;
	}
	r->net = ntohl(in.s_addr);
	r->prefix = (uint8_t)len;
	if (r->net & ~prefix_mask(len)) {
		*why = "the address has bits set past its prefix length";
		return -1;
	}
	return 0;
}

static int parse_ports(const char *s, struct argo_rule *r, const char **why)
{
	char lo[8];
	const char *dash;
	uint32_t a, b;
	size_t n;

	if (!s || strcmp(s, "*") == 0) {
		r->port_lo = 0;
		r->port_hi = 65535;
		return 0;
	}
	dash = strchr(s, '-');
	n = dash ? (size_t)(dash - s) : strlen(s);
	*why = "ports must be *, N or N-M with 0 <= N <= M <= 65535";
	if (n == 0 || n >= sizeof(lo))
		return -1;
	memcpy(lo, s, n);
	lo[n] = '\0';
	if (argoi_parse_u32(lo, 65535, &a) < 0)
		return -1;
	b = a;
	if (dash && argoi_parse_u32(dash + 1, 65535, &b) < 0)
		return -1;
	if (b < a)
		return -1;
	r->port_lo = (uint16_t)a;
	r->port_hi = (uint16_t)b;
	return 0;
}

static int parse_target(const char *s, struct argo_rule *r, const char **why)
{
	uint32_t v;
	size_t i;

	for (i = 0; i < ARGOI_ARRAY_SIZE(target_names); i++) {
		if (strcmp(s, target_names[i].name) == 0) {
			r->target = (uint8_t)target_names[i].target;
			return 0;
		}
	}
	if (argoi_parse_u32(s, ARGO_DOMID_FIRST_RESERVED - 1, &v) < 0) {
		*why = "the target must be inet, local, any, offset or a domid "
		       "below 32752";
		return -1;
	}
	r->target = ARGO_TARGET_DOMID;
	r->domid = (uint16_t)v;
	return 0;
}

/* One rule (not "default"), modified in place. */
static int parse_rule(char *text, struct argo_rule *r, const char **why)
{
	char *eq, *colon, *s = text;

	memset(r, 0, sizeof(*r));
	r->socktype = (uint8_t)parse_proto(&s);
	eq = strchr(s, '=');
	if (!eq) {
		*why = "no \"=TARGET\"";
		return -1;
	}
	*eq = '\0';
	colon = strchr(s, ':');
	if (colon)
		*colon = '\0';
	if (parse_host(s, r, why) < 0 || parse_ports(colon ? colon + 1 : NULL,
						     r, why) < 0)
		return -1;
	if (parse_target(eq + 1, r, why) < 0)
		return -1;
	if (r->target == ARGO_TARGET_DOMID && r->prefix != 32 &&
	    !(r->prefix == 0 && r->net == 0)) {
		*why = "a domid target needs a single address (or *)";
		return -1;
	}
	return 0;
}

static int add_rules(const char *text, struct argo_rules *rules, int depth,
		     char *err, size_t errlen)
{
	char buf[256], orig[256];
	const char *p = text, *why = NULL;
	size_t n;

	while (*(p += strspn(p, SEPARATORS))) {
		n = strcspn(p, SEPARATORS);
		if (n >= sizeof(buf))
			return fail(err, errlen, "...", "rule too long");
		memcpy(buf, p, n);
		buf[n] = '\0';
		memcpy(orig, buf, n + 1);
		p += n;
		if (strcmp(buf, "default") == 0) {
			if (depth == 0 &&
			    add_rules(ARGO_MAP_DEFAULT, rules, 1, err, errlen))
				return -1;
			continue;
		}
		if (rules->n == ARGO_RULES_MAX) {
			fail(err, errlen, orig, "too many rules");
			errno = E2BIG;
			return -1;
		}
		if (parse_rule(buf, &rules->r[rules->n], &why) < 0)
			return fail(err, errlen, orig, why);
		rules->n++;
	}
	return 0;
}

int argo_rules_parse(const char *text, struct argo_rules *rules,
		     char *err, size_t errlen)
{
	if (!rules) {
		errno = EINVAL;
		return -1;
	}
	rules->n = 0;
	if (err && errlen)
		err[0] = '\0';
	if (!text || !*(text + strspn(text, SEPARATORS)))
		text = ARGO_MAP_DEFAULT;
	return add_rules(text, rules, 0, err, errlen);
}

static int rule_holds(const struct argo_rule *r, uint32_t addr)
{
	return (addr & prefix_mask(r->prefix)) == r->net;
}

const struct argo_rule *argo_rules_match(const struct argo_rules *rules,
					 int socktype, uint32_t addr,
					 uint16_t port)
{
	const struct argo_rule *r;
	unsigned int i;

	for (i = 0; i < rules->n; i++) {
		r = &rules->r[i];
		if (r->socktype && r->socktype != socktype)
			continue;
		if (port < r->port_lo || port > r->port_hi)
			continue;
		if (rule_holds(r, addr))
			return r;
	}
	return NULL;
}

int argo_rule_domid(const struct argo_rule *rule, uint32_t addr,
		    uint16_t *domid)
{
	uint32_t d;

	if (rule->target == ARGO_TARGET_DOMID) {
		*domid = rule->domid;
		return 0;
	}
	d = addr - rule->net;
	if (rule->target != ARGO_TARGET_OFFSET ||
	    d >= ARGO_DOMID_FIRST_RESERVED) {
		errno = ERANGE;
		return -1;
	}
	*domid = (uint16_t)d;
	return 0;
}

int argo_rules_reverse(const struct argo_rules *rules, uint16_t domid,
		       uint32_t *addr)
{
	const struct argo_rule *r;
	unsigned int i;

	for (i = 0; i < rules->n; i++) {
		r = &rules->r[i];
		if (r->target == ARGO_TARGET_DOMID && r->domid == domid &&
		    r->prefix == 32) {
			*addr = r->net;
			return 0;
		}
	}
	for (i = 0; i < rules->n; i++) {
		r = &rules->r[i];
		if (r->target == ARGO_TARGET_OFFSET &&
		    rule_holds(r, r->net + domid) && r->net + domid >= r->net) {
			*addr = r->net + domid;
			return 0;
		}
	}
	return -1;
}
