// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_proto.c - libFuzzer target for the stream protocol (proto.c) as the
 * module drives it (sim.c): two endpoints, their applications and forged
 * packets, in an order the input chooses.
 *
 * Input: byte 0 = configuration (legacy endpoints, windows, listening,
 * CLOSED connections kept routed);
 * then operations of two bytes (op, arg), some followed by more bytes:
 *   0 connect   1 deliver one message   2 write   3 read   4 shutdown
 *   5 close     6 abort    7 forge a message (arg = length, then bytes)
 *   8 listening/backlog toggles   9 CREDIT probe   10 forge a packet
 *   for a live conid (arg = flags; then 4 bytes of extra)
 *   11 CREDIT recorded late (toggle deferral of credit_sent(), or flush)
 * At the end all queues are drained.  The oracles of sim.h must hold, and
 * draining must end (no endless RST exchange): both abort().
 */
#include "argo_types.h"
#include "sim.h"

#include <stdlib.h>

static struct sim S;

#define CHECK(c, ...) do { if (!(c)) { fprintf(stderr, "fuzz_proto: " \
	__VA_ARGS__); fprintf(stderr, " (%s:%d)\n", __FILE__, __LINE__); \
	abort(); } } while (0)

static const u32 windows[] = { ARGO_PROTO_WINDOW_MIN, 1500, 4096, 65536 };

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	size_t pos = 1;
	unsigned int steps = 0;
	unsigned long drained;

	if (!n)
		return 0;
	sim_init(&S, d[0] & 1, d[0] & 2, windows[(d[0] >> 2) & 3],
		 windows[(d[0] >> 4) & 3]);
	if (d[0] & 0x40)
		S.e[0].listening = true;
	S.route_closed = d[0] & 0x80;

	while (pos + 2 <= n && steps++ < 4096) {
		u8 op = d[pos] % 12, arg = d[pos + 1];
		int e = arg & 1, k = (arg >> 1) % SIM_CONNS;

		pos += 2;
		switch (op) {
		case 0:
			sim_connect(&S, e);
			break;
		case 1:
			sim_step(&S, e);
			break;
		case 2:
			sim_write(&S, e, k, 1u << (arg >> 5) << 2);
			break;
		case 3:
			sim_read(&S, e, k, 1u << (arg >> 5) << 3);
			break;
		case 4:
			sim_shutdown(&S, e, k);
			break;
		case 5:
			sim_close(&S, e, k);
			break;
		case 6:
			sim_abort(&S, e, k, -ECONNRESET);
			break;
		case 7: {
			u32 len = arg >> 1;

			if (len > n - pos)
				len = n - pos;
			sim_inject(&S, e, d + pos, len);
			pos += len;
			break;
		}
		case 8:
			if (arg & 2)
				S.e[e].listening = !S.e[e].listening;
			if (arg & 4)
				S.e[e].backlog_full = !S.e[e].backlog_full;
			break;
		case 9:
			sim_probe(&S, e, k);
			break;
		case 11:
			if (arg & 2)
				S.defer_credit[e] = !S.defer_credit[e];
			if (arg & 4)
				sim_credit_flush(&S, e);
			break;
		case 10: {
			/* A well-formed packet for a (maybe) live conid. */
			u8 m[16];
			u32 flags = (arg >> 4) & ARGO_PROTO_KNOWN_FLAGS;
			u32 conid = S.e[!e].s[k].c.conid;
			u32 extra = 0, len = 8;

			if (pos + 4 <= n) {
				memcpy(&extra, d + pos, 4);
				pos += 4;
			}
			memcpy(m, &flags, 4);
			memcpy(m + 4, &conid, 4);
			if (flags == ARGO_PROTO_CREDIT ||
			    flags == ARGO_PROTO_SYN || flags == ARGO_PROTO_ACK) {
				u32 w = flags == ARGO_PROTO_CREDIT ? 4096 :
					ARGO_PROTO_EXT_MAGIC;

				memcpy(m + 8, &w, 4);
				memcpy(m + 12, &extra, 4);
				len = 16;
			} else if (!flags) {
				memcpy(m + 8, &extra, 4);
				len = 8 + (arg & 3);
			}
			sim_inject(&S, e, m, len);
			break;
		}
		}
		CHECK(!S.violation, "%s", S.why);
	}
	drained = sim_pump(&S, 100000);
	CHECK(!S.q[0].count && !S.q[1].count,
	      "queues not drained after %lu messages: endless exchange",
	      drained);
	CHECK(!S.violation, "%s", S.why);
	CHECK(!kshim_warnings, "proto.c hit a WARN_ON");
	return 0;
}
