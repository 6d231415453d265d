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

static void defaults(struct cat_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout = -1;
	o->partner = ARGO_DOMID_ANY;
	o->local_port = ARGO_PORT_ANY;
	o->peer.domain_id = ARGO_DOMID_ANY;
	o->peer.aport = ARGO_PORT_ANY;
}

static int bad(const char *what, const char *arg)
{
	util_error(prog, 0, "invalid %s: '%s' (try --help)", what, arg);
	return -1;
}

static int parse_opt(int c, const char *arg, struct cat_opts *o)
{
	switch (c) {
	case 'l': o->listen = 1; return 0;
	case 'k': o->keep = 1; return 0;
	case 'u': o->dgram = 1; return 0;
	case 'v': o->verbose = 1; return 0;
	case 'e': o->exec_prog = arg; return 0;
	case 'c': o->exec_cmd = arg; return 0;
	case 'w':
		if (util_parse_seconds(arg, 31536000, &o->timeout) < 0)
			return bad("timeout", arg);
		return 0;
	case 'P':
		if (argo_parse_domid(arg, &o->partner) < 0)
			return bad("domain id", arg);
		return 0;
	case 'p':
		if (argo_parse_port(arg, &o->local_port) < 0)
			return bad("port", arg);
		return 0;
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

static int parse_operands(int argc, char **argv, struct cat_opts *o)
{
	int n = argc - optind;

	if (o->listen) {
		if (n != 1) {
			util_error(prog, 0, "-l takes one PORT (try --help)");
			return -1;
		}
		if (argo_parse_port(argv[optind], &o->peer.aport) < 0 ||
		    o->peer.aport == ARGO_PORT_ANY)
			return bad("port", argv[optind]);
		return 0;
	}
	if (n != 2) {
		util_error(prog, 0, "need DOMID and PORT (try --help)");
		return -1;
	}
	if (argo_parse_domid(argv[optind], &o->peer.domain_id) < 0 ||
	    o->peer.domain_id == ARGO_DOMID_ANY)
		return bad("domain id", argv[optind]);
	if (argo_parse_port(argv[optind + 1], &o->peer.aport) < 0 ||
	    o->peer.aport == ARGO_PORT_ANY)
		return bad("port", argv[optind + 1]);
	return 0;
}

static int unknown_option(const char *word)
{
	if (optopt)
		util_error(prog, 0, "unknown option -%c or missing argument "
			   "(try --help)", optopt);
	else
		util_error(prog, 0, "unknown option '%s' (try --help)", word);
	return -1;
}

int cat_parse_args(int argc, char **argv, struct cat_opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	defaults(o);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "lkuve:c:w:P:p:hV", longopts,
				NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c == 'V') {
			printf("%s (%s) %s\n", prog, PACKAGE_NAME,
			       PACKAGE_VERSION);
			return 1;
		}
		if (c == '?')
			return unknown_option(argv[optind - 1]);
		if (parse_opt(c, optarg, o) < 0)
			return -1;
	}
	if (check_combination(o) < 0)
		return -1;
	return parse_operands(argc, argv, o);
}
