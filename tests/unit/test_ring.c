// SPDX-License-Identifier: GPL-2.0
/*
 * test_ring.c - src/module/ring.c (compiled unchanged) against the Xen
 * model: Xen writes with the model's placement rules, ring.c reads.
 *
 * Ring memory for the corruption tests is a malloc of exactly 64 + len
 * bytes so that ASan reports any read outside ring[0..len).
 */
#include "harness.h"
#include "testbed.h"
#include "ring.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>

static const struct xm_config permissive = { .argo = true,
					     .mac_permissive = true };

/* Receiver dom 0 (ring port 1, partner 1), sender dom 1 (port 7). */
struct rig {
	struct xm *xm;
	struct tb_ring r;
	struct xen_argo_ring *ring;
};

static int rig_init(struct rig *g, uint32_t len, uint32_t start)
{
	g->xm = xm_new(&permissive);
	xm_domain_create(g->xm, 0, 0, NULL, NULL);
	xm_domain_create(g->xm, 1, 0, NULL, NULL);
	if (tb_ring_alloc(&g->r, len))
		return -ENOMEM;
	g->ring = (struct xen_argo_ring *)g->r.mem;
	g->ring->rx_ptr = start;
	g->ring->tx_ptr = start;
	return (int)tb_register(g->xm, 0, &g->r, 1, 1);
}

static void rig_fini(struct rig *g)
{
	xm_free(g->xm);
	tb_ring_free(&g->r);
}

static long rig_send(struct rig *g, const void *buf, uint32_t n, uint32_t type)
{
	return tb_send(g->xm, 1, 7, 0, 1, buf, n, type);
}

static void fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 131 + (i >> 8));
}

/* ring.c's size helpers agree with what Xen (the model) accepts. */
static void t_len_rules_match_xen(void)
{
	struct xm *xm = xm_new(&permissive);
	struct tb_ring r;
	uint32_t len;
	static const uint32_t big[] = { 65472, 1048512, 1048576,
		XM_MAX_RING_SIZE - 80, XM_MAX_RING_SIZE - 64,
		XM_MAX_RING_SIZE - 48, XM_MAX_RING_SIZE };
	unsigned int i;

	xm_domain_create(xm, 0, 0, NULL, NULL);
	T_REQUIRE_EQ(tb_ring_alloc(&r, XM_MAX_RING_SIZE - 64), 0);
	for (len = 0; len <= 8300; len++) {
		struct xm_register_ring reg = { .aport = len, .partner_id = 0,
						.len = len };
		long rc = xm_register_ring(xm, 0, &reg, r.pages,
					   XM_NPAGES((uint64_t)len), 0);

		T_EQ(argo_ring_len_valid(len), rc == 0);
		if (argo_ring_len_valid(len) != (rc == 0))
			t_diag("len %u: ring.c says %s, Xen's register_ring %ld",
			       len, argo_ring_len_valid(len) ? "valid" :
			       "invalid", rc);
		if (rc == 0) {
			struct xm_unregister_ring u = { .aport = len };

			T_EQ(argo_ring_npages(len, 4096), XM_NPAGES(len));
			xm_unregister_ring(xm, 0, &u);
		}
		if (t_case_failures() > 3)
			break;
	}
	for (i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		struct xm_register_ring reg = { .aport = 1, .len = big[i] };
		unsigned long np = XM_NPAGES((uint64_t)big[i]);
		long rc = xm_register_ring(xm, 0, &reg, r.pages,
					   np > r.npages ? r.npages : np, 0);

		T_EQ(argo_ring_len_valid(big[i]), rc == 0);
		if (rc == 0) {
			struct xm_unregister_ring u = { .aport = 1 };

			xm_unregister_ring(xm, 0, &u);
		}
	}
	xm_free(xm);
	tb_ring_free(&r);
}

