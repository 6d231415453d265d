/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cat-opts.c - argo-cat's command line.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cat.h"
#include "util.h"

static const char prog[] = "argo-cat";

static void defaults(struct cat_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout = -1;
	o->partner = ARGO_DOMID_ANY;
	o->local_port = ARGO_PORT_ANY;
	o->peer.domain_id = ARGO_DOMID_ANY;
	o->peer.aport = ARGO_PORT_ANY;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [-u] [-v] [-w SECS] [-p PORT] [-e PROG | -c CMD] DOMID PORT\n"
"       %s -l [-k] [-u] [-v] [-w SECS] [-P DOMID] [-e PROG | -c CMD] PORT\n"
"Netcat for Xen Argo: connect to port PORT of domain DOMID, or listen on\n"
"PORT, and copy standard input to the peer and the peer to standard output.\n"
"\n"
"  -l         listen for a connection (datagram: for messages) on PORT\n"
"  -k         with -l: keep listening after a connection ends\n"
"  -u         datagram instead of stream\n"
"  -P DOMID   with -l: accept only domain DOMID (default: any domain,\n"
"             which needs Xen's mac-permissive mode)\n"
"  -p PORT    local port to bind when connecting\n"
"  -e PROG    run PROG (arguments split on blanks) with its standard input\n"
"             and output on the connection\n"
"  -c CMD     the same through /bin/sh -c CMD\n"
"  -w SECS    give up connecting/accepting after SECS; end the session\n"
"             after SECS without traffic\n"
"  -v         report the connection, byte counts and throughput on stderr\n"
"  -h, --help     show this help\n"
"  -V, --version  show the version\n"
"\n"
"Exit status: 0 success, 1 connection refused/reset/timed out or I/O error,\n"
"2 usage error, 3 Argo is not available; with -e/-c and no -k, the status\n"
"of the program.\n", prog, prog);
}

/* One option (struct util_cmdline's option). */
static int parse_opt(int c, const char *arg, void *opts)
{
	struct cat_opts *o = opts;

	switch (c) {
	case 'l': o->listen = 1; return 0;
	case 'k': o->keep = 1; return 0;
	case 'u': o->dgram = 1; return 0;
	case 'v': o->verbose = 1; return 0;
	case 'e': o->exec_prog = arg; return 0;
	case 'c': o->exec_cmd = arg; return 0;
	case 'w':
		if (util_parse_seconds(arg, 31536000, &o->timeout) < 0)
			return util_bad_arg(prog, "timeout", arg);
		return 0;
	case 'P':
		return util_arg_domid(prog, arg, 1, &o->partner);
	case 'p':
		return util_arg_port(prog, arg, 1, &o->local_port);
	default:
		return -1;
	}
}

static int check_combination(const struct cat_opts *o)
{
	const char *why = NULL;

	if (o->exec_prog && o->exec_cmd)
		why = "-e and -c exclude each other";
	else if ((o->exec_prog && !*o->exec_prog) ||
		 (o->exec_cmd && !*o->exec_cmd))
		why = "-e/-c need a program";
	else if (o->dgram && (o->exec_prog || o->exec_cmd))
		why = "-e/-c need a stream connection (not -u)";
	else if (o->keep && !o->listen)
		why = "-k needs -l";
	else if (o->partner != ARGO_DOMID_ANY && !o->listen)
		why = "-P needs -l (a client names its peer)";
	else if (o->local_port != ARGO_PORT_ANY && o->listen)
		why = "-p is for clients; give -l the port";
	if (!why)
		return 0;
	util_error(prog, 0, "%s (try --help)", why);
	return -1;
}

/* The options are checked together before the operands are read. */
static int parse_operands(int argc, char **argv, void *opts)
{
	struct cat_opts *o = opts;
	int n = argc - optind;

	if (check_combination(o) < 0)
		return -1;
	if (o->listen) {
		if (n != 1) {
			util_error(prog, 0, "-l takes one PORT (try --help)");
			return -1;
		}
		return util_arg_port(prog, argv[optind], 0, &o->peer.aport);
	}
	if (n != 2) {
		util_error(prog, 0, "need DOMID and PORT (try --help)");
		return -1;
	}
	if (util_arg_domid(prog, argv[optind], 0, &o->peer.domain_id) < 0)
		return -1;
	return util_arg_port(prog, argv[optind + 1], 0, &o->peer.aport);
}

int cat_parse_args(int argc, char **argv, struct cat_opts *o)
{
	static const struct util_cmdline cmdline = {
		prog, "lkuve:c:w:P:p:hV", usage, parse_opt, parse_operands
	};

	defaults(o);
	return util_parse_cmdline(argc, argv, &cmdline, o);
}
