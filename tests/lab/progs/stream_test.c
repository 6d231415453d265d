// SPDX-License-Identifier: GPL-2.0
/*
 * stream_test - argo.ko stream sockets, driven through the raw ioctls.
 *
 *   stream_test local
 *       Both ends in this domain; TAP.  Refused connects (blocking and
 *       not), accept and addresses, non-blocking connect, backlog, data
 *       both ways, MSG_PEEK/MSG_WAITALL, half-close, close with unread
 *       data (reset), flow control (EAGAIN, POLLOUT, a blocked writer),
 *       fairness on a shared listener ring, 16 MiB each way at once.
 *   stream_test hostile
 *       Forged stream messages (debugfs argo/stream_inject, needs the
 *       module parameter stream_inject=1) against connections of this
 *       domain: unknown flags, bad lengths, garbage, a credit overrun and
 *       a bogus CREDIT; each is dropped or resets only its connection.
 *   stream_test serve PORT PARTNER [COUNT]
 *       Listen on PORT (PARTNER: a domid or "any"); serve COUNT (default 1)
 *       connections of the transfer protocol below, one thread each.
 *   stream_test client DOMID PORT UP DOWN
 *       Connect (retrying while refused, for the server to start), send UP
 *       bytes while receiving DOWN bytes, half-close, check both sides'
 *       checksums and the EOF; TAP.
 *   stream_test echo PORT PARTNER N
 *       poll()-driven echo server for N connections (for "many").
 *   stream_test many DOMID PORT N
 *       Hold N connections open at once, exchange a message on each,
 *       print the kernel's argo_stream slab usage, close them; TAP.
 *   stream_test hold PORT PARTNER SECS
 *       Accept one connection and never read from it.
 *   stream_test chat DOMID PORT
 *       Connect; for each line on stdin send it and expect it echoed
 *       (against "echo"); TAP, one line each (save/restore test).
 *   stream_test flood DOMID PORT SECS | drain DOMID PORT SECS
 *       Connect and write (flood) or read (drain) until an error or EOF;
 *       print how it ended and when (the peer-death test).
 *
 * Transfer protocol: the client sends a 16-byte header {magic, up, down}
 * then UP pattern bytes and shuts down writing; the server sends DOWN
 * pattern bytes at the same time, then, after the client's EOF, the
 * 8-byte checksum of what it received, and closes.
 */
#include "argo_test.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <sys/resource.h>

#define MAGIC 0x41525354U	/* "ARST" */

/* ---- helpers ----------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int s_open(void)
{
	int fd = open(ARGO_STREAM_DEVICE, O_RDWR);

	if (fd < 0) {
		printf("Bail out! open %s: %s\n", ARGO_STREAM_DEVICE,
		       strerror(errno));
		exit(1);
	}
	return fd;
}

static void s_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static int s_listen(uint32_t port, uint16_t partner, uint32_t backlog)
{
	int fd = s_open();

	if (argo_bind(fd, port, partner) || ioctl(fd, ARGOIOCLISTEN, &backlog)) {
		printf("# listen 0x%x partner %u: %s\n", port, partner,
		       strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int s_accept(int lfd, xen_argo_addr_t *peer)
{
	xen_argo_addr_t a;

	return ioctl(lfd, ARGOIOCACCEPT, peer ? peer : &a);
}

static ssize_t s_send(int fd, const void *buf, size_t len, int flags)
{
	struct argo_dev a = { .buf = (void *)buf, .len = len, .flags = flags };

	return ioctl(fd, ARGOIOCSEND, &a);
}

static ssize_t s_recv(int fd, void *buf, size_t len, int flags)
{
	struct argo_dev a = { .buf = buf, .len = len, .flags = flags };

	return ioctl(fd, ARGOIOCRECV, &a);
}

static int s_shutdown(int fd, int how)
{
	return ioctl(fd, ARGOIOCSHUTDOWN, &how);
}

static int s_connerr(int fd)
{
	int e = -1;

	if (ioctl(fd, ARGOIOCGETCONNECTERR, &e))
		return -errno;
	return e;
}

static uint16_t self_domid(void)
{
	int fd = s_open();
	struct argo_ring_id id;
	uint32_t b = 1;

	/* A listener has a name (and so our domid) without any peer. */
	if (argo_bind(fd, ARGO_PORT_ANY, ARGO_DOMID_ANY) ||
	    ioctl(fd, ARGOIOCLISTEN, &b)) {
		printf("Bail out! bind/listen: %s\n", strerror(errno));
		exit(1);
	}
	id = argo_name(fd);
	close(fd);
	return id.domain_id;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Read exactly len bytes; 0, or -1 with errno (EOF: errno = 0). */
static int read_full(int fd, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = 0;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* The byte at stream offset off of the pattern with this seed. */
static inline unsigned char pat(uint64_t off, unsigned int seed)
{
	return (unsigned char)((off * 2654435761u >> 7) ^ (off >> 13) ^ seed);
}

static void pat_fill(unsigned char *p, size_t n, uint64_t off,
		     unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = pat(off + i, seed);
}

/* Offset of the first byte that differs from the pattern, or -1. */
static long long pat_check(const unsigned char *p, size_t n, uint64_t off,
			   unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != pat(off + i, seed))
			return (long long)(off + i);
	return -1;
}

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV0 0xcbf29ce484222325ULL

