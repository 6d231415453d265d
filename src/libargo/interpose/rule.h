/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rule.h - which AF_INET addresses the interposer sends over Argo.
 *
 * Pure code (no I/O, no global state) so the unit tests link it directly.
 * The rule language is documented in argo-interpose(7):
 *
 *   ARGO_MAP  := RULE { SEP RULE }        SEP: blanks, ',' or ';'
 *   RULE      := "default"
 *              | [PROTO "/"] HOST [":" PORTS] "=" TARGET
 *   PROTO     := "tcp" | "udp"
 *   HOST      := "*" | A.B.C.D ["/" PREFIXLEN]
 *   PORTS     := "*" | PORT | PORT "-" PORT
 *   TARGET    := "inet" | "local" | "any" | "offset" | DOMID
 *
 * The first rule that matches decides; an address no rule matches stays
 * on TCP/IP.  "default" stands for ARGO_MAP_DEFAULT.
 */
#ifndef ARGO_INTERPOSE_RULE_H
#define ARGO_INTERPOSE_RULE_H

#include <stddef.h>
#include <stdint.h>

/* DNS stays on IP; loopback is this domain; 1.0.0.0 + domid (OpenXT). */
#define ARGO_MAP_DEFAULT \
	"*:53=inet 127.0.0.0/8=local 0.0.0.0=any 1.0.0.0/16=offset"

enum argo_target {
	ARGO_TARGET_INET = 0,	/* stay on TCP/IP */
	ARGO_TARGET_LOCAL,	/* this domain */
	ARGO_TARGET_ANY,	/* bind: any domain; connect: this domain */
	ARGO_TARGET_OFFSET,	/* domid = address - network address */
	ARGO_TARGET_DOMID,	/* one fixed domid */
};

struct argo_rule {
	uint8_t socktype;	/* 0 (both), SOCK_STREAM or SOCK_DGRAM */
	uint8_t target;		/* enum argo_target */
	uint8_t prefix;		/* 0..32 */
	uint32_t net;		/* host byte order, no bits past prefix */
	uint16_t port_lo, port_hi;
	uint16_t domid;		/* ARGO_TARGET_DOMID */
};

#define ARGO_RULES_MAX 64

struct argo_rules {
	unsigned int n;
	struct argo_rule r[ARGO_RULES_MAX];
};

/*
 * Parse text (NULL or "" means ARGO_MAP_DEFAULT).  0, or -1 + errno EINVAL
 * (E2BIG: too many rules) with a one-line reason in err.
 */
int argo_rules_parse(const char *text, struct argo_rules *rules,
		     char *err, size_t errlen);

/* The first rule matching (socktype, addr, port in host order) or NULL. */
const struct argo_rule *argo_rules_match(const struct argo_rules *rules,
					 int socktype, uint32_t addr,
					 uint16_t port);

/* For ARGO_TARGET_OFFSET/DOMID: the domid addr names.  0, or -1 ERANGE. */
int argo_rule_domid(const struct argo_rule *rule, uint32_t addr,
		    uint16_t *domid);

/*
 * The address a remote domid is shown as: the first DOMID rule naming it
 * (its network address), else the first OFFSET rule whose network holds
 * net + domid.  0 and *addr (host order), or -1 when no rule names it.
 */
int argo_rules_reverse(const struct argo_rules *rules, uint16_t domid,
		       uint32_t *addr);

#endif /* ARGO_INTERPOSE_RULE_H */
