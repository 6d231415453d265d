// SPDX-License-Identifier: GPL-2.0
/*
 * xm_real: run a scenario of tests/unit/traces on the real Xen and print
 * the lines tests/unit/xm-trace.c prints for the model, so that
 * tests/lab/xen-model.sh can diff them ("same inputs, same ring bytes").
 *
 *   xm_real run GUEST DOMID < TRACE   in dom0: dom0 is the trace's dom 0
 *                                     (owns the ring, port 1); GUEST, whose
 *                                     id is DOMID, is its dom 1 (sends from
 *                                     port 7, asks notify)
 *   xm_real serve DOMID               in GUEST, started by "run" through
 *                                     lab-guest: one command per stdin line,
 *                                     one answer per stdout line
 *
 * Both use xmprobe.ko (tests/lab/xmprobe), which makes the hypercalls
 * exactly as asked; the ring's memory is read and written through its
 * /dev/xmprobe file.  The trace's domain id 1 means DOMID here and in
 * "xm-trace -s DOMID", so both print the same ids and the same header bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "../xmprobe/xmprobe.h"

#define DEV		"/dev/xmprobe"
#define RING_HDR	64U
#define MSG_HDR		16U
#define SLOT(x)		(((x) + 15U) & ~15U)
#define DOMID_ANY	0x7FF4U
#define MAX_RING	0x1000000U
#define XEN_MAXIOV	8U
#define RING_PORT	1U	/* dom 0's ring */
#define SEND_PORT	7U	/* dom 1's source port */

static void die(const char *what)
{
	fprintf(stderr, "xm_real: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int open_probe(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die(DEV " (is xmprobe.ko loaded?)");
	return fd;
}

/* ---- the guest's side (dom 1) ------------------------------------------- */

/* VIRQ_ARGO interrupts this domain took: argo.ko's line of /proc/interrupts. */
static long virq_count(void)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[1024];
	long total = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':'), *end, *name;
		long sum = 0;

		line[strcspn(line, "\n")] = 0;
		name = strrchr(line, ' ');
		if (!p || !name || strcmp(name + 1, "argo"))
			continue;
		/* The per-CPU counts follow "NN:" until the chip's name. */
		for (p++;; p = end) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			sum += v;
		}
		total = sum;
	}
	fclose(f);
	return total;
}

static int serve(uint16_t self)
{
	static uint8_t buf[MAX_RING];
	char line[256];
	int fd = open_probe();

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	while (fgets(line, sizeof(line), stdin)) {
		unsigned int seq, len, type, niov, space, i, per;
		struct xmprobe_sendv s = { 0 };
		struct xmprobe_notify q = { 0 };

		if (sscanf(line, "send %u %u %u %u", &seq, &len, &type, &niov) == 4) {
			if (len > sizeof(buf) || !niov || niov > XMPROBE_MAX_IOV) {
				printf("error bad send\n");
				continue;
			}
			for (i = 0; i < len; i++)
				buf[i] = (uint8_t)(seq * 13 + i);
			per = len / niov;
			for (i = 0; i < niov; i++)
				s.iov_len[i] = i + 1 == niov ? len - i * per : per;
			s.src_aport = SEND_PORT;
			s.src_domid = self;
			s.dst_aport = RING_PORT;
			s.dst_domid = 0;
			s.message_type = type;
			s.niov = niov;
			s.data = (uintptr_t)buf;
			if (ioctl(fd, XMPROBE_SENDV, &s))
				printf("error sendv %s\n", strerror(errno));
			else
				printf("%d\n", s.result);
		} else if (sscanf(line, "notify %u", &space) == 1) {
			q.nent = 1;
			q.aport = RING_PORT;
			q.domid = 0;
			q.space_required = space;
			if (ioctl(fd, XMPROBE_NOTIFY, &q))
				printf("error notify %s\n", strerror(errno));
			else
				printf("%d %u %u %u\n", q.result, q.flags,
				       q.max_message_size, q.space_required);
		} else if (!strcmp(line, "virqs\n")) {
			printf("%ld\n", virq_count());
		} else {
			printf("error unknown request\n");
		}
	}
	close(fd);
	return 0;
}

/* ---- dom0's side: the trace ----------------------------------------------- */

struct run {
	int fd;			/* dom0's /dev/xmprobe: the ring's owner */
	bool have_ring;
	uint32_t len;
	uint16_t guest;		/* dom 1's real id */
	uint16_t partner;
	unsigned int seq;	/* messages sent so far (payload pattern) */
	FILE *to, *from;	/* the guest's "serve" */
	pid_t agent;
};