/* Send len pattern bytes in chunks; returns 0 or -1. */
static int send_pattern(int fd, uint64_t len, unsigned int seed,
			uint64_t *hash)
{
	static __thread unsigned char buf[100000];
	uint64_t off = 0;
	unsigned int k = 0;

	while (off < len) {
		/* Varying sizes exercise message splitting on both ends. */
		size_t n = 1 + (k++ * 7919) % sizeof(buf);

		if (n > len - off)
			n = len - off;
		pat_fill(buf, n, off, seed);
		if (hash)
			*hash = fnv(*hash, buf, n);
		if (write_full(fd, buf, n))
			return -1;
		off += n;
	}
	return 0;
}

/* Receive len pattern bytes; 0, or -1 (bad data: errno = EBADMSG). */
static int recv_pattern(int fd, uint64_t len, unsigned int seed,
			uint64_t *hash)
{
	static __thread unsigned char buf[70000];
	uint64_t off = 0;

	while (off < len) {
		size_t want = len - off < sizeof(buf) ? len - off : sizeof(buf);
		ssize_t n = read(fd, buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = 0;
			printf("# recv_pattern: %s at %llu of %llu\n",
			       n ? strerror(errno) : "EOF",
			       (unsigned long long)off,
			       (unsigned long long)len);
			return -1;
		}
		if (pat_check(buf, n, off, seed) >= 0) {
			printf("# recv_pattern: wrong byte at %lld\n",
			       pat_check(buf, n, off, seed));
			errno = EBADMSG;
			return -1;
		}
		if (hash)
			*hash = fnv(*hash, buf, n);
		off += n;
	}
	return 0;
}

/* ---- transfer protocol ------------------------------------------------- */

struct xfer_hdr {
	uint32_t magic;
	uint32_t pad;
	uint32_t up;
	uint32_t down;
};

struct sender {
	int fd;
	uint64_t len;
	unsigned int seed;
	int ret;
	int err;
};

static void *sender_fn(void *arg)
{
	struct sender *s = arg;

	s->ret = send_pattern(s->fd, s->len, s->seed, NULL);
	s->err = errno;
	return NULL;
}

static void *serve_conn(void *arg)
{
	int fd = (int)(long)arg;
	struct xfer_hdr h;
	struct sender s;
	pthread_t t;
	uint64_t hash = FNV0;
	char c;

	if (read_full(fd, &h, sizeof(h)) || h.magic != MAGIC) {
		printf("serve: bad header: %s\n", strerror(errno));
		close(fd);
		return NULL;
	}
	s = (struct sender){ .fd = fd, .len = h.down, .seed = 2 };
	pthread_create(&t, NULL, sender_fn, &s);
	if (recv_pattern(fd, h.up, 1, &hash))
		printf("serve: receiving %u bytes failed\n", h.up);
	/* The client half-closes after its data: EOF now. */
	if (read(fd, &c, 1) != 0)
		printf("serve: no EOF after the client's data\n");
	pthread_join(t, NULL);
	if (s.ret)
		printf("serve: sending %u bytes failed: %s\n", h.down,
		       strerror(s.err));
	if (write_full(fd, &hash, sizeof(hash)))
		printf("serve: sending the checksum failed: %s\n",
		       strerror(errno));
	printf("serve: connection done: got %u sent %u\n", h.up, h.down);
	fflush(stdout);
	close(fd);
	return NULL;
}

static uint16_t parse_partner(const char *s)
{
	return !strcmp(s, "any") ? ARGO_DOMID_ANY : strtoul(s, NULL, 0);
}

static int cmd_serve(uint32_t port, const char *partner, int count)
{
	pthread_t t[64];
	int lfd, i, fd;

	lfd = s_listen(port, parse_partner(partner), 16);
	if (lfd < 0)
		return 1;
	printf("serve: listening on 0x%x\n", port);
	fflush(stdout);
	if (count > 64)
		count = 64;
	for (i = 0; i < count; i++) {
		alarm(300);
		fd = s_accept(lfd, NULL);
		if (fd < 0) {
			printf("serve: accept: %s\n", strerror(errno));
			return 1;
		}
		pthread_create(&t[i], NULL, serve_conn, (void *)(long)fd);
	}
	for (i = 0; i < count; i++)
		pthread_join(t[i], NULL);
	close(lfd);
	return 0;
}

/* Connect, retrying while the server is not listening yet. */
static int connect_retry(uint16_t dom, uint32_t port, int secs)
{
	double t0 = now_s();
	int fd;

	for (;;) {
		fd = s_open();
		if (!argo_connect(fd, dom, port))
			return fd;
		close(fd);
		if (errno != ECONNREFUSED || now_s() - t0 > secs)
			return -1;
		usleep(200000);
	}
}

