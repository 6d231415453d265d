// SPDX-License-Identifier: GPL-2.0
/*
 * argo-bench: the measuring end of tests/bench/run.  It talks to argo.ko
 * through its raw ioctls (no libargo), so the figures are the module's.
 *
 *   argo-bench serve PORT [RINGSIZE]
 *	Stream sink, forever: a thread per accepted connection reads until
 *	EOF, then answers 16 bytes {u64 bytes read, u64 thread CPU usec}.
 *   argo-bench tserve PORT
 *	The same sink over TCP (for iperf3-free comparisons, and through the
 *	interposer: argo-run argo-bench tserve PORT).
 *   argo-bench stream DOMID|IPV4 PORT MSGSIZE CONNS SECS
 *	CONNS connections (a thread each) write MSGSIZE chunks for SECS,
 *	half-close and wait for the sink's answer.  Prints one line
 *	"mbps=... bytes=... secs=... cpu_client=... cpu_server=..." where
 *	the time runs from "all connected" to "all answers in", so it covers
 *	draining the ring, and the CPU figures are seconds (user + system).
 *   argo-bench pipe MSGSIZE SECS
 *	The same through a pipe between two processes of one domain.
 *   argo-bench dgserve PORT
 *	Datagram counter, forever: counts messages; a 1-byte message ends a
 *	run and is answered with the count (u64) to its sender.
 *   argo-bench dgram DOMID PORT MSGSIZE SECS
 *	Sends MSGSIZE datagrams for SECS (blocking: Xen's back-pressure),
 *	then asks the count.  Prints "msgs_per_s=... sent=... received=...".
 *   argo-bench echo argo|tcp PORT
 *	Request/response server, forever (a thread per connection).
 *   argo-bench rr argo DOMID PORT | rr tcp IPV4 PORT   then  COUNT MSGSIZE
 *	COUNT requests of MSGSIZE bytes, each waiting for its answer, on one
 *	connection.  Prints "p50_us=... p99_us=... n=...".
 *   argo-bench idle socket|ring|conn N [DOMID PORT]
 *	Opens N idle stream sockets (socket), N bound datagram sockets (each
 *	registers a ring with Xen: ring) or N connections to a serve'd
 *	DOMID:PORT (conn), and prints the growth of the kernel's unreclaimable
 *	slab and vmalloc'ed memory per object, read from /proc/meminfo.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/argo.h>

#define MSG_MAX	(1024 * 1024)
/*
 * Receive buffer of a sink or echo thread: a read returns at most a window's
 * worth (256 KiB by default), and 1000 connections must fit in a guest.
 */
#define RX_BUF	(256 * 1024)

static void die(const char *what)
{
	fprintf(stderr, "argo-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_of(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "argo-bench: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

/* Move exactly len bytes through fd (out: write, else read); -1 on error or EOF. */
static int io_all(int fd, void *buf, size_t len, int out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	return io_all(fd, (void *)buf, len, 1);
}

static int read_all(int fd, void *buf, size_t len)
{
	return io_all(fd, buf, len, 0);
}

/* ------------------------------------------------------------ Argo setup */

static int argo_stream_fd(void)
{
	int fd = open(ARGO_STREAM_DEVICE, O_RDWR);

	if (fd < 0)
		die("open " ARGO_STREAM_DEVICE);
	return fd;
}

static int argo_listen(uint32_t port, uint32_t ringsize)
{
	struct argo_ring_id id = { .partner_id = ARGO_DOMID_ANY, .aport = port };
	uint32_t backlog = 4096;
	int fd = argo_stream_fd();

	if (ringsize && ioctl(fd, ARGOIOCSETRINGSIZE, &ringsize))
		die("SETRINGSIZE");
	if (ioctl(fd, ARGOIOCBIND, &id))
		die("BIND");
	if (ioctl(fd, ARGOIOCLISTEN, &backlog))
		die("LISTEN");
	return fd;
}

static int argo_connect_to(uint16_t dom, uint32_t port)
{
	xen_argo_addr_t to = { .aport = port, .domain_id = dom };
	int fd = argo_stream_fd();
	int tries;

	/* A listener that is still starting refuses: retry for 10 s. */
	for (tries = 0; ioctl(fd, ARGOIOCCONNECT, &to); tries++) {
		if (errno != ECONNREFUSED || tries >= 100)
			return -1;
		close(fd);
		usleep(100000);
		fd = argo_stream_fd();
	}
	return fd;
}

static int argo_shut_wr(int fd)
{
	int how = SHUT_WR;

	return ioctl(fd, ARGOIOCSHUTDOWN, &how);
}

static int tcp_listen(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 128))
		die("bind/listen");
	return fd;
}