/* max_payload and msg_space match the model's placement. */
static void t_max_payload_matches_xen(void)
{
	static const uint32_t lens[] = { 48, 64, 80, 256, 4032, 8128, 65472 };
	static uint8_t buf[65536];
	unsigned int i;

	/* Rings too small for any message. */
	for (i = 0; i < 48; i += 16)
		T_EQ(argo_ring_max_payload(i), i < 32 ? 0 : i - 32);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct rig g;
		uint32_t max = argo_ring_max_payload(lens[i]);
		struct argo_ring_msg m;

		T_REQUIRE_EQ(rig_init(&g, lens[i], 0), 0);
		T_EQ(rig_send(&g, buf, max + 1, 0), -EMSGSIZE);
		T_EQ(rig_send(&g, buf, max, 0), max);
		T_EQ(argo_ring_used(g.ring, lens[i]), argo_ring_msg_space(max));
		T_EQ(argo_ring_peek(g.ring, lens[i], &m), 0);
		T_EQ(m.len, max);
		/* Exactly one slot left: nothing else fits, not even 0 bytes. */
		T_EQ(rig_send(&g, buf, 0, 0), -EAGAIN);
		argo_ring_consume(g.ring, &m);
		T_EQ(argo_ring_peek(g.ring, lens[i], &m), -ENODATA);
		T_EQ(argo_ring_used(g.ring, lens[i]), 0);
		T_OK(!argo_ring_has_data(g.ring, lens[i]));
		rig_fini(&g);
	}
}

/*
 * Wrap-around at every offset class: every start slot of a 256-byte ring
 * (so the header may sit in the last slot, and the payload may start at 0)
 * and every payload length: the payload splits at every byte offset.
 */
static void t_wrap_every_offset(void)
{
	const uint32_t L = 256;
	uint8_t in[256], out[256];
	uint32_t start, plen, max = argo_ring_max_payload(L);

	for (start = 0; start < L; start += 16) {
		for (plen = 0; plen <= max; plen++) {
			struct rig g;
			struct argo_ring_msg m;
			struct argo_ring_seg seg[2];
			uint32_t pay_start = (start + 16) % L;
			bool wraps = pay_start + plen > L;
			unsigned int nseg;

			T_REQUIRE_EQ(rig_init(&g, L, start), 0);
			fill_pattern(in, plen, start * 7 + plen);
			T_REQUIRE_EQ(rig_send(&g, in, plen, 0xabc), plen);
			T_REQUIRE_EQ(argo_ring_peek(g.ring, L, &m), 0);
			T_EQ(m.len, plen);
			T_EQ(m.type, 0xabc);
			T_EQ(m.source.domain_id, 1);
			T_EQ(m.source.aport, 7);
			T_EQ(m.offset, pay_start);
			T_EQ(m.next_rx, (start + 16 + XM_ROUNDUP(plen)) % L);
			nseg = argo_ring_segments(L, &m, 0, plen, seg);
			T_EQ(nseg, plen == 0 ? 0 : wraps ? 2 : 1);
			if (wraps)
				T_EQ(seg[0].len, L - pay_start);
			memset(out, 0x5a, sizeof(out));
			T_EQ(argo_ring_copy_out(g.ring, L, &m, 0, out, plen),
			     plen);
			T_OK(!memcmp(in, out, plen));
			T_EQ(out[plen < sizeof(out) ? plen : 0],
			     plen < sizeof(out) ? 0x5a : out[0]);
			argo_ring_consume(g.ring, &m);
			T_EQ(g.ring->rx_ptr, g.ring->tx_ptr);
			T_EQ(argo_ring_peek(g.ring, L, &m), -ENODATA);
			rig_fini(&g);
			if (t_case_failures())
				return;
		}
	}
}

/* Partial copies: every (skip, n) of a wrapped payload. */
static void t_partial_copy(void)
{
	const uint32_t L = 128;
	struct rig g;
	uint8_t in[96], out[128];
	struct argo_ring_msg m;
	uint32_t skip, n;

	T_REQUIRE_EQ(rig_init(&g, L, 64), 0);
	fill_pattern(in, sizeof(in), 3);
	T_REQUIRE_EQ(rig_send(&g, in, sizeof(in), 1), sizeof(in));
	T_REQUIRE_EQ(argo_ring_peek(g.ring, L, &m), 0);
	for (skip = 0; skip <= sizeof(in) + 2; skip++) {
		for (n = 0; n <= sizeof(in) + 2; n++) {
			uint32_t want = skip >= sizeof(in) ? 0 :
					min_t(uint32_t, n, sizeof(in) - skip);

			memset(out, 0, sizeof(out));
			T_EQ(argo_ring_copy_out(g.ring, L, &m, skip, out, n),
			     want);
			T_OK(!memcmp(out, in + (skip < sizeof(in) ? skip : 0),
				     want));
		}
	}
	/* A forged msg (offset/len outside the ring) copies nothing. */
	m.offset = L;
	T_EQ(argo_ring_copy_out(g.ring, L, &m, 0, out, 10), 0);
	m.offset = 0;
	m.len = L + 1;
	T_EQ(argo_ring_copy_out(g.ring, L, &m, 0, out, 10), 0);
	T_EQ(argo_ring_segments(17, &m, 0, 10, (struct argo_ring_seg[2]){}),
	     0);
	rig_fini(&g);
}