static int cmd_client(uint16_t dom, uint32_t port, uint32_t up, uint32_t down)
{
	struct xfer_hdr h = { .magic = MAGIC, .up = up, .down = down };
	uint64_t myhash = FNV0, theirs = 0;
	struct sender s;
	pthread_t t;
	double t0;
	int fd, r;
	char c;

	fd = connect_retry(dom, port, 60);
	t_ok(fd >= 0, "connect to %u:0x%x%s%s", dom, port, fd < 0 ? ": " : "",
	     fd < 0 ? strerror(errno) : "");
	if (fd < 0)
		return t_done();
	t0 = now_s();
	t_ok(!write_full(fd, &h, sizeof(h)), "send the header");
	/* Our hash of what we send is computed alongside, by the pattern. */
	{
		static unsigned char buf[65536];
		uint64_t off = 0;

		while (off < up) {
			size_t n = up - off < sizeof(buf) ? up - off : sizeof(buf);

			pat_fill(buf, n, off, 1);
			myhash = fnv(myhash, buf, n);
			off += n;
		}
	}
	s = (struct sender){ .fd = fd, .len = up, .seed = 1 };
	pthread_create(&t, NULL, sender_fn, &s);
	r = recv_pattern(fd, down, 2, NULL);
	t_ok(!r, "received %u bytes intact while sending", down);
	pthread_join(t, NULL);
	t_ok(!s.ret, "sent %u bytes%s%s", up, s.ret ? ": " : "",
	     s.ret ? strerror(s.err) : "");
	t_ok(!s_shutdown(fd, SHUT_WR), "shutdown(SHUT_WR)");
	r = read_full(fd, &theirs, sizeof(theirs));
	t_ok(!r && theirs == myhash,
	     "server's checksum of our data matches (%016llx vs %016llx)",
	     (unsigned long long)theirs, (unsigned long long)myhash);
	t_ok(read(fd, &c, 1) == 0, "EOF after the server closed");
	t_diag("%.1f MB in %.1f s (%.2f MB/s both directions)",
	       (up + (double)down) / 1e6, now_s() - t0,
	       (up + (double)down) / 1e6 / (now_s() - t0));
	close(fd);
	return t_done();
}

/* ---- many connections -------------------------------------------------- */

static void raise_nofile(void)
{
	struct rlimit r = { 70000, 70000 };

	setrlimit(RLIMIT_NOFILE, &r);
}

/* Slab + vmalloc in use, KiB (/proc/meminfo): what the kernel allocated. */
static long kernel_kib(void)
{
	char line[256];
	long v, sum = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld", &v) == 1 ||
		    sscanf(line, "VmallocUsed: %ld", &v) == 1)
			sum += v;
	fclose(f);
	return sum;
}

/* Kernel memory per connection since BASE (kernel_kib() before them). */
static void show_mem_per_conn(const char *who, long base, int n)
{
	long now = kernel_kib();

	if (base < 0 || now < 0 || n <= 0)
		return;
	t_diag("%s: kernel memory (Slab + VmallocUsed) grew %ld KiB for %d connections: %ld bytes per connection",
	       who, now - base, n, (now - base) * 1024 / n);
}

static void show_slab(const char *who)
{
	char line[512];
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long active, total, size;
		char name[64];

		if (sscanf(line, "%63s %lu %lu %lu", name, &active, &total,
			   &size) == 4 && !strcmp(name, "argo_stream"))
			t_diag("%s: slab argo_stream: %lu objects of %lu bytes (%lu KiB)",
			       who, active, size, active * size / 1024);
	}
	fclose(f);
}

static int cmd_echo(uint32_t port, const char *partner, int n)
{
	struct pollfd *pfd;
	int lfd, nfds = 1, accepted = 0, closed = 0, i;
	char buf[4096];
	long base;

	raise_nofile();
	pfd = calloc(n + 1, sizeof(*pfd));
	lfd = s_listen(port, parse_partner(partner), 4096);
	if (lfd < 0 || !pfd)
		return 1;
	base = kernel_kib();
	printf("echo: listening on 0x%x\n", port);
	fflush(stdout);
	pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
	while (closed < n) {
		alarm(300);
		if (poll(pfd, nfds, -1) < 0)
			continue;
		if ((pfd[0].revents & POLLIN) && accepted < n) {
			int fd = s_accept(lfd, NULL);

			if (fd >= 0) {
				pfd[nfds++] = (struct pollfd){ .fd = fd,
							      .events = POLLIN };
				accepted++;
			}
		}
		for (i = 1; i < nfds; i++) {
			ssize_t r;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			r = read(pfd[i].fd, buf, sizeof(buf));
			if (r > 0) {
				if (write_full(pfd[i].fd, buf, r))
					printf("echo: write: %s\n",
					       strerror(errno));
				continue;
			}
			close(pfd[i].fd);
			pfd[i].fd = -1;
			closed++;
		}
		if (accepted == n && closed == 0 && nfds == n + 1) {
			static int shown;

			if (!shown++) {
				show_slab("server, all connections open");
				show_mem_per_conn("server", base, n);
			}
		}
	}
	printf("echo: served %d connections\n", n);
	show_slab("server, after closing");
	close(lfd);
	return 0;
}

