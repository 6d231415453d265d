/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-opts.c - argo-ping's and argo-cat's command lines, the ping packet
 * and its statistics, and the number parsers.  Cases are data.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>

#include "cat.h"
#include "ping.h"
#include "util.h"
#include "tap.h"

#define MAXARGS 12
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct argv_case {
	const char *args[MAXARGS];	/* without argv[0] */
	int result;			/* parse_args' return */
};

/* Parse quietly: usage errors go to stderr, help to stdout. */
static int run_parser(int (*parse)(int, char **, void *), const char *name,
		      const char *const *args, void *o)
{
	char *argv[MAXARGS + 2];
	int argc = 0, saved_out, saved_err, devnull, r;

	argv[argc++] = (char *)name;
	while (argc <= MAXARGS && args[argc - 1])
		argv[argc] = (char *)args[argc - 1], argc++;
	argv[argc] = NULL;
	fflush(stdout);
	saved_out = dup(1);
	saved_err = dup(2);
	devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 1);
	dup2(devnull, 2);
	r = parse(argc, argv, o);
	fflush(stdout);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	close(devnull);
	return r;
}

static int ping_parse(int argc, char **argv, void *o)
{
	return ping_parse_args(argc, argv, o);
}

static int cat_parse(int argc, char **argv, void *o)
{
	return cat_parse_args(argc, argv, o);
}

static const struct argv_case ping_cases[] = {
	{ { "1" }, 0 },
	{ { "1:5000" }, 0 },
	{ { "-c", "3", "-i", "0.2", "-s", "100", "-w", "5", "-W", "1", "-q",
	    "2" }, 0 },
	{ { "2", "-c", "3" }, 0 },		/* options after the operand */
	{ { "-l" }, 0 },
	{ { "-l", "9000", "-P", "3", "-c", "1" }, 0 },
	{ { "--help" }, 1 },
	{ { "-V" }, 1 },
	{ { "--version" }, 1 },
	{ { NULL }, -1 },			/* no domain */
	{ { "any" }, -1 },			/* a wildcard is no target */
	{ { "1:any" }, -1 },
	{ { "32752" }, -1 },
	{ { "1", "2" }, -1 },
	{ { "-c", "0", "1" }, -1 },
	{ { "-c", "-1", "1" }, -1 },
	{ { "-c", "x", "1" }, -1 },
	{ { "-c" }, -1 },
	{ { "-i", "0", "1" }, -1 },
	{ { "-i", "nan", "1" }, -1 },
	{ { "-i", "inf", "1" }, -1 },
	{ { "-i", "1e999", "1" }, -1 },
	{ { "-s", "23", "1" }, -1 },		/* below the header */
	{ { "-s", "1048577", "1" }, -1 },
	{ { "-w", "-1", "1" }, -1 },
	{ { "-x", "1" }, -1 },
	{ { "--bogus", "1" }, -1 },
	{ { "-l", "any" }, -1 },
	{ { "-P", "x", "-l" }, -1 },
	{ { "" }, -1 },
};

static void test_ping_args(void)
{
	struct ping_opts o;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ping_cases); i++) {
		const struct argv_case *c = &ping_cases[i];
		int r = run_parser(ping_parse, "argo-ping", c->args, &o);

		ok(r == c->result, "argo-ping %s%s%s ... -> %d",
		   c->args[0] ? c->args[0] : "(nothing)",
		   c->args[1] ? " " : "", c->args[1] ? c->args[1] : "",
		   c->result);
	}
	run_parser(ping_parse, "argo-ping", ping_cases[2].args, &o);
	ok(o.count == 3 && fabs(o.interval - 0.2) < 1e-9 && o.size == 100 &&
	   o.deadline == 5 && o.timeout == 1 && o.quiet &&
	   o.target.domain_id == 2 && o.target.aport == ARGO_PING_PORT,
	   "argo-ping options land in the right fields");
	run_parser(ping_parse, "argo-ping", ping_cases[5].args, &o);
	ok(o.listen && o.target.aport == 9000 && o.partner == 3 &&
	   o.count == 1, "argo-ping -l 9000 -P 3 -c 1");
}

static const struct argv_case cat_cases[] = {
	{ { "1", "5000" }, 0 },
	{ { "-u", "-v", "-w", "2", "-p", "77", "1", "5000" }, 0 },
	{ { "-l", "5000" }, 0 },
	{ { "-l", "-k", "-P", "2", "-e", "/bin/cat", "5000" }, 0 },
	{ { "-l", "-c", "echo hi", "5000" }, 0 },
	{ { "-lku", "5000" }, 0 },
	{ { "1", "5000", "-v" }, 0 },
	{ { "-h" }, 1 },
	{ { "--version" }, 1 },
	{ { NULL }, -1 },
	{ { "1" }, -1 },
	{ { "1", "2", "3" }, -1 },
	{ { "any", "5000" }, -1 },
	{ { "1", "any" }, -1 },
	{ { "70000", "1" }, -1 },
	{ { "1", "99999999999" }, -1 },
	{ { "-l" }, -1 },
	{ { "-l", "1", "2" }, -1 },
	{ { "-k", "1", "2" }, -1 },		/* -k without -l */
	{ { "-P", "1", "1", "2" }, -1 },	/* -P without -l */
	{ { "-l", "-p", "3", "5000" }, -1 },
	{ { "-e", "x", "-c", "y", "1", "2" }, -1 },
	{ { "-u", "-e", "x", "1", "2" }, -1 },
	{ { "-e", "", "1", "2" }, -1 },
	{ { "-w", "soon", "1", "2" }, -1 },
	{ { "-e" }, -1 },
	{ { "-Z", "1", "2" }, -1 },
	{ { "--", "-1", "2" }, -1 },
};

