/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * argo-cat - netcat for Xen Argo.  See argo-cat(1).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cat.h"
#include "util.h"

static const char prog[] = "argo-cat";

/* "argo-cat: WHAT [WHO]: advice"; returns the exit status for err. */
static int fail(int err, int fallback, const char *what, const char *who)
{
	util_error(prog, err, "%s%s%s", what, who ? " " : "", who ? who : "");
	return util_exit_status(err, fallback);
}

/* Wait until fd is ready for events, at most timeout seconds (< 0: no
 * limit).  0 ready, -1 + ETIMEDOUT or another errno. */
static int wait_ready(int fd, short events, double timeout)
{
	struct pollfd p = { .fd = fd, .events = events };
	double end = timeout >= 0 ? util_now() + timeout : -1;
	int n;

	for (;;) {
		n = poll(&p, 1, util_poll_ms(end, util_now()));
		if (n > 0)
			return 0;
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

static int set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* Stream connect with an optional timeout. */
static int connect_timeout(int fd, const argo_addr_t *peer, double timeout)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (set_nonblock(fd, 1) < 0)
		return -1;
	if (argo_connect(fd, peer) < 0) {
		if (errno != EINPROGRESS && errno != EAGAIN)
			return -1;
		if (wait_ready(fd, POLLOUT, timeout) < 0 ||
		    argo_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			return -1;
		if (err) {
			errno = err;
			return -1;
		}
	}
	return set_nonblock(fd, 0);
}

static void report(const struct cat_opts *o, const struct cat_stats *st)
{
	double t = st->end - st->start;
	double total = (double)(st->sent + st->received);

	if (!o->verbose)
		return;
	fprintf(stderr, "%s: sent %llu bytes, received %llu bytes in %.3f s"
		" (%.1f KiB/s)\n", prog, (unsigned long long)st->sent,
		(unsigned long long)st->received, t,
		t > 0 ? total / t / 1024.0 : 0.0);
}

static void say(const struct cat_opts *o, const char *what, int fd,
		const argo_addr_t *peer)
{
	char a[ARGO_ADDRSTRLEN], b[ARGO_ADDRSTRLEN] = "?";
	argo_addr_t local;

	if (!o->verbose)
		return;
	argo_addr_format(peer, a, sizeof(a));
	if (argo_getsockname(fd, &local, NULL) == 0)
		argo_addr_format(&local, b, sizeof(b));
	fprintf(stderr, "%s: %s %s (local %s)\n", prog, what, a, b);
}

/* Run the session on a connected socket: -e/-c or the relay. */
static int session(const struct cat_opts *o, int fd, int listen,
		   const char *who)
{
	struct cat_stats st;
	int r;

	if (o->exec_prog || o->exec_cmd) {
		r = cat_spawn(o, fd, !o->keep);
		if (r < 0)
			return fail(errno, CAT_EXIT_FAIL, "cannot start",
				    o->exec_prog ? o->exec_prog : o->exec_cmd);
		return r;
	}
	memset(&st, 0, sizeof(st));
	r = cat_relay(STDIN_FILENO, STDOUT_FILENO, fd, o->dgram, listen,
		      o->timeout, &st);
	report(o, &st);
	if (r < 0)
		return fail(errno, CAT_EXIT_FAIL, "data with", who);
	return CAT_EXIT_OK;
}

static int open_bound(int type, uint32_t port, uint16_t partner)
{
	argo_addr_t a;
	int fd = argo_socket(type), err;

	if (fd < 0 || (port == ARGO_PORT_ANY && type == SOCK_STREAM))
		return fd;
	memset(&a, 0, sizeof(a));
	a.aport = port;
	if (argo_bind(fd, &a, partner) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static int run_client(const struct cat_opts *o)
{
	char peer[ARGO_ADDRSTRLEN];
	int fd, r;

	argo_addr_format(&o->peer, peer, sizeof(peer));
	fd = open_bound(o->dgram ? SOCK_DGRAM : SOCK_STREAM, o->local_port,
			o->peer.domain_id);
	if (fd < 0)
		return fail(errno, CAT_EXIT_FAIL, "cannot open a socket for",
			    peer);
	if ((o->dgram ? argo_connect(fd, &o->peer)
		      : connect_timeout(fd, &o->peer, o->timeout)) < 0) {
		r = fail(errno, CAT_EXIT_FAIL, "cannot connect to", peer);
		close(fd);
		return r;
	}
	say(o, o->dgram ? "sending to" : "connected to", fd, &o->peer);
	r = session(o, fd, 0, peer);
	close(fd);
	return r;
}

static void reap_children(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Wait for a connection and accept it: the new descriptor, or -1 after a
 * message with the exit status in *status. */
static int accept_wait(const struct cat_opts *o, int lfd, const char *me,
		       int *status)
{
	argo_addr_t peer;
	int fd;

	for (;;) {
		if (wait_ready(lfd, POLLIN, o->timeout) < 0) {
			*status = fail(errno, CAT_EXIT_FAIL, "no connection on",
				       me);
			return -1;
		}
		fd = argo_accept4(lfd, &peer, SOCK_CLOEXEC);
		if (fd >= 0)
			break;
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED) {
			*status = fail(errno, CAT_EXIT_FAIL, "accept on", me);
			return -1;
		}
	}
	say(o, "connection from", fd, &peer);
	return fd;
}

/* One session per connection; with -k until accepting fails or times
 * out. */
static int listen_stream(const struct cat_opts *o, int lfd, const char *me)
{
	int fd, r;

	if (argo_listen(lfd, 0) < 0)
		return fail(errno, CAT_EXIT_FAIL, "cannot listen on", me);
	if (o->verbose)
		fprintf(stderr, "%s: listening on %s\n", prog, me);
	for (;;) {
		fd = accept_wait(o, lfd, me, &r);
		if (fd < 0)
			return r;
		r = session(o, fd, 1, "the peer");
		close(fd);
		reap_children();
		if (!o->keep)
			return r;
	}
}

static int run_listener(const struct cat_opts *o)
{
	char me[ARGO_ADDRSTRLEN];
	int fd, r;

	snprintf(me, sizeof(me), "port %u", o->peer.aport);
	fd = open_bound(o->dgram ? SOCK_DGRAM : SOCK_STREAM, o->peer.aport,
			o->partner);
	if (fd < 0)
		return fail(errno, CAT_EXIT_FAIL, "cannot bind", me);
	if (o->dgram) {
		if (o->verbose)
			fprintf(stderr, "%s: listening on %s\n", prog, me);
		r = session(o, fd, 1, "the peer");
	} else {
		r = listen_stream(o, fd, me);
	}
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	struct cat_opts o;
	int r = cat_parse_args(argc, argv, &o);

	if (r != 0)
		return r > 0 ? CAT_EXIT_OK : CAT_EXIT_USAGE;
	signal(SIGPIPE, SIG_IGN);
	return o.listen ? run_listener(&o) : run_client(&o);
}