static int cmd_many(uint16_t dom, uint32_t port, int n)
{
	int *fds = calloc(n, sizeof(int));
	int i, ok_conn = 0, ok_echo = 0, first_err = 0;
	double t0 = now_s();
	char msg[32], back[32];
	long base;

	raise_nofile();
	base = kernel_kib();
	for (i = 0; i < n; i++) {
		fds[i] = i ? s_open() : connect_retry(dom, port, 60);
		if (i && fds[i] >= 0 && argo_connect(fds[i], dom, port)) {
			if (!first_err)
				first_err = errno;
			close(fds[i]);
			fds[i] = -1;
		}
		if (fds[i] >= 0)
			ok_conn++;
	}
	t_ok(ok_conn == n, "%d of %d connections established in %.1f s%s%s",
	     ok_conn, n, now_s() - t0, first_err ? "; first error " : "",
	     first_err ? strerror(first_err) : "");
	for (i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		snprintf(msg, sizeof(msg), "connection %06d", i);
		if (write_full(fds[i], msg, sizeof(msg)))
			continue;
	}
	for (i = 0; i < n; i++) {
		snprintf(msg, sizeof(msg), "connection %06d", i);
		if (fds[i] >= 0 && !read_full(fds[i], back, sizeof(back)) &&
		    !memcmp(msg, back, sizeof(msg)))
			ok_echo++;
	}
	t_ok(ok_echo == n, "%d of %d connections echoed their own message",
	     ok_echo, n);
	show_slab("client, all connections open");
	show_mem_per_conn("client", base, n);
	{
		char path[] = "/sys/kernel/debug/argo/counters";
		char line[256];
		FILE *f = fopen(path, "r");
		int rings = -1, socks = -1;

		while (f && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			t_diag("client counters: %s", line);
			sscanf(line, "rings %d", &rings);
			sscanf(line, "sockets %d", &socks);
		}
		if (f)
			fclose(f);
		/* One client ring per peer domain, whatever the count. */
		t_ok(socks >= n && rings >= 1 && rings <= 2,
		     "debugfs: %d sockets share %d ring(s)", socks, rings);
	}
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	t_diag("%d connections: %.1f s in all", n, now_s() - t0);
	return t_done();
}

static int cmd_chat(uint16_t dom, uint32_t port)
{
	char line[256], back[256];
	size_t len;
	int fd;

	fd = connect_retry(dom, port, 60);
	t_ok(fd >= 0, "connect to %u:0x%x%s%s", dom, port, fd < 0 ? ": " : "",
	     fd < 0 ? strerror(errno) : "");
	if (fd < 0)
		return t_done();
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		len = strlen(line);
		if (write_full(fd, line, len) || read_full(fd, back, len)) {
			t_ok(0, "echo of '%s': %s", line,
			     errno ? strerror(errno) : "EOF");
			/*
			 * The connection is dead.  Waiting for more input
			 * would also wait for every process that inherited
			 * the writing end of stdin (xl restore's daemon).
			 */
			break;
		}
		t_ok(!memcmp(line, back, len), "echo of '%s'", line);
	}
	close(fd);
	return t_done();
}

/* ---- peer death ---------------------------------------------------------- */

static int cmd_hold(uint32_t port, const char *partner, int secs)
{
	int lfd = s_listen(port, parse_partner(partner), 4), fd;

	if (lfd < 0)
		return 1;
	printf("hold: listening on 0x%x\n", port);
	fflush(stdout);
	alarm(secs);
	fd = s_accept(lfd, NULL);
	printf("hold: accepted (%d); not reading\n", fd);
	fflush(stdout);
	pause();
	return 0;
}

static int cmd_flood_drain(int flood, uint16_t dom, uint32_t port, int secs)
{
	static unsigned char buf[65536];
	double t0 = now_s(), last = t0;
	unsigned long long total = 0;
	ssize_t n;
	int fd;

	fd = connect_retry(dom, port, 60);
	if (fd < 0) {
		printf("%s: connect: %s\n", flood ? "flood" : "drain",
		       strerror(errno));
		return 1;
	}
	printf("%s: connected\n", flood ? "flood" : "drain");
	fflush(stdout);
	alarm(secs);
	memset(buf, 0x5a, sizeof(buf));
	for (;;) {
		n = flood ? s_send(fd, buf, sizeof(buf), MSG_NOSIGNAL) :
			    read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		total += n;
		last = now_s();
	}
	/* The script compares this clock with when it destroyed the peer. */
	printf("%s: ended: %s after %llu bytes; last progress %.1f s before the end; wall clock %ld\n",
	       flood ? "flood" : "drain", n ? strerror(errno) : "EOF", total,
	       now_s() - last, (long)time(NULL));
	return 0;
}

/* ---- local tests ------------------------------------------------------- */

static uint16_t me;
static uint32_t next_port = 0x5e000;

static int window_size(void)
{
	FILE *f = fopen("/sys/module/argo/parameters/stream_window", "r");
	int w = 262144;

	if (f) {
		if (fscanf(f, "%d", &w) != 1)
			w = 262144;
		fclose(f);
	}
	return w;
}

/* A connected pair: *c the connecting end, *s the accepted end. */
static int pair(int lfd, uint32_t port, int *c, int *s)
{
	*c = s_open();
	if (argo_connect(*c, me, port)) {
		close(*c);
		return -1;
	}
	*s = s_accept(lfd, NULL);
	return *s < 0 ? -1 : 0;
}

static void t_refused(void)
{
	double t0;
	int fd;

	fd = s_open();
	t0 = now_s();
	T_ERRNO(argo_connect(fd, me, 0x5dead), ECONNREFUSED,
		"connect to a port nobody listens on");
	t_ok(now_s() - t0 < 1.0, "... refused at once (%.3f s)", now_s() - t0);
	close(fd);

	fd = s_open();
	s_nonblock(fd, 1);
	T_ERRNO(argo_connect(fd, me, 0x5dead), ECONNREFUSED,
		"non-blocking connect to a port nobody listens on");
	close(fd);
}

