// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of the pure ring code, run at load time by debug builds only
 * (make ARGO_SELFTEST=1).  They play Xen's part on a private buffer: write
 * messages the way Xen does (header at a 16-aligned tx_ptr, payload that may
 * wrap), then check what ring.c reads back, and feed it nonsense pointers
 * and lengths.  The full suite, with a model of Xen and fuzzers, is the
 * userspace test bed in tests/unit; this proves the same code as compiled
 * into the kernel.
 */
#define pr_fmt(fmt) "argo: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "ring.h"
#include "selftest.h"

struct argo_st {
	struct xen_argo_ring *ring;
	u32 len;
	u32 tx;
	int checks;
	int failed;
};

static void argo_st_check(struct argo_st *st, bool ok, const char *what,
			  int line)
{
	st->checks++;
	if (!ok) {
		st->failed++;
		pr_err("selftest: failed: %s (line %d)\n", what, line);
	}
}

#define ST_CHECK(st, cond) argo_st_check(st, cond, #cond, __LINE__)

/* Write a message as Xen does; false if it would not fit. */
static bool argo_st_put(struct argo_st *st, const u8 *data, u32 n, u32 seed)
{
	struct xen_argo_ring_message_header h = {
		.len = n + XEN_ARGO_MSG_HDR_SIZE,
		.source = { .aport = seed, .domain_id = 7 },
		.message_type = ARGO_MSG_TYPE_DGRAM,
	};
	u32 rx = READ_ONCE(st->ring->rx_ptr);
	u32 free = rx > st->tx ? rx - st->tx : st->len - st->tx + rx;
	u32 off, i;

	if (XEN_ARGO_ROUNDUP(n) + XEN_ARGO_MSG_HDR_SIZE >= free)
		return false;
	memcpy(&st->ring->ring[st->tx], &h, sizeof(h));
	off = st->tx + XEN_ARGO_MSG_HDR_SIZE;
	for (i = 0; i < n; i++)
		st->ring->ring[(off + i) % st->len] = data[i];
	st->tx = (st->tx + XEN_ARGO_ROUNDUP(n) + XEN_ARGO_MSG_HDR_SIZE) %
		 st->len;
	/* Xen's barrier between the message and tx_ptr. */
	smp_wmb();
	WRITE_ONCE(st->ring->tx_ptr, st->tx);
	return true;
}

static void argo_st_fill(u8 *p, u32 n, u32 seed)
{
	u32 i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(seed * 31 + i);
}

/* Messages of every size through a small ring: every wrap position. */
static void argo_st_wrap(struct argo_st *st, u8 *out, u8 *in)
{
	struct argo_ring_msg msg;
	u32 n, round, got;

	for (round = 0; round < 3; round++) {
		for (n = 0; n <= argo_ring_max_payload(st->len); n++) {
			argo_st_fill(out, n, n + round);
			if (!argo_st_put(st, out, n, n)) {
				ST_CHECK(st, false);
				return;
			}
			if (argo_ring_peek(st->ring, st->len, &msg)) {
				ST_CHECK(st, false);
				return;
			}
			got = argo_ring_copy_out(st->ring, st->len, &msg, 0, in,
						 n);
			ST_CHECK(st, got == n && msg.len == n &&
				 !memcmp(in, out, n) && msg.source.aport == n);
			argo_ring_consume(st->ring, &msg);
		}
	}
	ST_CHECK(st, argo_ring_peek(st->ring, st->len, &msg) == -ENODATA);
}

/* Pointers and lengths Xen would never write. */
static void argo_st_garbage(struct argo_st *st)
{
	struct xen_argo_ring_message_header *h;
	struct argo_ring_seg seg[2];
	struct argo_ring_msg msg;

	WRITE_ONCE(st->ring->rx_ptr, 0);
	WRITE_ONCE(st->ring->tx_ptr, 8);	/* misaligned */
	ST_CHECK(st, argo_ring_peek(st->ring, st->len, &msg) == -EBADMSG);
	argo_ring_reset(st->ring, st->len, "selftest");
	ST_CHECK(st, READ_ONCE(st->ring->rx_ptr) == 0);

	WRITE_ONCE(st->ring->tx_ptr, st->len);	/* out of range */
	ST_CHECK(st, argo_ring_peek(st->ring, st->len, &msg) == -EBADMSG);

	/* A header claiming more than was produced, or absurdly much. */
	h = (void *)&st->ring->ring[0];
	WRITE_ONCE(st->ring->tx_ptr, 32);
	h->len = 64;
	ST_CHECK(st, argo_ring_peek(st->ring, st->len, &msg) == -EBADMSG);
	h->len = 0xfffffff8;
	ST_CHECK(st, argo_ring_peek(st->ring, st->len, &msg) == -EBADMSG);
	h->len = 3;				/* shorter than a header */
	ST_CHECK(st, argo_ring_peek(st->ring, st->len, &msg) == -EBADMSG);
	h->len = 20;
	ST_CHECK(st, argo_ring_peek(st->ring, st->len, &msg) == 0 &&
		 msg.len == 4 && msg.next_rx == 32);

	/* Segments never leave the ring, whatever the message says. */
	msg.len = st->len + 1;
	ST_CHECK(st, argo_ring_segments(st->len, &msg, 0, 10, seg) == 0);
	ST_CHECK(st, !argo_ring_len_valid(8) && !argo_ring_len_valid(4040));
	ST_CHECK(st, argo_ring_npages(4032, 4096) == 1 &&
		 argo_ring_npages(4033, 4096) == 2);
}

int argo_selftest(void)
{
	struct argo_st st = { .len = 256 };
	u8 *out, *in;

	st.ring = kzalloc(sizeof(*st.ring) + st.len, GFP_KERNEL);
	out = kmalloc(st.len, GFP_KERNEL);
	in = kmalloc(st.len, GFP_KERNEL);
	if (!st.ring || !out || !in) {
		kfree(st.ring);
		kfree(out);
		kfree(in);
		return -ENOMEM;
	}

	argo_st_wrap(&st, out, in);
	argo_st_garbage(&st);

	kfree(st.ring);
	kfree(out);
	kfree(in);
	if (st.failed) {
		pr_err("selftest: %d of %d checks failed\n", st.failed,
		       st.checks);
		return -EINVAL;
	}
	pr_info("selftest: ring: %d checks passed\n", st.checks);
	return 0;
}