/* nodelay: for request/response; streams keep Nagle, as most programs do. */
static int tcp_connect_to(const char *ip, uint16_t port, int nodelay)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	int one = 1, tries, fd = -1;

	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1) {
		fprintf(stderr, "argo-bench: not an IPv4 address: %s\n", ip);
		exit(2);
	}
	for (tries = 0; tries < 100; tries++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		if (!connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
			break;
		close(fd);
		fd = -1;
		usleep(100000);
	}
	if (fd >= 0 && nodelay)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Small threads: 1000 connections mean 1000 of them. */
static void spawn(void *(*fn)(void *), void *arg, pthread_t *out)
{
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	if (pthread_create(&t, &attr, fn, arg)) {
		errno = EAGAIN;
		die("pthread_create");
	}
	pthread_attr_destroy(&attr);
	if (out)
		*out = t;
	else
		pthread_detach(t);
}

/* ------------------------------------------------------------ stream */

static void *sink_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char *buf = malloc(RX_BUF);
	uint64_t reply[2] = { 0, 0 };
	ssize_t n;

	if (!buf)
		die("malloc");
	while ((n = read(fd, buf, RX_BUF)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			reply[0] += n;
	reply[1] = (uint64_t)(cpu_of(RUSAGE_THREAD) * 1e6);
	if (n == 0)
		write_all(fd, reply, sizeof(reply));
	free(buf);
	close(fd);
	return NULL;
}

static __attribute__((noreturn)) void cmd_serve(uint32_t port, uint32_t ringsize)
{
	int lfd = argo_listen(port, ringsize);

	for (;;) {
		xen_argo_addr_t peer;
		int fd = ioctl(lfd, ARGOIOCACCEPT, &peer);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("ACCEPT");
		}
		spawn(sink_conn, (void *)(intptr_t)fd, NULL);
	}
}

static __attribute__((noreturn)) void cmd_tserve(uint16_t port)
{
	int lfd = tcp_listen(port);

	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		spawn(sink_conn, (void *)(intptr_t)fd, NULL);
	}
}

struct source {
	int fd, tcp;
	size_t msgsize;
	double secs, deadline;
	pthread_barrier_t *start;
	uint64_t sent, sink_bytes, sink_cpu_us;
	int failed;
};

static void *source_conn(void *arg)
{
	struct source *s = arg;
	char *buf = malloc(s->msgsize);
	uint64_t reply[2];
	unsigned int i = 0;

	if (!buf)
		die("malloc");
	memset(buf, 0x5a, s->msgsize);
	pthread_barrier_wait(s->start);
	/*
	 * The clock starts when every thread is ready: starting 1000 threads
	 * takes longer than a short run under an emulated CPU.
	 */
	s->deadline = now() + s->secs;
	/* Reading the clock costs: with small writes, every 16th only. */
	while ((s->msgsize < 4096 && (i++ & 15)) || now() < s->deadline) {
		if (write_all(s->fd, buf, s->msgsize)) {
			s->failed = errno;
			break;
		}
		s->sent += s->msgsize;
	}
	if ((s->tcp ? shutdown(s->fd, SHUT_WR) : argo_shut_wr(s->fd)) ||
	    read_all(s->fd, reply, sizeof(reply))) {
		s->failed = s->failed ?: errno ?: EPROTO;
	} else {
		s->sink_bytes = reply[0];
		s->sink_cpu_us = reply[1];
	}
	free(buf);
	return NULL;
}