static void test_cat_args(void)
{
	struct cat_opts o;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cat_cases); i++) {
		const struct argv_case *c = &cat_cases[i];
		int r = run_parser(cat_parse, "argo-cat", c->args, &o);

		ok(r == c->result, "argo-cat %s%s%s ... -> %d",
		   c->args[0] ? c->args[0] : "(nothing)",
		   c->args[1] ? " " : "", c->args[1] ? c->args[1] : "",
		   c->result);
	}
	run_parser(cat_parse, "argo-cat", cat_cases[1].args, &o);
	ok(o.dgram && o.verbose && o.timeout == 2 && o.local_port == 77 &&
	   o.peer.domain_id == 1 && o.peer.aport == 5000 && !o.listen,
	   "argo-cat client options land in the right fields");
	run_parser(cat_parse, "argo-cat", cat_cases[3].args, &o);
	ok(o.listen && o.keep && o.partner == 2 && o.peer.aport == 5000 &&
	   o.exec_prog && strcmp(o.exec_prog, "/bin/cat") == 0,
	   "argo-cat listener options land in the right fields");
}

static void test_ping_packet(void)
{
	struct ping_hdr h = { PING_MAGIC, PING_REQUEST, 77, 5, 123456789ULL };
	struct ping_hdr d;
	unsigned char buf[100];

	ping_encode(buf, sizeof(buf), &h);
	ok(buf[0] == 'A' && buf[1] == 'P' && buf[2] == 'N' && buf[3] == 'G',
	   "packet starts with APNG");
	ok(ping_decode(buf, sizeof(buf), &d) == 0 && d.id == 77 &&
	   d.seq == 5 && d.stamp_ns == 123456789ULL && d.type == PING_REQUEST,
	   "decode(encode(h)) == h");
	buf[50] ^= 1;
	ok(ping_decode(buf, sizeof(buf), &d) == -1, "corrupted filler: -1");
	ping_encode(buf, sizeof(buf), &h);
	ok(ping_decode(buf, PING_HDR_LEN - 1, &d) == -1, "short packet: -1");
	buf[4] = 9;
	ok(ping_decode(buf, sizeof(buf), &d) == -1, "unknown type: -1");
}

static void test_ping_stats(void)
{
	struct ping_stats s;

	memset(&s, 0, sizeof(s));
	ok(ping_stats_loss(&s) == 0 && ping_stats_mdev(&s) == 0,
	   "empty statistics");
	s.sent = 4;
	ping_stats_add(&s, 1.0);
	ping_stats_add(&s, 3.0);
	ok(s.min == 1.0 && s.max == 3.0 && ping_stats_avg(&s) == 2.0,
	   "min/avg/max");
	ok(fabs(ping_stats_mdev(&s) - 1.0) < 1e-9, "mdev of {1,3} is 1");
	ok(ping_stats_loss(&s) == 50.0, "2 of 4: 50%% loss");
}

static void test_numbers(void)
{
	double d;
	unsigned long u;

	ok(util_parse_seconds("0.25", 10, &d) == 0 && d == 0.25, "0.25 s");
	ok(util_parse_seconds(".5", 10, &d) == 0 && d == 0.5, ".5 s");
	ok(util_parse_seconds("11", 10, &d) == -1 && errno == ERANGE,
	   "above max: ERANGE");
	ok(util_parse_seconds("1s", 10, &d) == -1 && errno == EINVAL,
	   "1s: EINVAL");
	ok(util_parse_ulong("0x10", 0, 100, &u) == 0 && u == 16, "0x10");
	ok(util_parse_ulong(" 1", 0, 100, &u) == -1, "blank: rejected");
	ok(util_poll_ms(-1, 5) == -1 && util_poll_ms(4, 5) == 0 &&
	   util_poll_ms(5.0015, 5) == 2, "poll timeouts round up");
	ok(util_exit_status(ENODEV, 1) == EXIT_NO_ARGO &&
	   util_exit_status(ECONNREFUSED, 1) == 1, "exit statuses");
}

int main(void)
{
	test_ping_args();
	test_cat_args();
	test_ping_packet();
	test_ping_stats();
	test_numbers();
	return tap_done();
}