static void t_basic(void)
{
	uint32_t port = next_port++;
	xen_argo_addr_t peer, pn;
	struct argo_ring_id cn, ln;
	int lfd, c, s, type = 0;
	char buf[64];

	lfd = s_listen(port, ARGO_DOMID_ANY, 8);
	t_ok(lfd >= 0, "bind + listen on 0x%x", port);
	ioctl(lfd, ARGOIOCGETSOCKTYPE, &type);
	t_ok(type == ARGO_PTYPE_STREAM, "GETSOCKTYPE is STREAM (%d)", type);
	ln = argo_name(lfd);
	t_ok(ln.aport == port && ln.domain_id == me,
	     "listener's name is %u:0x%x", ln.domain_id, ln.aport);

	c = s_open();
	t_ok(!argo_connect(c, me, port), "blocking connect");
	s = s_accept(lfd, &peer);
	t_ok(s >= 0, "accept");
	cn = argo_name(c);
	t_ok(peer.domain_id == me && peer.aport == cn.aport,
	     "accept's peer address %u:0x%x is the client's %u:0x%x",
	     peer.domain_id, peer.aport, cn.domain_id, cn.aport);
	t_ok(cn.aport >= ARGO_EPHEMERAL_PORT_MIN &&
	     cn.aport <= ARGO_EPHEMERAL_PORT_MAX,
	     "client port 0x%x is ephemeral", cn.aport);
	memset(&pn, 0, sizeof(pn));
	t_ok(!ioctl(c, ARGOIOCGETPEERNAME, &pn) && pn.aport == port &&
	     pn.domain_id == me, "client's GETPEERNAME is the listener");
	T_ERRNO(argo_connect(c, me, port), EISCONN, "connect again");

	t_ok(write(c, "abc", 3) == 3 && write(c, "def", 3) == 3,
	     "two writes");
	memset(buf, 0, sizeof(buf));
	t_ok(!read_full(s, buf, 6) && !memcmp(buf, "abcdef", 6),
	     "read them as one stream");
	t_ok(s_send(s, "xyz123", 6, 0) == 6, "SEND back");
	t_ok(s_recv(c, buf, 3, MSG_PEEK | MSG_WAITALL) == 3 &&
	     !memcmp(buf, "xyz", 3), "MSG_PEEK sees the data");
	t_ok(s_recv(c, buf, 6, MSG_WAITALL) == 6 && !memcmp(buf, "xyz123", 6),
	     "MSG_WAITALL reads all of it");
	T_ERRNO(s_recv(c, buf, 6, MSG_DONTWAIT), EAGAIN,
		"MSG_DONTWAIT on an empty queue");
	s_nonblock(lfd, 1);
	T_ERRNO(s_accept(lfd, NULL), EAGAIN,
		"non-blocking accept with nothing pending");
	s_nonblock(lfd, 0);
	close(c);
	close(s);
	close(lfd);
}

static void t_nonblock_connect(void)
{
	uint32_t port = next_port++;
	struct pollfd p;
	int lfd, c, s, r;

	lfd = s_listen(port, ARGO_DOMID_ANY, 8);
	c = s_open();
	s_nonblock(c, 1);
	r = argo_connect(c, me, port);
	t_ok(r == 0 || errno == EINPROGRESS,
	     "non-blocking connect: %s", r ? strerror(errno) : "done at once");
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	r = poll(&p, 1, 5000);
	t_ok(r == 1 && (p.revents & POLLOUT) && !(p.revents & POLLERR),
	     "POLLOUT once connected (revents 0x%x)", p.revents);
	t_ok(s_connerr(c) == 0, "GETCONNECTERR is 0");
	s = s_accept(lfd, NULL);
	t_ok(s >= 0, "the listener accepts it");
	t_ok(write(c, "nb", 2) == 2, "write on it");
	close(s);
	close(c);
	close(lfd);
}

static void t_backlog(void)
{
	uint32_t port = next_port++;
	int lfd, c[4], s, i, ok2 = 1;

	lfd = s_listen(port, ARGO_DOMID_ANY, 2);
	for (i = 0; i < 2; i++) {
		c[i] = s_open();
		if (argo_connect(c[i], me, port))
			ok2 = 0;
	}
	t_ok(ok2, "backlog 2: two connections wait for accept");
	c[2] = s_open();
	T_ERRNO(argo_connect(c[2], me, port), ECONNREFUSED,
		"a third connect is refused (RST)");
	s = s_accept(lfd, NULL);
	c[3] = s_open();
	t_ok(s >= 0 && !argo_connect(c[3], me, port),
	     "after one accept, a new connection fits");
	for (i = 0; i < 4; i++)
		close(c[i]);
	close(s);
	close(lfd);
}

static void t_halfclose(void)
{
	uint32_t port = next_port++;
	int lfd, c, s;
	char buf[16];

	lfd = s_listen(port, ARGO_DOMID_ANY, 8);
	pair(lfd, port, &c, &s);
	t_ok(write(c, "hello", 5) == 5 && !s_shutdown(c, SHUT_WR),
	     "client writes, then shutdown(SHUT_WR)");
	memset(buf, 0, sizeof(buf));
	t_ok(!read_full(s, buf, 5) && !memcmp(buf, "hello", 5),
	     "server reads the data");
	t_ok(read(s, buf, sizeof(buf)) == 0, "then EOF");
	t_ok(write(s, "world", 5) == 5, "server can still write");
	t_ok(!read_full(c, buf, 5) && !memcmp(buf, "world", 5),
	     "client reads it after its own shutdown");
	T_ERRNO(s_send(c, "x", 1, MSG_NOSIGNAL), EPIPE,
		"client write after SHUT_WR");
	close(s);
	t_ok(read(c, buf, sizeof(buf)) == 0, "client sees EOF after close");
	close(c);
	close(lfd);
}

