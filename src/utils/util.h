/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h - small helpers shared by argo-ping and argo-cat.
 */
#ifndef ARGO_UTILS_UTIL_H
#define ARGO_UTILS_UTIL_H

#include <stdint.h>
#include <stdio.h>

/* Exit statuses shared by the tools (see argo-cat(1), argo-ping(1)). */
#define EXIT_USAGE	2

/* "1", "0.25", "1.5e1": seconds in [0, max]; 0 or -1 (EINVAL/ERANGE). */
int util_parse_seconds(const char *s, double max, double *out);
/* Decimal (or 0x-hex) integer in [min, max]; 0 or -1. */
int util_parse_ulong(const char *s, unsigned long min, unsigned long max,
		     unsigned long *out);

/* CLOCK_MONOTONIC in seconds. */
double util_now(void);
/* poll(2) timeout in ms until deadline (a util_now() time); -1 for none
 * (deadline < 0), 0 when past. */
int util_poll_ms(double deadline, double now);
/* The earlier of two deadlines where < 0 means none. */
double util_min_deadline(double a, double b);

/* "prog: message[: strerror-ish advice]\n" on stderr.  err 0: no advice. */
void util_error(const char *prog, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Exit status for a failure with errno err: 3 when Argo itself is missing
 * (ENODEV, EAFNOSUPPORT, ENOSYS), else fallback. */
int util_exit_status(int err, int fallback);

#define EXIT_NO_ARGO	3

/* ---- command lines (argo-ping and argo-cat read theirs alike) ---- */

/* A tool's command line, as util_parse_cmdline() reads it. */
struct util_cmdline {
	const char *prog;	/* the tool's name, for messages */
	const char *optstring;	/* getopt's; with "hV" for help and version */
	void (*usage)(FILE *f);
	/* One of the tool's options: 0, or -1 after a message. */
	int (*option)(int c, const char *arg, void *opts);
	/* After the options, argv[optind..]: 0, or -1 after a message. */
	int (*operands)(int argc, char **argv, void *opts);
};

/*
 * Read argv into opts: the options (getopt_long; -h/--help and
 * -V/--version are answered here), then the operands.  0: run, 1: help
 * or version printed (exit 0), -1: usage error printed (exit 2).
 */
int util_parse_cmdline(int argc, char **argv, const struct util_cmdline *cl,
		       void *opts);

/* "prog: invalid WHAT: 'ARG' (try --help)"; returns -1. */
int util_bad_arg(const char *prog, const char *what, const char *arg);
/* An Argo port or domain id argument; "any" only when any_ok.  0, or -1
 * after util_bad_arg(). */
int util_arg_port(const char *prog, const char *arg, int any_ok,
		  uint32_t *port);
int util_arg_domid(const char *prog, const char *arg, int any_ok,
		   uint16_t *domid);

#endif /* ARGO_UTILS_UTIL_H */
