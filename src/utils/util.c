/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.c - number parsing, clocks, error messages and command lines for
 * the tools.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libargo.h>
#include "util.h"

int util_parse_seconds(const char *s, double max, double *out)
{
	char *end;
	double v;

	if (!s || (!isdigit((unsigned char)*s) && *s != '.')) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (*end || end == s || errno || isnan(v)) {
		errno = EINVAL;
		return -1;
	}
	if (v < 0 || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int util_parse_ulong(const char *s, unsigned long min, unsigned long max,
		     unsigned long *out)
{
	unsigned long long v;
	char *end;
	int base = 10;

	if (!s || !*s) {
		errno = EINVAL;
		return -1;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end) {
		errno = EINVAL;
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = (unsigned long)v;
	return 0;
}

double util_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int util_poll_ms(double deadline, double now)
{
	double ms;

	if (deadline < 0)
		return -1;
	ms = (deadline - now) * 1000.0;
	if (ms <= 0)
		return 0;
	if (ms > 86400000.0)
		return 86400000;
	return (int)ceil(ms);
}

double util_min_deadline(double a, double b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

void util_error(const char *prog, int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", argo_strerror(err));
	fputc('\n', stderr);
}

int util_exit_status(int err, int fallback)
{
	switch (err) {
	case ENODEV:
	case EAFNOSUPPORT:
	case ENOSYS:
		return EXIT_NO_ARGO;
	default:
		return fallback;
	}
}

static int unknown_option(const char *prog, const char *word)
{
	if (optopt)
		util_error(prog, 0, "unknown option -%c or missing argument "
			   "(try --help)", optopt);
	else
		util_error(prog, 0, "unknown option '%s' (try --help)", word);
	return -1;
}

int util_parse_cmdline(int argc, char **argv, const struct util_cmdline *cl,
		       void *opts)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;	/* full getopt reset: the tests parse many times */
	opterr = 0;
	while ((c = getopt_long(argc, argv, cl->optstring, longopts,
				NULL)) != -1) {
		if (c == 'h') {
			cl->usage(stdout);
			return 1;
		}
		if (c == 'V') {
			printf("%s (%s) %s\n", cl->prog, PACKAGE_NAME,
			       PACKAGE_VERSION);
			return 1;
		}
		if (c == '?')
			return unknown_option(cl->prog, argv[optind - 1]);
		if (cl->option(c, optarg, opts) < 0)
			return -1;
	}
	return cl->operands(argc, argv, opts);
}

int util_bad_arg(const char *prog, const char *what, const char *arg)
{
	util_error(prog, 0, "invalid %s: '%s' (try --help)", what, arg);
	return -1;
}

/* 0 when ok, else util_bad_arg(). */
static int arg_checked(int ok, const char *prog, const char *what,
		       const char *arg)
{
	return ok ? 0 : util_bad_arg(prog, what, arg);
}

int util_arg_port(const char *prog, const char *arg, int any_ok,
		  uint32_t *port)
{
	return arg_checked(argo_parse_port(arg, port) == 0 &&
			   (any_ok || *port != ARGO_PORT_ANY),
			   prog, "port", arg);
}

int util_arg_domid(const char *prog, const char *arg, int any_ok,
		   uint16_t *domid)
{
	return arg_checked(argo_parse_domid(arg, domid) == 0 &&
			   (any_ok || *domid != ARGO_DOMID_ANY),
			   prog, "domain id", arg);
}