static int cmd_stream(const char *peer, uint32_t port, size_t msgsize,
		      unsigned int conns, double secs)
{
	int tcp = strchr(peer, '.') != NULL;
	struct source *src = calloc(conns, sizeof(*src));
	pthread_t *threads = calloc(conns, sizeof(*threads));
	pthread_barrier_t start;
	uint64_t sent = 0, got = 0, sink_cpu = 0;
	double t0, t1, c0;
	unsigned int i;
	int failed = 0;

	if (!src || !threads || !msgsize || msgsize > MSG_MAX || !conns)
		die("arguments");
	pthread_barrier_init(&start, NULL, conns + 1);
	for (i = 0; i < conns; i++) {
		src[i].fd = tcp ? tcp_connect_to(peer, port, 0) :
				  argo_connect_to(num(peer), port);
		src[i].tcp = tcp;
		if (src[i].fd < 0)
			die("CONNECT");
		src[i].msgsize = msgsize;
		src[i].start = &start;
	}
	for (i = 0; i < conns; i++) {
		src[i].secs = secs;
		spawn(source_conn, &src[i], &threads[i]);
	}
	pthread_barrier_wait(&start);
	c0 = cpu_of(RUSAGE_SELF);
	t0 = now();
	for (i = 0; i < conns; i++) {
		pthread_join(threads[i], NULL);
		sent += src[i].sent;
		got += src[i].sink_bytes;
		sink_cpu += src[i].sink_cpu_us;
		if (src[i].failed && !failed)
			failed = src[i].failed;
		close(src[i].fd);
	}
	t1 = now();
	if (failed || got != sent) {
		fprintf(stderr, "argo-bench: stream: sent %llu, sink read %llu: %s\n",
			(unsigned long long)sent, (unsigned long long)got,
			strerror(failed ?: EPROTO));
		return 1;
	}
	printf("mbps=%.3f bytes=%llu secs=%.3f cpu_client=%.3f cpu_server=%.3f\n",
	       got / (t1 - t0) / 1e6, (unsigned long long)got, t1 - t0,
	       cpu_of(RUSAGE_SELF) - c0, sink_cpu / 1e6);
	return 0;
}

static int cmd_pipe(size_t msgsize, double secs)
{
	char *buf = malloc(msgsize);
	uint64_t sent = 0, got = 0;
	int p[2], back[2];
	double t0, t1;
	unsigned int i = 0;
	pid_t pid;
	struct rusage ru;
	double cpu_child;

	if (!buf || !msgsize || pipe(p) || pipe(back))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char *rbuf = malloc(MSG_MAX);
		ssize_t n;

		close(p[1]);
		while ((n = read(p[0], rbuf, MSG_MAX)) > 0)
			got += n;
		write_all(back[1], &got, sizeof(got));
		_exit(0);
	}
	close(p[0]);
	close(back[1]);
	memset(buf, 0x5a, msgsize);
	t0 = now();
	while ((msgsize < 4096 && (i++ & 15)) || now() < t0 + secs) {
		if (write_all(p[1], buf, msgsize))
			die("write pipe");
		sent += msgsize;
	}
	close(p[1]);
	if (read_all(back[0], &got, sizeof(got)))
		die("read pipe count");
	t1 = now();
	waitpid(pid, NULL, 0);
	getrusage(RUSAGE_CHILDREN, &ru);
	cpu_child = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	if (got != sent) {
		fprintf(stderr, "argo-bench: pipe: sent %llu, read %llu\n",
			(unsigned long long)sent, (unsigned long long)got);
		return 1;
	}
	printf("mbps=%.3f bytes=%llu secs=%.3f cpu_client=%.3f cpu_server=%.3f\n",
	       got / (t1 - t0) / 1e6, (unsigned long long)got, t1 - t0,
	       cpu_of(RUSAGE_SELF), cpu_child);
	return 0;
}