static void t_reset(void)
{
	uint32_t port = next_port++;
	struct pollfd p;
	int lfd, c, s;
	char buf[16];

	lfd = s_listen(port, ARGO_DOMID_ANY, 8);
	pair(lfd, port, &c, &s);
	t_ok(write(c, "unread", 6) == 6, "client writes");
	usleep(100000);
	close(s);
	p = (struct pollfd){ .fd = c, .events = POLLIN };
	poll(&p, 1, 5000);
	t_ok(p.revents & (POLLERR | POLLHUP),
	     "server closed with unread data: client polls ERR/HUP (0x%x)",
	     p.revents);
	T_ERRNO(read(c, buf, sizeof(buf)), ECONNRESET, "client read");
	T_ERRNO(s_send(c, "x", 1, MSG_NOSIGNAL), EPIPE, "client write");
	close(c);
	close(lfd);
}

struct br {
	int fd;
	volatile int done;
	ssize_t ret;
};

static void *blocked_reader(void *arg)
{
	struct br *b = arg;
	char c;

	b->ret = read(b->fd, &c, 1);
	b->done = 1;
	return NULL;
}

static void t_shutrd(void)
{
	static unsigned char buf[1 << 20];
	uint32_t port = next_port++;
	struct br b;
	pthread_t t;
	int lfd, c, s, i;

	lfd = s_listen(port, ARGO_DOMID_ANY, 8);
	pair(lfd, port, &c, &s);
	b = (struct br){ .fd = s };
	pthread_create(&t, NULL, blocked_reader, &b);
	usleep(300000);
	t_ok(!s_shutdown(s, SHUT_RD), "shutdown(SHUT_RD) beside a blocked reader");
	for (i = 0; i < 50 && !b.done; i++)
		usleep(100000);
	t_ok(b.done && b.ret == 0, "the blocked reader wakes with 0 (EOF)");
	if (b.done)
		pthread_join(t, NULL);
	t_ok(write_full(c, buf, sizeof(buf)) == 0,
	     "the peer writes 1 MiB (4 windows): discarded, credits flow");
	t_ok(write(s, "back", 4) == 4 && !read_full(c, buf, 4) &&
	     !memcmp(buf, "back", 4), "the other direction still works");
	close(c);
	close(s);
	close(lfd);
}

struct bw {
	int fd;
	size_t len;
	volatile size_t done;
	int ret;
};

static void *blocking_writer(void *arg)
{
	struct bw *b = arg;
	static unsigned char buf[1 << 20];
	size_t off = 0;

	pat_fill(buf, b->len, 0, 7);
	while (off < b->len) {
		ssize_t n = write(b->fd, buf + off, b->len - off);

		if (n <= 0) {
			b->ret = -1;
			return NULL;
		}
		off += n;
		b->done = off;
	}
	return NULL;
}

static void t_flow(void)
{
	static unsigned char buf[1 << 20];
	uint32_t port = next_port++;
	int lfd, c, s, w = window_size();
	size_t total = 0;
	struct pollfd p;
	struct bw b;
	pthread_t t;
	ssize_t n;
	double t0;

	lfd = s_listen(port, ARGO_DOMID_ANY, 8);
	pair(lfd, port, &c, &s);
	s_nonblock(c, 1);
	pat_fill(buf, sizeof(buf), 0, 3);
	/* Write until EAGAIN and no POLLOUT for half a second. */
	for (;;) {
		n = write(c, buf + total, 65536);
		if (n > 0) {
			total += n;
			if (total > sizeof(buf) - 65536)
				break;
			continue;
		}
		if (errno != EAGAIN)
			break;
		p = (struct pollfd){ .fd = c, .events = POLLOUT };
		if (poll(&p, 1, 500) != 1)
			break;
	}
	t_ok(n < 0 && errno == EAGAIN,
	     "non-blocking writes to a reader that does not read end in EAGAIN");
	t_ok(total == (size_t)w, "... after exactly the window: %zu of %d bytes",
	     total, w);
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	t_ok(poll(&p, 1, 300) == 0, "no POLLOUT while the window is full");
	t_ok(!read_full(s, buf, w / 2) && pat_check(buf, w / 2, 0, 3) < 0,
	     "reader reads half the window, intact");
	t0 = now_s();
	t_ok(poll(&p, 1, 5000) == 1 && (p.revents & POLLOUT),
	     "POLLOUT after the reader freed credit (%.3f s)", now_s() - t0);
	t_ok(!read_full(s, buf, total - w / 2), "reader drains the rest");
	s_nonblock(c, 0);

	b = (struct bw){ .fd = c, .len = sizeof(buf) };
	pthread_create(&t, NULL, blocking_writer, &b);
	usleep(500000);
	t_ok(b.done < sizeof(buf),
	     "a blocking 1 MiB write waits for the reader (%zu done)",
	     (size_t)b.done);
	t_ok(!read_full(s, buf, sizeof(buf)) &&
	     pat_check(buf, sizeof(buf), 0, 7) < 0,
	     "reader gets the whole 1 MiB intact and in order");
	pthread_join(t, NULL);
	t_ok(b.ret == 0 && b.done == sizeof(buf), "the writer completed");
	close(c);
	close(s);
	close(lfd);
}

