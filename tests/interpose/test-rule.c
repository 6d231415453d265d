/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-rule.c - ARGO_MAP parsing and matching (src/libargo/interpose/rule.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

#include "tap.h"
#include "rule.h"

static uint32_t ip(const char *s)
{
	struct in_addr in;

	inet_pton(AF_INET, s, &in);
	return ntohl(in.s_addr);
}

/* The target a rule set gives (socktype, address, port); -1: no match. */
static int target(const struct argo_rules *r, int type, const char *a,
		  uint16_t port)
{
	const struct argo_rule *m = argo_rules_match(r, type, ip(a), port);

	return m ? m->target : -1;
}

static int domid_of(const struct argo_rules *r, const char *a, uint16_t port)
{
	const struct argo_rule *m = argo_rules_match(r, SOCK_STREAM, ip(a), port);
	uint16_t d;

	if (!m || argo_rule_domid(m, ip(a), &d) < 0)
		return -1;
	return d;
}

static void test_default(void)
{
	struct argo_rules r;
	uint32_t a = 0;

	ok(argo_rules_parse(NULL, &r, NULL, 0) == 0 && r.n == 4,
	   "unset ARGO_MAP gives the 4 default rules");
	ok(target(&r, SOCK_STREAM, "127.0.0.1", 22) == ARGO_TARGET_LOCAL,
	   "default: 127.0.0.1 is this domain");
	ok(target(&r, SOCK_STREAM, "127.9.8.7", 80) == ARGO_TARGET_LOCAL,
	   "default: all of 127.0.0.0/8 is this domain");
	ok(target(&r, SOCK_DGRAM, "127.0.0.53", 53) == ARGO_TARGET_INET,
	   "default: DNS (udp/53) stays on IP, even on loopback");
	ok(target(&r, SOCK_STREAM, "127.0.0.1", 53) == ARGO_TARGET_INET,
	   "default: tcp/53 stays on IP too");
	ok(target(&r, SOCK_STREAM, "0.0.0.0", 8022) == ARGO_TARGET_ANY,
	   "default: INADDR_ANY is any domain");
	ok(target(&r, SOCK_STREAM, "1.0.0.5", 8022) == ARGO_TARGET_OFFSET &&
	   domid_of(&r, "1.0.0.5", 8022) == 5,
	   "default: 1.0.0.5 is domain 5 (OpenXT's form)");
	ok(domid_of(&r, "1.0.1.2", 1) == 258, "default: 1.0.1.2 is domain 258");
	ok(domid_of(&r, "1.0.127.240", 1) == -1 && errno == ERANGE,
	   "default: 1.0.0.0 + 32752 is past the last domid (ERANGE)");
	ok(target(&r, SOCK_STREAM, "192.0.2.1", 80) == -1,
	   "default: other addresses match nothing (stay on IP)");
	ok(argo_rules_reverse(&r, 7, &a) == 0 && a == ip("1.0.0.7"),
	   "default: domain 7 is shown as 1.0.0.7");
}

static void test_custom(void)
{
	struct argo_rules r;
	char err[160];
	uint32_t a = 0;

	ok(argo_rules_parse("tcp/10.0.0.7:8000-8100=3, udp/*:5000=local;"
			    " 10.1.0.0/16=offset default", &r, err,
			    sizeof(err)) == 0 && r.n == 7,
	   "custom rules with , ; and blanks, plus \"default\" (%s)", err);
	ok(target(&r, SOCK_STREAM, "10.0.0.7", 8050) == ARGO_TARGET_DOMID &&
	   domid_of(&r, "10.0.0.7", 8050) == 3,
	   "tcp/10.0.0.7:8000-8100=3 maps to domain 3");
	ok(target(&r, SOCK_STREAM, "10.0.0.7", 8101) == -1,
	   "port outside the range: no match");
	ok(target(&r, SOCK_DGRAM, "10.0.0.7", 8050) == -1,
	   "tcp/ rule does not match UDP");
	ok(target(&r, SOCK_DGRAM, "198.51.100.1", 5000) == ARGO_TARGET_LOCAL,
	   "udp/*:5000=local matches any address");
	ok(domid_of(&r, "10.1.0.9", 1) == 9, "10.1.0.0/16=offset: 10.1.0.9 is 9");
	ok(target(&r, SOCK_STREAM, "127.0.0.1", 1) == ARGO_TARGET_LOCAL,
	   "\"default\" rules follow the custom ones");
	ok(argo_rules_reverse(&r, 3, &a) == 0 && a == ip("10.0.0.7"),
	   "reverse: a fixed-domid rule names domain 3 10.0.0.7");
	ok(argo_rules_reverse(&r, 9, &a) == 0 && a == ip("10.1.0.9"),
	   "reverse: the first offset rule names domain 9 10.1.0.9");
	ok(argo_rules_parse("127.0.0.1:22=inet default", &r, NULL, 0) == 0 &&
	   target(&r, SOCK_STREAM, "127.0.0.1", 22) == ARGO_TARGET_INET &&
	   target(&r, SOCK_STREAM, "127.0.0.1", 23) == ARGO_TARGET_LOCAL,
	   "first match wins: keep local ssh on TCP, the rest on Argo");
}

static void bad(const char *text, const char *what)
{
	struct argo_rules r;
	char err[160] = "";

	errno = 0;
	ok(argo_rules_parse(text, &r, err, sizeof(err)) == -1 &&
	   errno == EINVAL && err[0], "refused: %s (%s)", what, err);
}

static void test_errors(void)
{
	struct argo_rules r;
	char big[64 * 12 + 16];
	int i, n = 0;

	bad("127.0.0.1", "no target");
	bad("127.0.0.1=nowhere", "unknown target");
	bad("1.2.3=local", "short address");
	bad("1.0.0.1/16=offset", "host bits past the prefix");
	bad("1.0.0.0/33=offset", "prefix > 32");
	bad("*:70000=local", "port > 65535");
	bad("*:90-80=local", "reversed port range");
	bad("*:-1=local", "negative port");
	bad("10.0.0.0/8=5", "domid target on a network");
	bad("10.0.0.1=32752", "reserved domid");
	bad("sctp/1.2.3.4=local", "unknown protocol");
	bad("127.0.0.1:22=local extra", "a second rule without target");
	for (i = 0; i < ARGO_RULES_MAX + 1; i++)
		n += snprintf(big + n, sizeof(big) - (size_t)n, "*:%d=local ", i);
	errno = 0;
	ok(argo_rules_parse(big, &r, NULL, 0) == -1 && errno == E2BIG,
	   "more than %d rules: E2BIG", ARGO_RULES_MAX);
	ok(argo_rules_parse("  ;, ", &r, NULL, 0) == 0 && r.n == 4,
	   "only separators: the default rules");
}

int main(void)
{
	test_default();
	test_custom();
	test_errors();
	return tap_done();
}