/* Random traffic: many messages queued at once, all wrap positions. */
static void t_random_traffic(void)
{
	static const uint32_t lens[] = { 48, 80, 1024, 4032 };
	static uint8_t in[4096], out[4096];
	unsigned int li;

	for (li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
		const uint32_t L = lens[li];
		uint32_t max = argo_ring_max_payload(L);
		uint64_t seed = 0x1234 + L, sent = 0, got = 0;
		struct rig g;
		unsigned int i;

		T_REQUIRE_EQ(rig_init(&g, L, 0), 0);
		for (i = 0; i < 100000 && !t_case_failures(); i++) {
			struct argo_ring_msg m;
			uint32_t n = tb_rand(&seed) % (max + 1);
			long rc;

			if (tb_rand(&seed) & 1) {
				fill_pattern(in, n, (uint32_t)sent);
				rc = rig_send(&g, in, n, (uint32_t)sent);
				if (rc == -EAGAIN)
					continue;
				T_EQ(rc, n);
				sent++;
				continue;
			}
			rc = argo_ring_peek(g.ring, L, &m);
			if (rc == -ENODATA) {
				T_EQ(got, sent);
				continue;
			}
			T_REQUIRE_EQ(rc, 0);
			T_EQ(m.type, (uint32_t)got);
			fill_pattern(in, m.len, (uint32_t)got);
			/* Read in two pieces to cover skip on wrapped data. */
			n = m.len / 3;
			T_EQ(argo_ring_copy_out(g.ring, L, &m, 0, out, n), n);
			T_EQ(argo_ring_copy_out(g.ring, L, &m, n, out + n,
						m.len), m.len - n);
			T_OK(!memcmp(in, out, m.len));
			argo_ring_consume(g.ring, &m);
			got++;
		}
		T_OK(got > 1000);
		rig_fini(&g);
	}
}

/* Full ring, the sender's space request, VIRQ once the reader frees it. */
static void t_full_ring_notification(void)
{
	struct rig g;
	const uint32_t L = 1024;
	static uint8_t buf[1024];
	struct argo_ring_msg m;
	struct tb_rd q;
	unsigned int n = 0;

	T_REQUIRE_EQ(rig_init(&g, L, 0), 0);
	while (rig_send(&g, buf, 100, 0) == 100)
		n++;
	T_EQ(n, (L - 16) / argo_ring_msg_space(100));
	T_EQ(rig_send(&g, buf, 100, 0), -EAGAIN);
	T_EQ(xm_ring_npending(g.xm, 0, 1, 1), 1);
	TB_RD_INIT(q);
	q.rd->nent = 1;
	q.e[0].ring.aport = 1;
	q.e[0].space_required = 100;
	T_EQ(xm_notify(g.xm, 1, q.rd), 0);
	T_EQ(q.e[0].flags & (XM_RING_SUFFICIENT | XM_RING_EXISTS),
	     XM_RING_EXISTS);
	xm_virq_clear(g.xm, 1);
	T_EQ(argo_ring_used(g.ring, L), n * argo_ring_msg_space(100));
	/* The reader consumes one message and notifies: sender signalled. */
	T_EQ(argo_ring_peek(g.ring, L, &m), 0);
	argo_ring_consume(g.ring, &m);
	T_OK(!xm_virq_pending(g.xm, 1));
	T_EQ(xm_notify(g.xm, 0, NULL), 0);
	T_OK(xm_virq_pending(g.xm, 1));
	T_EQ(xm_ring_npending(g.xm, 0, 1, 1), 0);
	T_EQ(rig_send(&g, buf, 100, 0), 100);
	rig_fini(&g);
}