/* ------------------------------------------------------------ datagrams */

static int dgram_fd(uint32_t port)
{
	struct argo_ring_id id = { .partner_id = ARGO_DOMID_ANY, .aport = port };
	int fd = open(ARGO_DGRAM_DEVICE, O_RDWR);

	if (fd < 0)
		die("open " ARGO_DGRAM_DEVICE);
	if (ioctl(fd, ARGOIOCBIND, &id))
		die("BIND");
	return fd;
}

static ssize_t dg_send(int fd, const void *buf, size_t len, xen_argo_addr_t *to)
{
	struct argo_dev a = { .buf = (void *)buf, .len = len, .addr = to };

	return ioctl(fd, ARGOIOCSEND, &a);
}

static ssize_t dg_recv(int fd, void *buf, size_t len, xen_argo_addr_t *from)
{
	struct argo_dev a = { .buf = buf, .len = len, .addr = from };

	return ioctl(fd, ARGOIOCRECV, &a);
}

static __attribute__((noreturn)) void cmd_dgserve(uint32_t port)
{
	int fd = dgram_fd(port);
	char *buf = malloc(MSG_MAX);
	uint64_t count = 0;

	if (!buf)
		die("malloc");
	for (;;) {
		xen_argo_addr_t from;
		ssize_t n = dg_recv(fd, buf, MSG_MAX, &from);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("RECV");
		}
		if (n == 1) {
			dg_send(fd, &count, sizeof(count), &from);
			count = 0;
		} else {
			count++;
		}
	}
}

static int cmd_dgram(uint16_t dom, uint32_t port, size_t msgsize, double secs)
{
	xen_argo_addr_t to = { .aport = port, .domain_id = dom }, from;
	int fd = dgram_fd(ARGO_PORT_ANY);
	char *buf = calloc(1, msgsize < 8 ? 8 : msgsize);
	uint64_t sent = 0, got;
	unsigned int i = 0;
	double t0, t1;

	if (!buf || msgsize < 2)
		die("arguments");
	t0 = now();
	while ((i++ & 15) || now() < t0 + secs) {
		if (dg_send(fd, buf, msgsize, &to) < 0) {
			if (errno == EINTR)
				continue;
			die("SEND");
		}
		sent++;
	}
	if (dg_send(fd, buf, 1, &to) < 0)
		die("SEND end");
	if (dg_recv(fd, &got, sizeof(got), &from) != sizeof(got))
		die("RECV count");
	t1 = now();
	printf("msgs_per_s=%.1f sent=%llu received=%llu secs=%.3f\n",
	       got / (t1 - t0), (unsigned long long)sent,
	       (unsigned long long)got, t1 - t0);
	return 0;
}

/* ------------------------------------------------------------ latency */

static void *echo_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char *buf = malloc(RX_BUF);
	ssize_t n;

	if (!buf)
		die("malloc");
	while ((n = read(fd, buf, RX_BUF)) > 0)
		if (write_all(fd, buf, n))
			break;
	free(buf);
	close(fd);
	return NULL;
}

