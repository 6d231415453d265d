/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * argo-ping - ping another domain over Argo datagrams, or answer pings.
 *
 * The client binds an ephemeral port whose partner is the target domain
 * (so no permissive mode is needed to get the replies), sends a request
 * every interval and matches replies by id and sequence number.  The
 * responder (-l) sends every request back as a reply.  See argo-ping(1).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ping.h"
#include "util.h"

static const char prog[] = "argo-ping";

/* Set by SIGINT/SIGTERM: stop and print the summary. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

struct client {
	const struct ping_opts *o;
	int fd;
	uint32_t id;
	unsigned char *buf;
	struct ping_stats st;
	unsigned char seen[8192];	/* bitmap of seq % 65536 */
	char peer[ARGO_ADDRSTRLEN];
};

static uint64_t now_ns(void)
{
	return (uint64_t)(util_now() * 1e9);
}

/* Open the socket and bind it; returns the fd or -1 after a message. */
static int open_socket(uint32_t port, uint16_t partner, argo_addr_t *local)
{
	argo_addr_t a;
	int fd, err;

	fd = argo_socket(SOCK_DGRAM);
	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.aport = port;
	if (argo_bind(fd, &a, partner) < 0 ||
	    argo_getsockname(fd, local, NULL) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* A send that failed for a reason worth going on after. */
static int transient(int err)
{
	return err == ECONNREFUSED || err == EAGAIN || err == ECONNRESET ||
	       err == ESRCH || err == EHOSTUNREACH || err == ENOBUFS ||
	       err == ENOMEM || err == EINTR;
}

static void forget_seen(struct client *c, uint32_t seq)
{
	unsigned bit = seq % 65536;

	c->seen[bit / 8] &= (unsigned char)~(1u << (bit % 8));
}

static int send_request(struct client *c)
{
	struct ping_hdr h = {
		.magic = PING_MAGIC, .type = PING_REQUEST, .id = c->id,
		.seq = (uint32_t)c->st.sent + 1,
	};

	h.stamp_ns = now_ns();
	ping_encode(c->buf, c->o->size, &h);
	forget_seen(c, h.seq);	/* the bitmap wraps every 65536 requests */
	c->st.sent++;
	if (argo_sendto(c->fd, c->buf, c->o->size, 0, &c->o->target) >= 0)
		return 0;
	if (!transient(errno))
		return -1;
	c->st.errors++;
	if (!c->o->quiet)
		printf("From %s seq=%u: %s\n", c->peer, h.seq,
		       argo_strerror(errno));
	return 0;
}

static int mark_seen(struct client *c, uint32_t seq)
{
	unsigned bit = seq % 65536;
	int dup = (c->seen[bit / 8] >> (bit % 8)) & 1;

	c->seen[bit / 8] |= (unsigned char)(1u << (bit % 8));
	return dup;
}

static void handle_reply(struct client *c, size_t n, const argo_addr_t *src)
{
	struct ping_hdr h;
	double rtt;
	int dup;

	if (src->domain_id != c->o->target.domain_id ||
	    src->aport != c->o->target.aport ||
	    ping_decode(c->buf, n, &h) < 0 || h.type != PING_REPLY ||
	    h.id != c->id || h.seq == 0 || h.seq > c->st.sent)
		return;		/* not an answer to us: ignore it */
	rtt = (double)(now_ns() - h.stamp_ns) / 1e6;
	dup = mark_seen(c, h.seq);
	if (dup)
		c->st.dups++;
	else
		ping_stats_add(&c->st, rtt);
	if (!c->o->quiet)
		printf("%zu bytes from %s: seq=%u time=%.3f ms%s\n", n,
		       c->peer, h.seq, rtt, dup ? " (DUP!)" : "");
}

/* Read every reply waiting; -1 on a fatal error. */
static int drain_replies(struct client *c)
{
	argo_addr_t src;
	ssize_t n;

	for (;;) {
		n = argo_recvfrom(c->fd, c->buf, c->o->size, MSG_DONTWAIT,
				  &src);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ||
			       transient(errno) ? 0 : -1;
		handle_reply(c, (size_t)n, &src);
	}
}

static void print_summary(const struct client *c, double elapsed)
{
	const struct ping_stats *s = &c->st;

	printf("\n--- %s argo-ping statistics ---\n", c->peer);
	printf("%lu packets transmitted, %lu received", s->sent, s->received);
	if (s->dups)
		printf(", +%lu duplicates", s->dups);
	if (s->errors)
		printf(", +%lu errors", s->errors);
	printf(", %g%% packet loss, time %.0fms\n", ping_stats_loss(s),
	       elapsed * 1000.0);
	if (s->received)
		printf("rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n",
		       s->min, ping_stats_avg(s), s->max, ping_stats_mdev(s));
	fflush(stdout);
}

/* Still sending?  With -w, until COUNT replies; else COUNT requests. */
static int may_send(const struct client *c)
{
	const struct ping_opts *o = c->o;

	if (!o->count)
		return 1;
	if (o->deadline >= 0)
		return c->st.received < o->count;
	return c->st.sent < o->count;
}

static int client_loop(struct client *c, double start)
{
	const struct ping_opts *o = c->o;
	double next = start, linger = -1, end, now, wake;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };

	end = o->deadline >= 0 ? start + o->deadline : -1;
	while (!interrupted) {
		now = util_now();
		if ((end >= 0 && now >= end) ||
		    (o->count && c->st.received >= o->count))
			break;
		if (may_send(c) && now >= next) {
			if (send_request(c) < 0)
				return -1;
			next += o->interval;
			if (next < now)
				next = now + o->interval;
			linger = now + o->timeout;
		} else if (!may_send(c) && (now >= linger ||
			   c->st.received + c->st.errors >= c->st.sent)) {
			break;
		}
		wake = util_min_deadline(may_send(c) ? next : linger, end);
		if (poll(&p, 1, util_poll_ms(wake, util_now())) > 0 &&
		    drain_replies(c) < 0)
			return -1;
	}
	return 0;
}

static int run_client(const struct ping_opts *o)
{
	struct client c;
	argo_addr_t local;
	char me[ARGO_ADDRSTRLEN];
	double start;
	int ret;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.id = (uint32_t)getpid();
	argo_addr_format(&o->target, c.peer, sizeof(c.peer));
	c.buf = malloc(o->size);
	if (!c.buf) {
		util_error(prog, errno, "out of memory");
		return EXIT_USAGE;
	}
	c.fd = open_socket(ARGO_PORT_ANY, o->target.domain_id, &local);
	if (c.fd < 0) {
		ret = errno;
		/* Binding for the target's replies fails if it does not exist. */
		if (ret == EHOSTUNREACH || ret == ESRCH)
			util_error(prog, ret, "domain %u", o->target.domain_id);
		else
			util_error(prog, ret, "cannot open an Argo datagram socket");
		free(c.buf);
		return util_exit_status(ret, EXIT_USAGE);
	}
	argo_addr_format(&local, me, sizeof(me));
	printf("ARGO-PING %s from %s: %zu bytes\n", c.peer, me, o->size);
	fflush(stdout);
	start = util_now();
	ret = client_loop(&c, start);
	if (ret < 0)
		util_error(prog, errno, "sending to %s", c.peer);
	print_summary(&c, util_now() - start);
	close(c.fd);
	free(c.buf);
	if (ret < 0)
		return EXIT_USAGE;
	return c.st.received ? 0 : 1;
}

/* Answer one request if buf holds one; returns 1 if answered. */
static int answer(int fd, unsigned char *buf, size_t n,
		  const argo_addr_t *src, int quiet)
{
	struct ping_hdr h;
	char from[ARGO_ADDRSTRLEN];

	if (ping_decode(buf, n, &h) < 0 || h.type != PING_REQUEST)
		return 0;
	h.type = PING_REPLY;
	ping_encode(buf, n, &h);
	argo_addr_format(src, from, sizeof(from));
	if (argo_sendto(fd, buf, n, MSG_DONTWAIT, src) < 0) {
		util_error(prog, errno, "reply to %s seq=%u", from, h.seq);
		return 0;
	}
	if (!quiet)
		printf("%zu bytes from %s: seq=%u echoed\n", n, from, h.seq);
	fflush(stdout);
	return 1;
}

static int responder_loop(int fd, const struct ping_opts *o, double end)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned char *buf = malloc(PING_MAX_SIZE);
	unsigned long answered = 0;
	argo_addr_t src;
	ssize_t n;

	if (!buf)
		return -1;
	while (!interrupted && (end < 0 || util_now() < end) &&
	       (!o->count || answered < o->count)) {
		if (poll(&p, 1, util_poll_ms(end, util_now())) <= 0)
			continue;
		n = argo_recvfrom(fd, buf, PING_MAX_SIZE, MSG_DONTWAIT, &src);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			free(buf);
			return -1;
		}
		if (n > 0)
			answered += (unsigned long)answer(fd, buf, (size_t)n,
							  &src, o->quiet);
	}
	free(buf);
	return 0;
}

static int run_responder(const struct ping_opts *o)
{
	argo_addr_t local;
	char me[ARGO_ADDRSTRLEN];
	int fd, err;

	fd = open_socket(o->target.aport, o->partner, &local);
	if (fd < 0) {
		err = errno;
		util_error(prog, err, "cannot answer on port %u",
			   o->target.aport);
		return util_exit_status(err, EXIT_USAGE);
	}
	argo_addr_format(&local, me, sizeof(me));
	if (!o->quiet) {
		fprintf(stderr, "%s: answering on %s", prog, me);
		if (o->partner == ARGO_DOMID_ANY)
			fprintf(stderr, " (any domain)\n");
		else
			fprintf(stderr, " (domain %u only)\n", o->partner);
	}
	if (responder_loop(fd, o, o->deadline >= 0 ?
				  util_now() + o->deadline : -1) < 0) {
		err = errno;
		util_error(prog, err, "receiving on %s", me);
		close(fd);
		return util_exit_status(err, EXIT_USAGE);
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct ping_opts o;
	int r = ping_parse_args(argc, argv, &o);

	if (r != 0)
		return r > 0 ? 0 : EXIT_USAGE;
	setup_signals();
	return o.listen ? run_responder(&o) : run_client(&o);
}