static void t_fairness(void)
{
	static unsigned char buf[65536];
	uint32_t port = next_port++;
	int lfd, c1, s1, c2, s2;
	struct sender snd;
	size_t stalled = 0, chunk = 0;
	pthread_t t;
	ssize_t n;

	lfd = s_listen(port, ARGO_DOMID_ANY, 8);
	pair(lfd, port, &c1, &s1);
	pair(lfd, port, &c2, &s2);
	s_nonblock(c1, 1);
	memset(buf, 1, sizeof(buf));
	for (;;) {
		struct pollfd p = { .fd = c1, .events = POLLOUT };

		n = write(c1, buf, sizeof(buf));
		if (n > 0) {
			stalled += n;
			continue;
		}
		if (errno != EAGAIN || poll(&p, 1, 500) != 1)
			break;
	}
	t_ok(stalled > 0, "connection 1 filled (%zu bytes) and its reader stalls",
	     stalled);
	snd = (struct sender){ .fd = c2, .len = 8 << 20, .seed = 9 };
	pthread_create(&t, NULL, sender_fn, &snd);
	t_ok(!recv_pattern(s2, 8 << 20, 9, NULL),
	     "connection 2 on the same listener moves 8 MiB meanwhile");
	pthread_join(t, NULL);
	for (n = 0; n < (ssize_t)stalled; n += chunk) {
		chunk = stalled - n < sizeof(buf) ? stalled - n : sizeof(buf);
		if (read_full(s1, buf, chunk) || buf[0] != 1 ||
		    buf[chunk - 1] != 1)
			break;
	}
	t_ok(n == (ssize_t)stalled,
	     "connection 1 still delivers all %zu bytes afterwards", stalled);
	close(c1);
	close(c2);
	close(s1);
	close(s2);
	close(lfd);
}

static void t_bulk(void)
{
	uint32_t port = next_port++;
	struct sender a, b;
	pthread_t ta, tb;
	int lfd, c, s, r1, r2;
	uint64_t len = 16 << 20;
	double t0;

	lfd = s_listen(port, ARGO_DOMID_ANY, 8);
	pair(lfd, port, &c, &s);
	t0 = now_s();
	a = (struct sender){ .fd = c, .len = len, .seed = 4 };
	b = (struct sender){ .fd = s, .len = len, .seed = 5 };
	pthread_create(&ta, NULL, sender_fn, &a);
	pthread_create(&tb, NULL, sender_fn, &b);
	r1 = recv_pattern(s, len, 4, NULL);
	r2 = recv_pattern(c, len, 5, NULL);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	t_ok(!r1 && !r2 && !a.ret && !b.ret,
	     "16 MiB each way at once, intact (%.1f s)", now_s() - t0);
	close(c);
	close(s);
	close(lfd);
}

/* ---- forged messages ------------------------------------------------- */

struct inject_hdr {
	uint16_t domid;
	uint16_t pad;
	uint32_t dst_port;
	uint32_t src_port;
	uint32_t msg_type;
};

static int inject(uint32_t src_port, uint32_t dst_port, uint32_t type,
		  const void *msg, size_t len)
{
	static unsigned char buf[sizeof(struct inject_hdr) + 70000];
	struct inject_hdr h = { .domid = me, .dst_port = dst_port,
				.src_port = src_port, .msg_type = type };
	int fd = open("/sys/kernel/debug/argo/stream_inject", O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), msg, len);
	n = write(fd, buf, sizeof(h) + len);
	close(fd);
	return n == (ssize_t)(sizeof(h) + len) ? 0 : -1;
}

static int inject_stream(uint32_t src, uint32_t dst, uint32_t flags,
			 uint32_t conid, const void *payload, size_t plen)
{
	static unsigned char m[70000];

	memcpy(m, &flags, 4);
	memcpy(m + 4, &conid, 4);
	memcpy(m + 8, payload, plen);
	return inject(src, dst, 0, m, 8 + plen);
}

/* The conid of the accepted connection listening-port lport <- cport. */
static long conid_of(uint32_t lport, uint32_t cport)
{
	char line[1024], a[64], b[64];
	FILE *f = fopen("/sys/kernel/debug/argo/sockets", "r");
	unsigned long conid;
	long ret = -1;
	char *p;

	snprintf(a, sizeof(a), "port 0x%08x ", lport);
	snprintf(b, sizeof(b), "peer %u:0x%08x conid ", me, cport);
	while (f && fgets(line, sizeof(line), f)) {
		if (!strstr(line, a) || !(p = strstr(line, b)))
			continue;
		if (sscanf(p + strlen(b), "%lx", &conid) == 1)
			ret = conid;
	}
	if (f)
		fclose(f);
	return ret;
}

static int set_window(int w)
{
	FILE *f = fopen("/sys/module/argo/parameters/stream_window", "w");

	if (!f)
		return -1;
	fprintf(f, "%d\n", w);
	return fclose(f);
}

/* c and s still carry data both ways. */
static int alive(int c, int s)
{
	char buf[4];

	return write(c, "ping", 4) == 4 && !read_full(s, buf, 4) &&
	       !memcmp(buf, "ping", 4) && write(s, "pong", 4) == 4 &&
	       !read_full(c, buf, 4) && !memcmp(buf, "pong", 4);
}

