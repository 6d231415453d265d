// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_ring.c - libFuzzer target for the receive path of src/module/ring.c.
 *
 * Input byte 0 chooses the mode:
 *  even: "garbage": bytes 1..8 are rx_ptr and tx_ptr, byte 9 picks the ring
 *        size, the rest is the ring's content.  The documented consumer loop
 *        (has_data, peek, copy_out, consume, reset on -EBADMSG) must end
 *        within a bound and never touch memory outside ring[0..len) (the
 *        ring is malloc'ed to its exact size for ASan).
 *  odd:  "model": the rest is a script of sends by Xen (the model), reads
 *        by ring.c and corruptions of the shared header; every message read
 *        while no corruption happened must be exactly what was sent.
 * Any violation calls abort() so that libFuzzer records the input.
 */
#include "argo_types.h"
#include "ring.h"
#include "xenmodel.h"

#include <stdlib.h>

static const uint32_t sizes[] = { 32, 48, 64, 80, 128, 256, 1024, 4032 };

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_ring: %s:%d: %s\n", \
	__FILE__, __LINE__, #c); abort(); } } while (0)

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void drain_garbage(struct xen_argo_ring *r, uint32_t len)
{
	int it;

	for (it = 0; it < 4 * 1024; it++) {
		struct argo_ring_msg m;
		uint8_t *buf;
		int rc;

		if (!argo_ring_has_data(r, len))
			return;
		rc = argo_ring_peek(r, len, &m);
		if (rc == -ENODATA)
			return;
		if (rc == -EBADMSG) {
			argo_ring_reset(r, len, "fuzz");
			continue;
		}
		CHECK(rc == 0);
		CHECK(m.len <= len && m.offset < len && m.next_rx < len);
		buf = malloc(m.len + 1);
		CHECK(argo_ring_copy_out(r, len, &m, 0, buf, m.len) == m.len);
		if (m.len > 2)
			CHECK(argo_ring_copy_out(r, len, &m, m.len / 2, buf,
						 m.len) == m.len - m.len / 2);
		free(buf);
		argo_ring_consume(r, &m);
	}
	CHECK(!"consumer loop did not terminate");
}

static void mode_garbage(const uint8_t *d, size_t n)
{
	uint32_t len, rx, tx;
	struct xen_argo_ring *r;
	size_t copy;

	if (n < 10)
		return;
	rx = get32(d + 1);
	tx = get32(d + 5);
	len = sizes[d[9] % (sizeof(sizes) / sizeof(sizes[0]))];
	r = calloc(1, 64 + len);
	copy = n - 10 < len ? n - 10 : len;
	memcpy(r->ring, d + 10, copy);
	r->rx_ptr = rx;
	r->tx_ptr = tx;
	drain_garbage(r, len);
	free(r);
}

struct mstate {
	struct xm *xm;
	void **pages;
	uint8_t *mem;
	uint32_t len;
	uint32_t next_send, next_recv;	/* message sequence numbers */
	bool corrupted;
};

static void fill(uint8_t *p, uint32_t n, uint32_t seq)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seq * 13 + i);
}

static void model_read(struct mstate *s, struct xen_argo_ring *r)
{
	struct argo_ring_msg m;
	static uint8_t exp[4096], got[4096];
	int rc = argo_ring_peek(r, s->len, &m);

	if (rc == -EBADMSG) {
		argo_ring_reset(r, s->len, "fuzz");
		return;
	}
	if (rc == -ENODATA) {
		if (!s->corrupted)
			CHECK(s->next_recv == s->next_send);
		return;
	}
	CHECK(rc == 0 && m.len <= s->len);
	CHECK(argo_ring_copy_out(r, s->len, &m, 0, got, m.len) == m.len);
	if (!s->corrupted) {
		CHECK(m.type == s->next_recv);
		fill(exp, m.len, s->next_recv);
		CHECK(!memcmp(exp, got, m.len));
		CHECK(m.source.domain_id == 1 && m.source.aport == 9);
	}
	s->next_recv++;
	argo_ring_consume(r, &m);
}

static void mode_model(const uint8_t *d, size_t n)
{
	const struct xm_config cfg = { .argo = true };
	struct mstate s = { 0 };
	struct xm_register_ring reg = { .aport = 1, .partner_id = 1 };
	struct xen_argo_ring *r;
	static uint8_t buf[4096];
	unsigned int i, np;
	size_t pos;

	if (n < 2)
		return;
	s.len = sizes[1 + d[1] % (sizeof(sizes) / sizeof(sizes[0]) - 1)];
	np = XM_NPAGES(s.len);
	s.mem = aligned_alloc(4096, np * 4096);
	memset(s.mem, 0, np * 4096);
	s.pages = malloc(np * sizeof(void *));
	for (i = 0; i < np; i++)
		s.pages[i] = s.mem + i * 4096;
	r = (struct xen_argo_ring *)s.mem;
	s.xm = xm_new(&cfg);
	xm_domain_create(s.xm, 0, 0, NULL, NULL);
	xm_domain_create(s.xm, 1, 0, NULL, NULL);
	reg.len = s.len;
	CHECK(xm_register_ring(s.xm, 0, &reg, s.pages, np, 0) == 0);

	for (pos = 2; pos + 2 <= n; pos += 2) {
		uint8_t op = d[pos], arg = d[pos + 1];

		switch (op % 8) {
		case 0: case 1: case 2: {	/* Xen delivers a message */
			uint32_t len = ((uint32_t)arg * (op / 8 + 1)) %
				       (argo_ring_max_payload(s.len) + 1);
			struct xm_send_addr a = { .src = { 9, 1, 0 },
						  .dst = { 1, 0, 0 } };
			struct xm_iov iov[2] = { { buf, len / 2, 0 },
						 { buf + len / 2, len - len / 2, 0 } };
			long rc;

			fill(buf, len, s.next_send);
			rc = xm_sendv(s.xm, 1, &a, iov, 2, s.next_send);
			CHECK(rc == (long)len || rc == -EAGAIN);
			if (rc >= 0)
				s.next_send++;
			break;
		}
		case 3: case 4: case 5:		/* the guest reads */
			model_read(&s, r);
			break;
		case 6:				/* corrupt rx_ptr */
			r->rx_ptr = (r->rx_ptr + arg * 4) % (s.len + 64);
			s.corrupted = true;
			break;
		case 7:				/* corrupt a ring byte */
			r->ring[(arg * 17 + op) % s.len] ^= (uint8_t)(op | 1);
			s.corrupted = true;
			break;
		}
	}
	drain_garbage(r, s.len);
	xm_free(s.xm);
	free(s.pages);
	free(s.mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (!n)
		return 0;
	if (d[0] & 1)
		mode_model(d, n);
	else
		mode_garbage(d, n);
	CHECK(!kshim_warnings);
	return 0;
}