/* Largest ring Xen allows, largest message, wrapped. */
static void t_max_ring_max_message(void)
{
	const uint32_t L = XM_MAX_RING_SIZE - 64;
	uint32_t max = argo_ring_max_payload(L);
	uint8_t *in = malloc(max), *out = malloc(max);
	struct argo_ring_msg m;
	struct rig g;

	T_REQUIRE(in && out);
	fill_pattern(in, max, 99);
	T_REQUIRE_EQ(rig_init(&g, L, L / 2), 0);
	T_EQ(rig_send(&g, in, max, 5), max);
	T_REQUIRE_EQ(argo_ring_peek(g.ring, L, &m), 0);
	T_EQ(m.len, max);
	T_EQ(argo_ring_copy_out(g.ring, L, &m, 0, out, max), max);
	T_OK(!memcmp(in, out, max));
	argo_ring_consume(g.ring, &m);
	T_EQ(rig_send(&g, in, 0, 5), 0);
	T_REQUIRE_EQ(argo_ring_peek(g.ring, L, &m), 0);
	T_EQ(m.len, 0);
	T_EQ(argo_ring_copy_out(g.ring, L, &m, 0, out, 10), 0);
	rig_fini(&g);
	free(in);
	free(out);
}

/*
 * Resume: the module registers its rings again (same pages).  Xen keeps
 * tx_ptr from the ring header when it is valid, so queued messages survive
 * and later ones follow them; a ring whose header was cleared starts over.
 */
static void t_reregister_resume(void)
{
	const uint32_t L = 1024;
	struct rig g;
	uint8_t in[100], out[100];
	struct argo_ring_msg m;
	unsigned int i;

	T_REQUIRE_EQ(rig_init(&g, L, 0), 0);
	for (i = 0; i < 3; i++) {
		fill_pattern(in, sizeof(in), i);
		T_EQ(rig_send(&g, in, sizeof(in), i), sizeof(in));
	}
	T_EQ(argo_ring_peek(g.ring, L, &m), 0);
	argo_ring_consume(g.ring, &m);
	T_EQ(tb_register(g.xm, 0, &g.r, 1, 1), 0);	/* resume */
	for (i = 3; i < 5; i++) {
		fill_pattern(in, sizeof(in), i);
		T_EQ(rig_send(&g, in, sizeof(in), i), sizeof(in));
	}
	for (i = 1; i < 5; i++) {
		T_REQUIRE_EQ(argo_ring_peek(g.ring, L, &m), 0);
		T_EQ(m.type, i);
		fill_pattern(in, sizeof(in), i);
		T_EQ(argo_ring_copy_out(g.ring, L, &m, 0, out, sizeof(out)),
		     sizeof(out));
		T_OK(!memcmp(in, out, sizeof(out)));
		argo_ring_consume(g.ring, &m);
	}
	T_EQ(argo_ring_peek(g.ring, L, &m), -ENODATA);
	/* A cleared header (fresh memory) after a resume: starts at 0. */
	T_EQ(rig_send(&g, in, 10, 9), 10);
	memset(g.r.mem, 0, 64);
	T_EQ(tb_register(g.xm, 0, &g.r, 1, 1), 0);
	T_EQ(xm_ring_tx_ptr(g.xm, 0, 1, 1), 0);
	T_EQ(argo_ring_peek(g.ring, L, &m), -ENODATA);
	T_EQ(rig_send(&g, in, 10, 9), 10);
	T_EQ(argo_ring_peek(g.ring, L, &m), 0);
	T_EQ(m.offset, 16);
	rig_fini(&g);
}

/*
 * Xen and the guest at the same time: a thread sends through the model
 * (data, then tx_ptr with a release store) while this one reads with
 * ring.c (tx_ptr, read barrier, data; full barrier, rx_ptr).  Every message
 * must arrive whole and in order.
 */
#define SPSC_MSGS 300000
struct spsc {
	struct rig g;
	volatile bool stop;
};

static void *spsc_producer(void *arg)
{
	struct spsc *p = arg;
	uint8_t in[300];
	uint32_t seq = 0;

	while (seq < SPSC_MSGS && !p->stop) {
		uint32_t n = (seq * 7919) % sizeof(in);
		long rc;

		fill_pattern(in, n, seq);
		rc = rig_send(&p->g, in, n, seq);
		if (rc == -EAGAIN) {
			sched_yield();
			continue;
		}
		if (rc != (long)n) {
			p->stop = true;
			break;
		}
		seq++;
	}
	return NULL;
}