static int cmd_hostile(void)
{
	uint32_t port = next_port++, cport, conid, bogus[2];
	unsigned char junk[64], big[5000];
	int lfd, c, s, c2, s2 = -1, i, ok_all, saved_window;
	char buf[16];
	long id;

	signal(SIGPIPE, SIG_IGN);
	me = self_domid();
	lfd = s_listen(port, ARGO_DOMID_ANY, 8);
	/* A small window, so that overrunning it fits in one message; the
	 * module's own value is restored for the scripts that follow.
	 */
	saved_window = window_size();
	t_ok(!set_window(4096), "stream_window set to 4096 for this test");
	pair(lfd, port, &c, &s);
	set_window(saved_window);
	cport = argo_name(c).aport;
	id = conid_of(port, cport);
	t_ok(id >= 0, "found the connection's conid in debugfs (0x%lx)", id);
	if (id < 0)
		return t_done();
	conid = id;
	if (inject_stream(cport, port, 0x40, conid, NULL, 0)) {
		printf("Bail out! stream_inject: %s (load with stream_inject=1)\n",
		       strerror(errno));
		return 1;
	}
	t_ok(alive(c, s), "unknown flag bit 0x40: dropped, connection fine");
	t_ok(!inject(cport, port, 0, "abcd", 4) && alive(c, s),
	     "4-byte message (shorter than a header): dropped");
	memset(junk, 0, sizeof(junk));
	t_ok(!inject_stream(cport, port, 1, conid, junk, 4) && alive(c, s),
	     "SYN of 12 bytes: dropped");
	t_ok(!inject_stream(cport, port, 8 | 4, conid, NULL, 0) && alive(c, s),
	     "FIN|RST combination: dropped");
	t_ok(!inject(cport, port, 0x1234, "x", 1) && alive(c, s),
	     "a message of another type on the stream ring: dropped");
	ok_all = 1;
	srand(42);
	for (i = 0; i < 300; i++) {
		size_t n = rand() % sizeof(junk);
		size_t k;

		for (k = 0; k < n; k++)
			junk[k] = rand();
		/* From a port nobody uses: answers (RST) go nowhere. */
		if (inject(0x5bad0000 + i, port, 0, junk, n))
			ok_all = 0;
	}
	t_ok(ok_all && alive(c, s), "300 random messages to the listener: connection fine");
	c2 = s_open();
	t_ok(!argo_connect(c2, me, port) && (s2 = s_accept(lfd, NULL)) >= 0,
	     "the listener still accepts");
	close(c2);
	close(s2);

	memset(big, 'B', sizeof(big));
	t_ok(!inject_stream(cport, port, 0, conid, big, sizeof(big)),
	     "forged data beyond the 4096-byte window");
	T_ERRNO(read(s, buf, sizeof(buf)), ECONNRESET,
		"the overrun resets that connection");
	T_ERRNO(read(c, buf, sizeof(buf)), ECONNRESET,
		"the peer got the RST");
	close(c);
	close(s);

	pair(lfd, port, &c, &s);
	cport = argo_name(c).aport;
	id = conid_of(port, cport);
	bogus[0] = 262144;		/* window */
	bogus[1] = 1000000;		/* consumed: more than was ever sent */
	t_ok(id >= 0 && !inject_stream(cport, port, 0x10, id, bogus, 8),
	     "forged CREDIT for bytes never sent");
	T_ERRNO(read(s, buf, sizeof(buf)), ECONNRESET, "it resets the connection");
	close(c);
	close(s);

	pair(lfd, port, &c, &s);
	t_ok(alive(c, s), "new connections work after all that");
	close(c);
	close(s);
	close(lfd);
	return t_done();
}

static int cmd_local(void)
{
	signal(SIGPIPE, SIG_IGN);
	me = self_domid();
	t_diag("this domain is %u; window %d", me, window_size());
	t_refused();
	t_basic();
	t_nonblock_connect();
	t_backlog();
	t_halfclose();
	t_reset();
	t_shutrd();
	t_flow();
	t_fairness();
	t_bulk();
	return t_done();
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(cmd, "local"))
		return cmd_local();
	if (!strcmp(cmd, "hostile"))
		return cmd_hostile();
	if (!strcmp(cmd, "serve") && argc >= 4)
		return cmd_serve(strtoul(argv[2], NULL, 0), argv[3],
				 argc > 4 ? atoi(argv[4]) : 1);
	if (!strcmp(cmd, "client") && argc == 6)
		return cmd_client(strtoul(argv[2], NULL, 0),
				  strtoul(argv[3], NULL, 0),
				  strtoul(argv[4], NULL, 0),
				  strtoul(argv[5], NULL, 0));
	if (!strcmp(cmd, "echo") && argc == 5)
		return cmd_echo(strtoul(argv[2], NULL, 0), argv[3],
				atoi(argv[4]));
	if (!strcmp(cmd, "many") && argc == 5)
		return cmd_many(strtoul(argv[2], NULL, 0),
				strtoul(argv[3], NULL, 0), atoi(argv[4]));
	if (!strcmp(cmd, "hold") && argc == 5)
		return cmd_hold(strtoul(argv[2], NULL, 0), argv[3],
				atoi(argv[4]));
	if (!strcmp(cmd, "chat") && argc == 4)
		return cmd_chat(strtoul(argv[2], NULL, 0),
				strtoul(argv[3], NULL, 0));
	if ((!strcmp(cmd, "flood") || !strcmp(cmd, "drain")) && argc == 5)
		return cmd_flood_drain(!strcmp(cmd, "flood"),
				       strtoul(argv[2], NULL, 0),
				       strtoul(argv[3], NULL, 0),
				       atoi(argv[4]));
	fprintf(stderr, "usage: see the comment at the top of stream_test.c\n");
	return 2;
}
