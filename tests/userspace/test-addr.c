/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-addr.c - address parsing and formatting, sockaddr conversions.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>

#include "internal.h"
#include "tap.h"

struct addr_case {
	const char *text;
	uint32_t default_port;
	int ok;			/* expected: 0 ok, else the errno */
	uint16_t domid;
	uint32_t port;
};

static const struct addr_case addr_cases[] = {
	{ "0:5000", 7, 0, 0, 5000 },
	{ "1", 7, 0, 1, 7 },
	{ "32751:1", 7, 0, 32751, 1 },		/* 0x7fef: last real domid */
	{ "32752:1", 7, ERANGE, 0, 0 },		/* DOMID_FIRST_RESERVED */
	{ "0x10:0x20", 7, 0, 16, 32 },
	{ "any:any", 7, 0, ARGO_DOMID_ANY, ARGO_PORT_ANY },
	{ "*:9", 7, 0, ARGO_DOMID_ANY, 9 },
	{ "3:4294967295", 7, 0, 3, 4294967295U },
	{ "3:4294967296", 7, ERANGE, 0, 0 },
	{ "", 7, EINVAL, 0, 0 },
	{ ":5", 7, EINVAL, 0, 0 },
	{ "1:", 7, EINVAL, 0, 0 },
	{ "-1:5", 7, EINVAL, 0, 0 },
	{ "+1:5", 7, EINVAL, 0, 0 },
	{ " 1:5", 7, EINVAL, 0, 0 },
	{ "1:5 ", 7, EINVAL, 0, 0 },
	{ "1:5:6", 7, EINVAL, 0, 0 },
	{ "dom1:5", 7, EINVAL, 0, 0 },
	{ "0x:5", 7, EINVAL, 0, 0 },
	{ "1:0x", 7, EINVAL, 0, 0 },
	{ "12345678901234567890:1", 7, ERANGE, 0, 0 },
	{ "1:99999999999999999999999", 7, ERANGE, 0, 0 },
};

static void test_parse(void)
{
	size_t i;

	for (i = 0; i < ARGOI_ARRAY_SIZE(addr_cases); i++) {
		const struct addr_case *c = &addr_cases[i];
		argo_addr_t a = { .aport = 1234, .domain_id = 42 };
		int r;

		errno = 0;
		r = argo_addr_parse(c->text, c->default_port, &a);
		if (c->ok == 0)
			ok(r == 0 && a.domain_id == c->domid &&
			   a.aport == c->port && a.pad == 0,
			   "parse '%s' -> %u:%u", c->text, c->domid, c->port);
		else
			ok(r == -1 && errno == c->ok,
			   "parse '%s' fails with %s", c->text,
			   c->ok == EINVAL ? "EINVAL" : "ERANGE");
	}
	ok(argo_addr_parse(NULL, 0, NULL) == -1 && errno == EINVAL,
	   "parse NULL fails with EINVAL");
}

static void test_format(void)
{
	argo_addr_t a = { .aport = 5000, .domain_id = 3 };
	char buf[ARGO_ADDRSTRLEN], small[4];
	int n;

	n = argo_addr_format(&a, buf, sizeof(buf));
	ok(n == 6 && strcmp(buf, "3:5000") == 0, "format 3:5000");
	a.domain_id = ARGO_DOMID_ANY;
	a.aport = ARGO_PORT_ANY;
	argo_addr_format(&a, buf, sizeof(buf));
	ok(strcmp(buf, "any:any") == 0, "format wildcards as any:any");
	a.domain_id = 32751;
	a.aport = 4294967294U;
	n = argo_addr_format(&a, buf, sizeof(buf));
	ok(n > 0 && n < ARGO_ADDRSTRLEN, "longest address fits "
	   "ARGO_ADDRSTRLEN (%d)", n);
	n = argo_addr_format(&a, small, sizeof(small));
	ok(n == 16 && strcmp(small, "327") == 0,
	   "format truncates like snprintf and returns the full length");
	ok(argo_addr_format(&a, NULL, 0) == 16, "format sizes with NULL, 0");
}

static void test_roundtrip(void)
{
	static const char *texts[] = { "0:1", "5:80", "32751:4294967294",
				       "any:7", "2:any" };
	char buf[ARGO_ADDRSTRLEN];
	argo_addr_t a;
	size_t i;

	for (i = 0; i < ARGOI_ARRAY_SIZE(texts); i++) {
		argo_addr_parse(texts[i], 0, &a);
		argo_addr_format(&a, buf, sizeof(buf));
		ok(strcmp(buf, texts[i]) == 0, "round trip %s", texts[i]);
	}
}

static void test_sockaddr(void)
{
	argo_addr_t a = { .aport = 77, .domain_id = 9 }, b;
	struct sockaddr_xenargo sxa;
	struct sockaddr sa;
	size_t i;
	int zero = 1;

	memset(&sxa, 0xff, sizeof(sxa));
	argo_addr_to_sockaddr(&a, &sxa);
	for (i = 0; i < sizeof(sxa.sxenargo_zero); i++)
		zero &= sxa.sxenargo_zero[i] == 0;
	ok(sxa.sxenargo_family == AF_XENARGO && sxa.sxenargo_port == 77 &&
	   sxa.sxenargo_domain == 9 && zero, "to sockaddr_xenargo");
	ok(sizeof(sxa) == sizeof(struct sockaddr) && AF_XENARGO == 13398,
	   "sockaddr_xenargo has sockaddr's size, AF_XENARGO is 13398");
	ok(argo_addr_from_sockaddr((struct sockaddr *)&sxa, sizeof(sxa),
				   &b) == 0 && b.aport == 77 &&
	   b.domain_id == 9, "from sockaddr_xenargo");
	ok(argo_addr_from_sockaddr((struct sockaddr *)&sxa, 8, &b) == -1 &&
	   errno == EINVAL, "short sockaddr_xenargo: EINVAL");
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_INET;
	ok(argo_addr_from_sockaddr(&sa, sizeof(sa), &b) == -1 &&
	   errno == EAFNOSUPPORT, "AF_INET sockaddr: EAFNOSUPPORT");
}

static void test_parse_u32(void)
{
	uint32_t v;

	ok(argoi_parse_u32("4294967295", UINT32_MAX, &v) == 0 &&
	   v == UINT32_MAX, "u32 max");
	ok(argoi_parse_u32("0xFFFFFFFF", UINT32_MAX, &v) == 0 &&
	   v == UINT32_MAX, "u32 hex max");
	ok(argoi_parse_u32("08", 100, &v) == 0 && v == 8,
	   "leading zero is decimal, not octal");
	ok(argoi_parse_u32("101", 100, &v) == -1 && errno == ERANGE,
	   "above max: ERANGE");
}

int main(void)
{
	test_parse();
	test_format();
	test_roundtrip();
	test_sockaddr();
	test_parse_u32();
	return tap_done();
}