static void t_threaded_spsc(void)
{
	static struct spsc p;
	const uint32_t L = 4032;
	pthread_t th;
	uint8_t exp[300], out[300];
	uint32_t seq = 0, spins = 0;

	memset(&p, 0, sizeof(p));
	T_REQUIRE_EQ(rig_init(&p.g, L, 0), 0);
	T_REQUIRE_EQ(pthread_create(&th, NULL, spsc_producer, &p), 0);
	while (seq < SPSC_MSGS && !p.stop && !t_case_failures()) {
		struct argo_ring_msg m;
		int rc = argo_ring_peek(p.g.ring, L, &m);

		if (rc == -ENODATA) {
			if (++spins % 64 == 0)
				sched_yield();
			continue;
		}
		T_EQ(rc, 0);
		T_EQ(m.type, seq);
		T_EQ(m.len, (seq * 7919) % sizeof(exp));
		fill_pattern(exp, m.len, seq);
		T_EQ(argo_ring_copy_out(p.g.ring, L, &m, 0, out, m.len), m.len);
		T_OK(!memcmp(exp, out, m.len));
		argo_ring_consume(p.g.ring, &m);
		seq++;
	}
	p.stop = true;
	pthread_join(th, NULL);
	T_EQ(seq, SPSC_MSGS);
	rig_fini(&p.g);
}

/* ---- garbage ---------------------------------------------------------- */

/* A ring of exactly 64 + len bytes (ASan catches any overrun). */
static struct xen_argo_ring *tight_ring(uint32_t len)
{
	struct xen_argo_ring *r = malloc(64 + len);

	memset(r, 0, 64 + len);
	return r;
}

static void put_hdr(struct xen_argo_ring *r, uint32_t off, uint32_t mlen)
{
	struct xen_argo_ring_message_header h = { .len = mlen };

	memcpy(&r->ring[off], &h, sizeof(h));
}

/*
 * The documented consumer loop (ring.h): peek, consume or reset on
 * -EBADMSG, until has_data() says no.  Returns the iterations it took, or
 * -1 when it did not finish in @limit (a livelock in the kernel).
 */
static int drain(struct xen_argo_ring *r, uint32_t len, int limit)
{
	int it;

	for (it = 0; it < limit; it++) {
		struct argo_ring_msg m;
		uint8_t tmp[64];
		int rc;

		if (!argo_ring_has_data(r, len))
			return it;
		rc = argo_ring_peek(r, len, &m);
		if (rc == -ENODATA)
			return it;
		if (rc == -EBADMSG) {
			argo_ring_reset(r, len, "test");
			continue;
		}
		if (rc)
			return -2;
		/* A message peek accepts lies entirely inside the ring. */
		if (m.len > len || m.offset >= len || m.next_rx >= len)
			return -3;
		argo_ring_copy_out(r, len, &m, 0, tmp,
				   m.len < sizeof(tmp) ? m.len : sizeof(tmp));
		argo_ring_copy_out(r, len, &m, m.len ? m.len - 1 : 0, tmp, 1);
		argo_ring_consume(r, &m);
	}
	return -1;
}

static void t_bad_pointers(void)
{
	const uint32_t L = 256;
	struct xen_argo_ring *r = tight_ring(L);
	struct argo_ring_msg m;
	static const uint32_t bad[] = { 1, 8, 15, 255, 256, 257, 272, 4096,
					0x7ffffff0, 0xfffffff0, 0xffffffff };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* rx garbage, tx fine */
		r->rx_ptr = bad[i];
		r->tx_ptr = 32;
		T_EQ(argo_ring_peek(r, L, &m), -EBADMSG);
		T_EQ(argo_ring_used(r, L), 0);
		T_OK(argo_ring_has_data(r, L));
		argo_ring_reset(r, L, "test");
		T_EQ(r->rx_ptr, 32);
		T_EQ(argo_ring_peek(r, L, &m), -ENODATA);
		/* tx garbage */
		r->rx_ptr = 0;
		r->tx_ptr = bad[i];
		T_EQ(argo_ring_peek(r, L, &m), -EBADMSG);
		T_EQ(argo_ring_reset(r, L, "test"), L);
		T_EQ(r->rx_ptr, 0);
	}
	/* Invalid len arguments. */
	r->rx_ptr = 0;
	r->tx_ptr = 32;
	put_hdr(r, 0, 20);
	T_EQ(argo_ring_peek(r, 0, &m), -EBADMSG);
	T_EQ(argo_ring_peek(r, 17, &m), -EBADMSG);
	T_EQ(argo_ring_peek(r, 0xfffffff0, &m), -EBADMSG);
	T_EQ(argo_ring_peek(r, L, &m), 0);
	free(r);
}

