// SPDX-License-Identifier: GPL-2.0
/*
 * ring_quota - how many more rings Xen lets this domain register now.
 *
 *   ring_quota PARTNER
 *       Bind one-page datagram sockets (ephemeral port, partner PARTNER)
 *       until a bind fails, close them all, print "quota N" (the number
 *       bound) and one TAP line: it stopped at Xen's limit (ENOSPC).
 *       Exit 0 only then.
 *
 * Xen counts a domain's rings against a fixed limit; a count that drifts
 * (a ring counted twice, say across a suspend) shows here as a smaller
 * quota with the same sockets open.  The suspend test compares the quota
 * before and after.
 */
#include "argo_test.h"

#define MAX_RINGS 1024

int main(int argc, char **argv)
{
	static int fds[MAX_RINGS];
	uint32_t size = 4032;
	uint16_t partner;
	int n, err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: ring_quota PARTNER\n");
		return 2;
	}
	partner = strtoul(argv[1], NULL, 0);
	for (n = 0; n < MAX_RINGS; n++) {
		fds[n] = argo_open_dgram();
		if (ioctl(fds[n], ARGOIOCSETRINGSIZE, &size) ||
		    argo_bind(fds[n], ARGO_PORT_ANY, partner)) {
			err = errno;
			close(fds[n]);
			break;
		}
	}
	printf("quota %d\n", n);
	t_ok(err == ENOSPC, "%d rings bound (partner %u), then %s (want ENOSPC)",
	     n, partner, err ? strerror(err) : "no error");
	while (n--)
		close(fds[n]);
	return t_done();
}
