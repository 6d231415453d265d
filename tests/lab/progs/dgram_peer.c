// SPDX-License-Identifier: GPL-2.0
/*
 * dgram_peer - the two ends of a cross-domain datagram test.
 *
 *   dgram_peer serve PORT PARTNER COUNT
 *       bind PORT (accepting PARTNER, a domid or "any"), echo COUNT
 *       messages back to their source address, print each source, exit 0.
 *   dgram_peer ping DOMID PORT [ROUNDS]
 *       send messages of many sizes to DOMID:PORT and check that each echo
 *       comes back intact, in order, from DOMID:PORT.  Retries for a while
 *       when the server is not bound yet (ECONNREFUSED).  TAP output.
 *
 * The serve side exits after 60 s without traffic (ARGO_SERVE_IDLE seconds
 * if set) so that a failing test never leaves it behind.
 */
#include "argo_test.h"

#include <poll.h>
#include <signal.h>
#include <time.h>

static const size_t sizes[] = { 1, 0, 15, 16, 17, 255, 1000, 4000, 12000,
				 65000, 200000 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static int serve(uint32_t port, const char *partner, long count)
{
	static unsigned char buf[256 * 1024];
	uint16_t p = !strcmp(partner, "any") ? ARGO_DOMID_ANY :
			strtoul(partner, NULL, 0);
	const char *idle_env = getenv("ARGO_SERVE_IDLE");
	unsigned int idle = idle_env ? atoi(idle_env) : 60;
	xen_argo_addr_t from;
	long i;
	ssize_t n;
	int fd;

	fd = argo_open_dgram();
	if (argo_bind(fd, port, p)) {
		printf("serve: bind 0x%x partner %u: %s\n", port, p,
		       strerror(errno));
		return 1;
	}
	printf("serve: bound 0x%x partner %u\n", port, p);
	fflush(stdout);
	for (i = 0; i < count; i++) {
		alarm(idle);
		n = argo_recvfrom(fd, buf, sizeof(buf), 0, &from);
		if (n < 0) {
			printf("serve: recv: %s\n", strerror(errno));
			return 1;
		}
		if (argo_sendto(fd, buf, n, 0, from.domain_id, from.aport) != n) {
			printf("serve: echo to %u:0x%x: %s\n", from.domain_id,
			       from.aport, strerror(errno));
			return 1;
		}
		printf("serve: %zd bytes from %u:0x%x\n", n, from.domain_id,
		       from.aport);
		fflush(stdout);
	}
	return 0;
}

static int ping(uint16_t dom, uint32_t port, int rounds)
{
	static unsigned char out[256 * 1024], in[256 * 1024];
	xen_argo_addr_t from;
	struct argo_ring_id me;
	int fd, tries, r, good;
	uint32_t ring = 1024 * 1024 - 64;
	size_t i;
	ssize_t n;

	fd = argo_open_dgram();
	ioctl(fd, ARGOIOCSETRINGSIZE, &ring);
	for (tries = 0; tries < 300; tries++) {
		n = argo_sendto(fd, "hello", 5, 0, dom, port);
		if (n == 5 || errno != ECONNREFUSED)
			break;
		usleep(100000);
	}
	t_ok(n == 5, "send to %u:0x%x after %d retries (%s)", dom, port,
	     tries, n == 5 ? "ok" : strerror(errno));
	if (n != 5)
		return t_done();
	me = argo_name(fd);
	t_diag("local %u:0x%x partner %u", me.domain_id, me.aport,
	       me.partner_id);
	alarm(60);
	n = argo_recvfrom(fd, in, sizeof(in), 0, &from);
	t_ok(n == 5 && !memcmp(in, "hello", 5), "echo received (%zd)", n);
	t_ok(from.domain_id == dom && from.aport == port,
	     "echo's source is the server %u:0x%x (got %u:0x%x)", dom, port,
	     from.domain_id, from.aport);

	for (r = 0; r < rounds; r++) {
		good = 1;
		for (i = 0; i < NSIZES; i++) {
			t_fill(out, sizes[i], r * 100 + i);
			n = argo_sendto(fd, out, sizes[i], 0, dom, port);
			if (n != (ssize_t)sizes[i]) {
				t_diag("send %zu: %zd %s", sizes[i], n,
				       strerror(errno));
				good = 0;
				break;
			}
			memset(in, 0xee, sizes[i] + 16);
			n = argo_recvfrom(fd, in, sizeof(in), 0, &from);
			if (n != (ssize_t)sizes[i] ||
			    memcmp(in, out, sizes[i]) ||
			    from.domain_id != dom || from.aport != port) {
				t_diag("echo of %zu bytes: got %zd from %u:0x%x",
				       sizes[i], n, from.domain_id,
				       from.aport);
				good = 0;
			}
		}
		t_ok(good, "round %d: %zu sizes 0..200000 echoed intact with boundaries",
		     r, NSIZES);
	}
	close(fd);
	return t_done();
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 5 && !strcmp(argv[1], "serve"))
		return serve(strtoul(argv[2], NULL, 0), argv[3],
			     strtol(argv[4], NULL, 0));
	if (argc >= 4 && !strcmp(argv[1], "ping"))
		return ping(strtoul(argv[2], NULL, 0),
			    strtoul(argv[3], NULL, 0),
			    argc > 4 ? atoi(argv[4]) : 3);
	fprintf(stderr,
		"usage: dgram_peer serve PORT PARTNER COUNT | ping DOMID PORT [ROUNDS]\n");
	return 2;
}