static void t_bad_headers(void)
{
	const uint32_t L = 256;
	struct xen_argo_ring *r = tight_ring(L);
	struct argo_ring_msg m;
	static const uint32_t bad_len[] = { 0, 1, 15, 49, 64, 65, 240, 256,
		0xfffffff0, 0xfffffff1, 0xffffffff, 0x80000000 };
	unsigned int i;

	for (i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
		/* 48 bytes produced, header claims otherwise */
		r->rx_ptr = 224;
		r->tx_ptr = 16;
		put_hdr(r, 224, bad_len[i]);
		T_EQ(argo_ring_peek(r, L, &m), -EBADMSG);
		T_EQ(argo_ring_reset(r, L, "test"), 48);
		T_EQ(r->rx_ptr, 16);
	}
	/* Exactly what was produced is fine, wrapped. */
	r->rx_ptr = 224;
	r->tx_ptr = 16;
	put_hdr(r, 224, 48);
	T_EQ(argo_ring_peek(r, L, &m), 0);
	T_EQ(m.offset, 240);
	T_EQ(m.next_rx, 16);
	free(r);
}

/* Regression and contract: the consumer loop ends for any ring state. */
static void t_drain_terminates_exhaustive(void)
{
	const uint32_t L = 64;
	struct xen_argo_ring *r = tight_ring(L);
	uint32_t rx, tx, h;
	static const uint32_t hl[] = { 0, 16, 17, 32, 48, 63, 64, 65,
				       0xffffffff };

	for (rx = 0; rx < L + 32; rx += 4) {
		for (tx = 0; tx < L + 32; tx += 4) {
			for (h = 0; h < sizeof(hl) / sizeof(hl[0]); h++) {
				uint32_t o;
				int it;

				for (o = 0; o < L; o += 16)
					put_hdr(r, o, hl[(h + o / 16) %
						      (sizeof(hl) / sizeof(hl[0]))]);
				r->rx_ptr = rx;
				r->tx_ptr = tx;
				it = drain(r, L, 100);
				T_OK(it >= 0);
				if (it < 0) {
					t_diag("rx %u tx %u hdr %u: drain %d",
					       rx, tx, hl[h], it);
					free(r);
					return;
				}
			}
		}
	}
	free(r);
}

/* Random ring contents and pointers (a cheap in-tree fuzz pass). */
static void t_random_garbage(void)
{
	const uint32_t L = 128;
	struct xen_argo_ring *r = tight_ring(L);
	uint64_t seed = 7;
	unsigned int i, j;

	for (i = 0; i < 200000; i++) {
		uint64_t v = tb_rand(&seed);

		for (j = 0; j < L; j += 8) {
			uint64_t w = tb_rand(&seed);

			/* Mostly small lengths so that some headers pass. */
			if (!(w & 3))
				w &= 0x7f;
			memcpy(&r->ring[j], &w, 8);
		}
		r->rx_ptr = (v & 1) ? (uint32_t)(v >> 8) % (L + 16) :
					 (uint32_t)(v >> 8) % L & ~15u;
		r->tx_ptr = (v & 2) ? (uint32_t)(v >> 20) % (L + 16) :
					 (uint32_t)(v >> 20) % L & ~15u;
		if (drain(r, L, 100) < 0) {
			T_OK(!"drain did not terminate");
			t_diag("rx %u tx %u", r->rx_ptr, r->tx_ptr);
			break;
		}
	}
	free(r);
}

static void t_no_warnings(void)
{
	T_EQ(kshim_warnings, 0);
}

int main(void)
{
	t_case("ring: len/npages rules match Xen's register_ring",
	       t_len_rules_match_xen);
	t_case("ring: max payload, msg space, full at one slot",
	       t_max_payload_matches_xen);
	t_case("ring: wrap at every slot x every payload length",
	       t_wrap_every_offset);
	t_case("ring: partial copy_out at every skip/n", t_partial_copy);
	t_case("ring: random traffic through the Xen model",
	       t_random_traffic);
	t_case("ring: full ring, space notification, VIRQ",
	       t_full_ring_notification);
	t_case("ring: 16 MiB ring, largest and empty messages",
	       t_max_ring_max_message);
	t_case("ring: re-register (resume) keeps or restarts the ring",
	       t_reregister_resume);
	t_case("ring: Xen thread sending while ring.c reads (SPSC)",
	       t_threaded_spsc);
	t_case("ring: garbage rx/tx pointers", t_bad_pointers);
	t_case("ring: garbage message header lengths", t_bad_headers);
	t_case("ring: consumer loop ends for every small ring state",
	       t_drain_terminates_exhaustive);
	t_case("ring: random garbage, consumer loop ends", t_random_garbage);
	t_case("ring: no WARN_ON fired", t_no_warnings);
	return t_done();
}
