/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ping-opts.c - argo-ping's command line.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ping.h"
#include "util.h"

static const char prog[] = "argo-ping";

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [-q] [-c COUNT] [-i SECS] [-s BYTES] [-w SECS] [-W SECS] DOMID[:PORT]\n"
"       %s -l [-q] [-c COUNT] [-w SECS] [-P DOMID] [PORT]\n"
"Send Argo echo requests to a domain and report round-trip times, or (-l)\n"
"answer them.  The default port is %u.\n"
"\n"
"  -c COUNT   stop after COUNT replies (responder: after COUNT requests)\n"
"  -i SECS    seconds between requests (default 1)\n"
"  -s BYTES   datagram size, %u..%u (default %u)\n"
"  -w SECS    stop after SECS seconds whatever happened\n"
"  -W SECS    wait SECS for each reply after the last request (default 2)\n"
"  -q         print only the summary (responder: nothing per request)\n"
"  -l         run the echo responder on PORT\n"
"  -P DOMID   responder: answer only domain DOMID (default: any domain,\n"
"             which needs Xen's mac-permissive mode)\n"
"  -h, --help     show this help\n"
"  -V, --version  show the version\n"
"\n"
"Exit status: 0 replies were received (responder: clean stop), 1 none,\n"
"2 usage or setup error, 3 Argo is not available.\n",
		prog, prog, ARGO_PING_PORT, PING_HDR_LEN, PING_MAX_SIZE,
		PING_DEFAULT_SIZE);
}

static void defaults(struct ping_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->interval = 1.0;
	o->deadline = -1.0;
	o->timeout = 2.0;
	o->size = PING_DEFAULT_SIZE;
	o->partner = ARGO_DOMID_ANY;
	o->target.domain_id = ARGO_DOMID_ANY;
	o->target.aport = ARGO_PING_PORT;
}

static int bad(const char *what, const char *arg)
{
	return util_bad_arg(prog, what, arg);
}

/* One option (struct util_cmdline's option); 0 ok, -1 usage error. */
static int parse_opt(int c, const char *arg, void *opts)
{
	struct ping_opts *o = opts;
	unsigned long v;

	switch (c) {
	case 'l':
		o->listen = 1;
		return 0;
	case 'q':
		o->quiet = 1;
		return 0;
	case 'c':
		if (util_parse_ulong(arg, 1, 1000000000UL, &v) < 0)
			return bad("count", arg);
		o->count = v;
		return 0;
	case 'i':
		if (util_parse_seconds(arg, 86400, &o->interval) < 0 ||
		    o->interval < 0.001)
			return bad("interval (0.001 to 86400 seconds)", arg);
		return 0;
	case 's':
		if (util_parse_ulong(arg, PING_HDR_LEN, PING_MAX_SIZE, &v) < 0)
			return bad("size", arg);
		o->size = v;
		return 0;
	case 'w':
		if (util_parse_seconds(arg, 31536000, &o->deadline) < 0)
			return bad("deadline", arg);
		return 0;
	case 'W':
		if (util_parse_seconds(arg, 86400, &o->timeout) < 0)
			return bad("timeout", arg);
		return 0;
	case 'P':
		return util_arg_domid(prog, arg, 1, &o->partner);
	default:
		util_error(prog, 0, "try --help");
		return -1;
	}
}

static int parse_operand(int argc, char **argv, void *opts)
{
	struct ping_opts *o = opts;

	if (argc - optind > 1)
		return bad("extra argument", argv[optind + 1]);
	if (o->listen) {
		if (optind == argc)
			return 0;	/* the default port */
		return util_arg_port(prog, argv[optind], 0, &o->target.aport);
	}
	if (optind >= argc) {
		util_error(prog, 0, "which domain? usage: %s DOMID[:PORT]",
			   prog);
		return -1;
	}
	if (argo_addr_parse(argv[optind], ARGO_PING_PORT, &o->target) < 0 ||
	    o->target.domain_id == ARGO_DOMID_ANY ||
	    o->target.aport == ARGO_PORT_ANY)
		return bad("address (DOMID[:PORT])", argv[optind]);
	return 0;
}

int ping_parse_args(int argc, char **argv, struct ping_opts *o)
{
	static const struct util_cmdline cmdline = {
		prog, "lqc:i:s:w:W:P:hV", usage, parse_opt, parse_operand
	};

	defaults(o);
	return util_parse_cmdline(argc, argv, &cmdline, o);
}
