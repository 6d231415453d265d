/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cat.h - argo-cat: options, the relay between stdio and a socket, and
 * running a program on a connection.
 */
#ifndef ARGO_UTILS_CAT_H
#define ARGO_UTILS_CAT_H

#include <stdint.h>
#include <libargo.h>

/* argo-cat's exit statuses (argo-cat(1)). */
#define CAT_EXIT_OK		0
#define CAT_EXIT_FAIL		1	/* refused, reset, timed out, I/O */
#define CAT_EXIT_USAGE		2
#define CAT_EXIT_NO_ARGO	3

struct cat_opts {
	int listen;		/* -l */
	int keep;		/* -k */
	int dgram;		/* -u */
	int verbose;		/* -v */
	const char *exec_prog;	/* -e PROG [ARGS split on blanks] */
	const char *exec_cmd;	/* -c CMD run by the shell */
	double timeout;		/* -w seconds; < 0 none */
	uint16_t partner;	/* -P DOMID for -l */
	uint32_t local_port;	/* -p PORT; ARGO_PORT_ANY by default */
	argo_addr_t peer;	/* connect: DOMID PORT */
};

/* 0 run, 1 help/version printed (exit 0), -1 usage error printed. */
int cat_parse_args(int argc, char **argv, struct cat_opts *o);

/* Byte counts of one session. */
struct cat_stats {
	uint64_t sent, received;
	double start, end;
};

/*
 * Copy stdin (in) -> sock and sock -> stdout (out) until the session ends:
 * stream: when both directions are done: stdin's EOF (sent to the peer as
 * a half-close, SHUT_WR) and the peer's EOF (the peer's EOF alone when in
 * is a terminal); datagram: stdin EOF (then timeout seconds more of
 * replies), or, with listen set, never (only the timeout).  idle timeout
 * < 0: none.  Returns 0, or -1 + errno on a socket error; 1 on idle timeout.
 */
int cat_relay(int in, int out, int sock, int dgram, int listen,
	      double timeout, struct cat_stats *st);

/* Run the -e/-c program with stdin/stdout on sock; returns its exit
 * status (128+N if killed by signal N), or -1 + errno. */
int cat_spawn(const struct cat_opts *o, int sock, int wait);

#endif /* ARGO_UTILS_CAT_H */