/* One request to the guest, its answer line (exits if the guest is gone). */
static void ask(struct run *r, char *answer, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void ask(struct run *r, char *answer, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(r->to, fmt, ap);
	va_end(ap);
	fflush(r->to);
	if (!fgets(answer, (int)cap, r->from)) {
		fprintf(stderr, "xm_real: the guest's xm_real serve is gone\n");
		exit(1);
	}
	if (!strncmp(answer, "error", 5)) {
		fprintf(stderr, "xm_real: guest: %s", answer);
		exit(1);
	}
}

static void start_agent(struct run *r, const char *guest)
{
	int in[2], out[2];
	char id[16], answer[64];

	if (pipe(in) || pipe(out))
		die("pipe");
	snprintf(id, sizeof(id), "%u", r->guest);
	r->agent = fork();
	if (r->agent < 0)
		die("fork");
	if (!r->agent) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execlp("lab-guest", "lab-guest", guest, "--", "xm_real", "serve",
		       id, (char *)NULL);
		perror("xm_real: lab-guest");
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	r->to = fdopen(in[1], "w");
	r->from = fdopen(out[0], "r");
	if (!r->to || !r->from)
		die("fdopen");
	if (!fgets(answer, sizeof(answer), r->from) || strcmp(answer, "ready\n")) {
		fprintf(stderr, "xm_real: xm_real serve did not start in %s\n", guest);
		exit(1);
	}
}

static int stop_agent(struct run *r)
{
	int status;

	fclose(r->to);
	fclose(r->from);
	if (waitpid(r->agent, &status, 0) < 0)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static void mem_read(struct run *r, uint32_t off, void *p, size_t n)
{
	if (pread(r->fd, p, n, off) != (ssize_t)n)
		die("reading the ring");
}

static void mem_write(struct run *r, uint32_t off, const void *p, size_t n)
{
	if (pwrite(r->fd, p, n, off) != (ssize_t)n)
		die("writing the ring");
}

static uint32_t hdr_field(struct run *r, uint32_t off)
{
	uint32_t v;

	mem_read(r, off, &v, sizeof(v));
	return v;
}

/* Message byte off of the ring, wrapping (as testbed.h's tb_byte). */
static uint8_t ring_byte(struct run *r, uint32_t off)
{
	uint8_t b;

	mem_read(r, RING_HDR + off % r->len, &b, 1);
	return b;
}

/* testbed.h's tb_recv on the real ring: the same naive reader. */
static long ring_recv(struct run *r, uint32_t *mlen, uint16_t *dom,
		      uint32_t *port, uint32_t *type)
{
	uint32_t rx = hdr_field(r, 0), tx = hdr_field(r, 4), i;
	uint8_t hb[MSG_HDR];

	if (rx == tx)
		return -ENOENT;
	for (i = 0; i < MSG_HDR; i++)
		hb[i] = ring_byte(r, rx + i);
	memcpy(mlen, hb, 4);
	memcpy(port, hb + 4, 4);
	memcpy(dom, hb + 8, 2);
	memcpy(type, hb + 12, 4);
	if (*mlen < MSG_HDR || *mlen - MSG_HDR > r->len)
		return -EIO;
	rx = (rx + SLOT(*mlen)) % r->len;
	mem_write(r, 0, &rx, sizeof(rx));
	return *mlen - MSG_HDR;
}

static long do_register(struct run *r)
{
	struct xmprobe_register reg = { .aport = RING_PORT, .partner = r->partner };

	if (ioctl(r->fd, XMPROBE_REGISTER, &reg))
		die("XMPROBE_REGISTER");
	return reg.result;
}

static long dom0_notify(struct run *r)
{
	struct xmprobe_notify q = { .nent = 0 };

	if (ioctl(r->fd, XMPROBE_NOTIFY, &q))
		die("XMPROBE_NOTIFY");
	return q.result;
}

static long guest_virqs(struct run *r)
{
	char answer[64];

	ask(r, answer, sizeof(answer), "virqs\n");
	return strtol(answer, NULL, 10);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * VIRQs dom 0's notify raised at the guest: the guest's count until it
 * moves (at most 2 s: delivery is asynchronous), then a little longer in
 * case more than one arrives.  argo.ko, idle in the guest, only counts them.
 */
static long rxnotify(struct run *r, long *virqs)
{
	long before = guest_virqs(r), rc = dom0_notify(r), now = before;
	int t;

	for (t = 0; t < 40 && now == before; t++) {
		sleep_ms(50);
		now = guest_virqs(r);
	}
	sleep_ms(300);
	*virqs = guest_virqs(r) - before;
	return rc;
}

static int run(const char *guest, uint16_t guest_id)
{
	struct run r = { .guest = guest_id, .partner = guest_id };
	char line[256], answer[128];
	unsigned int lineno = 0;

	r.fd = open_probe();
	start_agent(&r, guest);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		char cmd[32], a1[32] = "", a2[32] = "", a3[32] = "";
		int n;

		lineno++;
		n = sscanf(line, "%31s %31s %31s %31s", cmd, a1, a2, a3);
		if (n < 1 || cmd[0] == '#')
			continue;
		if (!strcmp(cmd, "ring")) {
			struct xmprobe_ring_new rn = {
				.len = (uint32_t)strtoul(a1, NULL, 0),
			};

			if (n > 2)
				r.partner = !strcmp(a2, "any") ? DOMID_ANY :
					    (uint16_t)strtoul(a2, NULL, 0);
			if (n > 2 && r.partner == 1)
				r.partner = r.guest;
			/* Unregisters the previous ring, as xm-trace does. */
			if (ioctl(r.fd, XMPROBE_RING_NEW, &rn))
				die("XMPROBE_RING_NEW");
			r.have_ring = true;
			r.len = rn.len;
			printf("ring %u partner %u -> %ld\n", r.len, r.partner,
			       do_register(&r));
		} else if (!strcmp(cmd, "reregister")) {
			long rc = do_register(&r);

			printf("reregister -> %ld tx_ptr %u\n", rc, hdr_field(&r, 4));
		} else if (!strcmp(cmd, "send")) {
			uint32_t len = (uint32_t)strtoul(a1, NULL, 0);
			uint32_t type = n > 2 ? (uint32_t)strtoul(a2, NULL, 0) : 0;
			unsigned long niov = n > 3 ? strtoul(a3, NULL, 0) : 1;
			long rc;

			if (len > MAX_RING || niov > XEN_MAXIOV + 1 || !niov) {
				printf("line %u: bad send\n", lineno);
				continue;
			}
			ask(&r, answer, sizeof(answer), "send %u %u %u %lu\n",
			    r.seq, len, type, niov);
			rc = strtol(answer, NULL, 10);
			if (rc >= 0)
				r.seq++;
			printf("send %u type %#x niov %lu -> %ld tx_ptr %u\n", len,
			       type, niov, rc, r.have_ring ? hdr_field(&r, 4) : 0);
		} else if (!strcmp(cmd, "recv")) {
			uint32_t mlen = 0, port = 0, type = 0;
			uint16_t dom = 0;
			long rc = r.have_ring ?
				  ring_recv(&r, &mlen, &dom, &port, &type) : -ENOENT;

			if (rc < 0)
				printf("recv -> %ld\n", rc);
			else
				printf("recv -> %ld len %u src %u:%u type %#x rx_ptr %u\n",
				       rc, mlen, dom, port, type, hdr_field(&r, 0));
		} else if (!strcmp(cmd, "setrx") || !strcmp(cmd, "settx")) {
			uint32_t v = (uint32_t)strtoul(a1, NULL, 0);

			mem_write(&r, cmd[3] == 'r' ? 0 : 4, &v, sizeof(v));
			printf("%s %u\n", cmd, v);
		} else if (!strcmp(cmd, "notify")) {
			long rc;
			unsigned int flags, max, space;

			ask(&r, answer, sizeof(answer), "notify %u\n",
			    (uint32_t)strtoul(a1, NULL, 0));
			if (sscanf(answer, "%ld %u %u %u", &rc, &flags, &max,
				   &space) != 4) {
				fprintf(stderr, "xm_real: bad answer %s", answer);
				return 1;
			}
			/* space_required as Xen left it, as xm-trace prints it. */
			printf("notify %u -> %ld flags %#x max_message_size %u\n",
			       space, rc, flags, max);
		} else if (!strcmp(cmd, "rxnotify")) {
			long virqs, rc = rxnotify(&r, &virqs);

			printf("rxnotify -> %ld virqs to sender %ld\n", rc, virqs);
		} else if (!strcmp(cmd, "dump")) {
			static uint8_t mem[RING_HDR + MAX_RING + 16];
			uint32_t i, j, span = RING_HDR + SLOT(r.len);

			mem_read(&r, 0, mem, span);
			printf("dump rx_ptr %u tx_ptr %u\n", hdr_field(&r, 0),
			       hdr_field(&r, 4));
			for (i = 0; i < r.len; i += 16) {
				printf("  %06x:", i);
				for (j = 0; j < 16; j++)
					printf(" %02x", mem[RING_HDR + i + j]);
				printf("\n");
			}
		} else {
			printf("line %u: unknown command %s\n", lineno, cmd);
		}
	}
	close(r.fd);		/* unregisters the ring */
	return stop_agent(&r);
}

int main(int argc, char **argv)
{
	unsigned long id = argc > 2 ? strtoul(argv[argc - 1], NULL, 0) : 0;

	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && !strcmp(argv[1], "serve") && id && id < DOMID_ANY)
		return serve((uint16_t)id);
	if (argc == 4 && !strcmp(argv[1], "run") && id && id < DOMID_ANY)
		return run(argv[2], (uint16_t)id);
	fprintf(stderr, "usage: xm_real run GUEST DOMID < TRACE | xm_real serve DOMID\n");
	return 2;
}
