// SPDX-License-Identifier: GPL-2.0
/*
 * dgram_stress - datagram sockets under load within one domain:
 *  - several sender threads blast one small receive ring, so that senders
 *    keep blocking for space and are woken by Xen's VIRQ; the receiver
 *    checks that nothing is lost, duplicated or reordered per sender;
 *  - the same with non-blocking senders driven by poll(POLLOUT);
 *  - many sockets at once, up to Xen's ring limit: a clean error, no leak.
 * TAP output; exit 1 on failure.
 *
 * Usage: dgram_stress [BASEPORT [MESSAGES_PER_SENDER]]
 */
#include "argo_test.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>

#define NSENDERS 4

static uint16_t self;
static uint32_t base = 0x7000;
static int per_sender = 2000;

struct sender {
	int id;
	int nonblock;
	uint32_t port;
	int errors;
};

struct msg {
	uint32_t sender;
	uint32_t seq;
	unsigned char pad[200];
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	struct msg m;
	int fd = argo_open_dgram(), i;
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	argo_connect(fd, self, s->port);
	for (i = 0; i < per_sender; i++) {
		memset(&m, 0, sizeof(m));
		m.sender = s->id;
		m.seq = i;
		/* Vary the size: 8 .. 208 bytes. */
		size_t len = 8 + (i * 37 + s->id) % 201;

		for (;;) {
			if (write(fd, &m, len) == (ssize_t)len)
				break;
			if (!s->nonblock || errno != EAGAIN) {
				s->errors++;
				break;
			}
			if (poll(&p, 1, 10000) != 1) {
				s->errors++;
				t_diag("sender %d: poll timed out at %d", s->id,
				       i);
				break;
			}
		}
	}
	close(fd);
	return NULL;
}

static void blast(int nonblock)
{
	struct sender s[NSENDERS];
	pthread_t th[NSENDERS];
	uint32_t next[NSENDERS] = { 0 };
	uint32_t size = 4032;
	int rx, i, bad = 0, errors = 0, total = 0;
	struct msg m;
	ssize_t n;

	rx = argo_open_dgram();
	ioctl(rx, ARGOIOCSETRINGSIZE, &size);
	if (argo_bind(rx, base + nonblock, self)) {
		t_ok(0, "bind receiver: %s", strerror(errno));
		return;
	}
	for (i = 0; i < NSENDERS; i++) {
		s[i].id = i;
		s[i].nonblock = nonblock;
		s[i].port = base + nonblock;
		s[i].errors = 0;
		pthread_create(&th[i], NULL, sender_main, &s[i]);
	}
	alarm(300);
	while (total < NSENDERS * per_sender) {
		n = read(rx, &m, sizeof(m));
		if (n < 8) {
			t_diag("read: %zd %s", n, strerror(errno));
			bad++;
			break;
		}
		if (m.sender >= NSENDERS || m.seq != next[m.sender]) {
			if (bad++ < 5)
				t_diag("sender %u: seq %u, expected %u",
				       m.sender, m.seq,
				       m.sender < NSENDERS ? next[m.sender] : 0);
		} else {
			next[m.sender]++;
		}
		total++;
	}
	for (i = 0; i < NSENDERS; i++) {
		pthread_join(th[i], NULL);
		errors += s[i].errors;
	}
	t_ok(!bad && !errors && total == NSENDERS * per_sender,
	     "%s senders: %d x %d messages into a 4032-byte ring, in order, none lost (bad %d, send errors %d)",
	     nonblock ? "non-blocking (poll)" : "blocking", NSENDERS,
	     per_sender, bad, errors);
	close(rx);
}

static void many_sockets(void)
{
	static int fds[300];
	uint32_t size = 4032;
	int i, n = 0, err = 0;

	for (i = 0; i < 300; i++) {
		fds[i] = argo_open_dgram();
		ioctl(fds[i], ARGOIOCSETRINGSIZE, &size);
		if (argo_bind(fds[i], ARGO_PORT_ANY, self)) {
			err = errno;
			close(fds[i]);
			break;
		}
		n++;
	}
	t_diag("bound %d rings, then: %s", n, err ? strerror(err) : "no error");
	t_ok(n >= 64 && n < 300 && err == ENOSPC,
	     "many rings: %d bound, then a clean ENOSPC (Xen's limit)", n);
	for (i = 0; i < n; i++)
		close(fds[i]);
	/* And all of it can be had again. */
	for (i = 0; i < n; i++) {
		fds[i] = argo_open_dgram();
		ioctl(fds[i], ARGOIOCSETRINGSIZE, &size);
		if (argo_bind(fds[i], ARGO_PORT_ANY, self))
			break;
	}
	t_ok(i == n, "after closing them, %d rings can be bound again (%d)",
	     n, i);
	while (i--)
		close(fds[i]);
}

int main(int argc, char **argv)
{
	struct argo_ring_id id;
	int fd;

	if (argc > 1)
		base = strtoul(argv[1], NULL, 0);
	if (argc > 2)
		per_sender = atoi(argv[2]);
	signal(SIGPIPE, SIG_IGN);

	fd = argo_open_dgram();
	argo_bind(fd, ARGO_PORT_ANY, 0);
	id = argo_name(fd);
	close(fd);
	self = id.domain_id;

	blast(0);
	blast(1);
	many_sockets();
	return t_done();
}