static __attribute__((noreturn)) void cmd_echo(const char *kind, uint32_t port)
{
	int tcp = !strcmp(kind, "tcp");
	int lfd = tcp ? tcp_listen(port) : argo_listen(port, 0);

	for (;;) {
		xen_argo_addr_t peer;
		int one = 1, fd;

		fd = tcp ? accept(lfd, NULL, NULL) : ioctl(lfd, ARGOIOCACCEPT, &peer);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		if (tcp)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		spawn(echo_conn, (void *)(intptr_t)fd, NULL);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmd_rr(const char *kind, const char *host, uint32_t port,
		  unsigned int count, size_t msgsize)
{
	int fd = !strcmp(kind, "tcp") ? tcp_connect_to(host, port, 1) :
					 argo_connect_to(num(host), port);
	double *rtt = calloc(count, sizeof(*rtt));
	char *buf = calloc(1, msgsize);
	unsigned int i;

	if (fd < 0)
		die("connect");
	if (!rtt || !buf || !count || !msgsize)
		die("arguments");
	for (i = 0; i < count; i++) {
		double t = now();

		if (write_all(fd, buf, msgsize) || read_all(fd, buf, msgsize))
			die("request/response");
		rtt[i] = (now() - t) * 1e6;
	}
	qsort(rtt, count, sizeof(*rtt), cmp_double);
	printf("p50_us=%.1f p99_us=%.1f n=%u\n", rtt[count / 2],
	       rtt[(count * 99) / 100 < count ? (count * 99) / 100 : count - 1],
	       count);
	return 0;
}

/* ------------------------------------------------------------ memory */

/* Unreclaimable slab + vmalloc, in kB: where argo.ko's memory goes. */
static long kernel_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long v, sum = 0;

	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "SUnreclaim: %ld", &v) == 1 ||
		    sscanf(line, "VmallocUsed: %ld", &v) == 1)
			sum += v;
	}
	fclose(f);
	return sum;
}

static int cmd_idle(const char *kind, unsigned int n, int argc, char **argv)
{
	int *fds = calloc(n, sizeof(*fds));
	long before, after;
	unsigned int i;

	if (!fds || !n)
		die("arguments");
	if (!strcmp(kind, "conn") && argc < 2) {
		fprintf(stderr, "argo-bench: idle conn N DOMID PORT\n");
		return 2;
	}
	sleep(1);
	before = kernel_kb();
	for (i = 0; i < n; i++) {
		if (!strcmp(kind, "socket"))
			fds[i] = argo_stream_fd();
		else if (!strcmp(kind, "ring"))
			fds[i] = dgram_fd(ARGO_PORT_ANY);
		else if (!strcmp(kind, "conn"))
			fds[i] = argo_connect_to(num(argv[0]), num(argv[1]));
		else
			die("idle: socket, ring or conn");
		if (fds[i] < 0)
			die("idle: open/connect");
	}
	sleep(1);
	after = kernel_kb();
	printf("bytes_per_object=%.0f objects=%u kernel_kb_before=%ld kernel_kb_after=%ld\n",
	       (after - before) * 1024.0 / n, n, before, after);
	for (i = 0; i < n; i++)
		close(fds[i]);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "serve") && argc >= 3)
		cmd_serve(num(argv[2]), argc > 3 ? num(argv[3]) : 0);
	if (!strcmp(cmd, "tserve") && argc == 3)
		cmd_tserve(num(argv[2]));
	if (!strcmp(cmd, "stream") && argc == 7)
		return cmd_stream(argv[2], num(argv[3]), num(argv[4]),
				  num(argv[5]), atof(argv[6]));
	if (!strcmp(cmd, "pipe") && argc == 4)
		return cmd_pipe(num(argv[2]), atof(argv[3]));
	if (!strcmp(cmd, "dgserve") && argc == 3)
		cmd_dgserve(num(argv[2]));
	if (!strcmp(cmd, "dgram") && argc == 6)
		return cmd_dgram(num(argv[2]), num(argv[3]), num(argv[4]),
				 atof(argv[5]));
	if (!strcmp(cmd, "echo") && argc == 4)
		cmd_echo(argv[2], num(argv[3]));
	if (!strcmp(cmd, "rr") && argc == 7)
		return cmd_rr(argv[2], argv[3], num(argv[4]), num(argv[5]),
			      num(argv[6]));
	if (!strcmp(cmd, "idle") && argc >= 4)
		return cmd_idle(argv[2], num(argv[3]), argc - 4, argv + 4);
	fprintf(stderr, "usage: see the comment at the top of argo-bench.c\n");
	return 2;
}
