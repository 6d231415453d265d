/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cat-relay.c - argo-cat's data pump between stdin/stdout and a socket.
 *
 * Two one-way channels, each with a buffer: "up" (stdin -> socket) and
 * "down" (socket -> stdout).  A channel reads only when its buffer is
 * empty and writes while it is not, so neither direction can block the
 * other: the socket is non-blocking and every wait is one poll(2).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cat.h"
#include "util.h"

#define STREAM_BUF	(64 * 1024)
#define DGRAM_BUF	(1024 * 1024)

struct chan {
	char *buf;
	size_t size, off, len;
	int eof;
};

struct relay {
	int in, out, sock;
	int dgram, listen;
	int have_peer;		/* dgram: where up's messages go */
	int shut;		/* stream: SHUT_WR sent after stdin EOF */
	int tty;		/* stdin is a terminal: peer EOF ends it */
	argo_addr_t peer;
	struct chan up, down;
	struct cat_stats *st;
};

enum { P_IN, P_SOCK, P_OUT, P_N };

static int chan_init(struct chan *c, size_t size)
{
	memset(c, 0, sizeof(*c));
	c->buf = malloc(size);
	c->size = size;
	return c->buf ? 0 : -1;
}

/* Read stdin into up: one read is one datagram on a datagram socket. */
static int read_in(struct relay *r)
{
	ssize_t n = read(r->in, r->up.buf, r->up.size);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0)
		r->up.eof = 1;
	r->up.off = 0;
	r->up.len = (size_t)n;
	return 0;
}

static int send_up(struct relay *r)
{
	const char *p = r->up.buf + r->up.off;
	ssize_t n;

	if (r->dgram && !r->listen)
		n = argo_send(r->sock, p, r->up.len, MSG_DONTWAIT);
	else if (r->dgram)
		n = argo_sendto(r->sock, p, r->up.len, MSG_DONTWAIT, &r->peer);
	else
		n = argo_send(r->sock, p, r->up.len, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	r->st->sent += (uint64_t)n;
	r->up.off += (size_t)n;
	r->up.len -= (size_t)n;
	return 0;
}

static int recv_down(struct relay *r)
{
	argo_addr_t src;
	ssize_t n;

	n = argo_recvfrom(r->sock, r->down.buf, r->down.size, MSG_DONTWAIT,
			  r->dgram ? &src : NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0 && !r->dgram)
		r->down.eof = 1;
	if (r->dgram && r->listen) {
		r->peer = src;	/* answer whoever spoke last */
		r->have_peer = 1;
	}
	r->st->received += (uint64_t)n;
	r->down.off = 0;
	r->down.len = (size_t)n;
	return 0;
}

static int write_out(struct relay *r)
{
	ssize_t n = write(r->out, r->down.buf + r->down.off, r->down.len);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	r->down.off += (size_t)n;
	r->down.len -= (size_t)n;
	return 0;
}

/* Is the session over?  1 yes, 0 no. */
static int finished(struct relay *r, double timeout)
{
	/* Stream: both directions are done (the peer's EOF written out,
	 * stdin's EOF sent as a half-close); with a terminal on stdin the
	 * peer's EOF is enough, as nobody is going to type more. */
	if (!r->dgram)
		return r->down.eof && !r->down.len &&
		       (r->tty || (r->up.eof && !r->up.len));
	/* Datagram client: stdin EOF ends it, unless -w asks to linger
	 * for replies (then the idle timeout ends it). */
	return !r->listen && r->up.eof && !r->up.len && timeout < 0;
}

static void half_close(struct relay *r)
{
	if (r->dgram || r->shut || !r->up.eof || r->up.len)
		return;
	/* Errors are harmless here: the peer may have gone already. */
	argo_shutdown(r->sock, SHUT_WR);
	r->shut = 1;
}

static void set_events(struct relay *r, struct pollfd *p)
{
	int read_stdin = !r->up.eof && !r->up.len &&
			 (!r->dgram || !r->listen || r->have_peer);

	p[P_IN].fd = read_stdin ? r->in : -1;
	p[P_IN].events = POLLIN;
	p[P_SOCK].fd = r->sock;
	p[P_SOCK].events = (short)((r->up.len ? POLLOUT : 0) |
			   (!r->down.eof && !r->down.len ? POLLIN : 0));
	p[P_OUT].fd = r->down.len ? r->out : -1;
	p[P_OUT].events = POLLOUT;
}

#define READY(p, ev)	((p).fd >= 0 && ((p).revents & ((ev) | POLLHUP | POLLERR)))

static int step(struct relay *r, struct pollfd *p)
{
	if (READY(p[P_IN], POLLIN) && read_in(r) < 0)
		return -1;
	if (r->up.len && (p[P_SOCK].revents & (POLLOUT | POLLERR)) &&
	    send_up(r) < 0)
		return -1;
	if (!r->down.len && !r->down.eof &&
	    (p[P_SOCK].revents & (POLLIN | POLLHUP | POLLERR)) &&
	    recv_down(r) < 0)
		return -1;
	if (READY(p[P_OUT], POLLOUT) && write_out(r) < 0)
		return -1;
	return 0;
}

static int pump(struct relay *r, double timeout)
{
	struct pollfd p[P_N];
	double idle_end;
	int n;

	for (;;) {
		half_close(r);
		if (finished(r, timeout))
			return 0;
		set_events(r, p);
		idle_end = timeout >= 0 ? util_now() + timeout : -1;
		n = poll(p, P_N, util_poll_ms(idle_end, util_now()));
		if (n < 0 && errno != EINTR)
			return -1;
		if (n == 0)
			return 0;	/* idle timeout: the session ends */
		if (n > 0 && step(r, p) < 0)
			return -1;
	}
}

int cat_relay(int in, int out, int sock, int dgram, int listen,
	      double timeout, struct cat_stats *st)
{
	struct relay r;
	size_t size = dgram ? DGRAM_BUF : STREAM_BUF;
	int ret = -1, err, fl;

	memset(&r, 0, sizeof(r));
	r.in = in;
	r.out = out;
	r.sock = sock;
	r.dgram = dgram;
	r.listen = listen;
	r.st = st;
	r.tty = isatty(in);
	fl = fcntl(sock, F_GETFL);
	if (fl >= 0)
		fcntl(sock, F_SETFL, fl | O_NONBLOCK);
	st->start = util_now();
	if (chan_init(&r.up, size) == 0 && chan_init(&r.down, size) == 0)
		ret = pump(&r, timeout);
	err = errno;
	st->end = util_now();
	free(r.up.buf);
	free(r.down.buf);
	errno = err;
	return ret;
}
