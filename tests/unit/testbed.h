/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testbed.h - helpers shared by the unit tests: guest ring memory for the
 * Xen model and a deliberately naive byte-at-a-time reference reader (the
 * oracle the model's placement is checked against; it is not the module's
 * ring code).
 */
#ifndef ARGO_TESTBED_H
#define ARGO_TESTBED_H

#include "xenmodel.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct tb_ring {
	uint8_t *mem;		/* npages * 4096, page aligned */
	void **pages;
	unsigned int npages;
	uint32_t len;
};

static inline int tb_ring_alloc(struct tb_ring *r, uint32_t len)
{
	unsigned int i;

	r->len = len;
	r->npages = XM_NPAGES((uint64_t)len);
	r->mem = aligned_alloc(XM_PAGE_SIZE, (size_t)r->npages * XM_PAGE_SIZE);
	r->pages = calloc(r->npages, sizeof(void *));
	if (!r->mem || !r->pages)
		return -ENOMEM;
	memset(r->mem, 0, (size_t)r->npages * XM_PAGE_SIZE);
	for (i = 0; i < r->npages; i++)
		r->pages[i] = r->mem + (size_t)i * XM_PAGE_SIZE;
	return 0;
}

static inline void tb_ring_free(struct tb_ring *r)
{
	free(r->mem);
	free(r->pages);
	r->mem = NULL;
	r->pages = NULL;
}

static inline struct xm_ring_hdr *tb_hdr(struct tb_ring *r)
{
	return (struct xm_ring_hdr *)r->mem;
}

static inline long tb_register(struct xm *xm, uint16_t dom, struct tb_ring *r,
			       uint32_t port, uint16_t partner)
{
	struct xm_register_ring reg = {
		.aport = port, .partner_id = partner, .len = r->len,
	};

	return xm_register_ring(xm, dom, &reg, r->pages, r->npages, 0);
}

static inline long tb_send(struct xm *xm, uint16_t from, uint32_t from_port,
			   uint16_t to, uint32_t to_port, const void *buf,
			   uint32_t len, uint32_t type)
{
	struct xm_send_addr a = {
		.src = { .aport = from_port, .domain_id = from },
		.dst = { .aport = to_port, .domain_id = to },
	};
	struct xm_iov iov = { .base = buf, .len = len };

	return xm_sendv(xm, from, &a, &iov, 1, type);
}

/* Message byte i of the ring's data area, wrapping. */
static inline uint8_t tb_byte(struct tb_ring *r, uint32_t off)
{
	return r->mem[XM_RING_HDR + off % r->len];
}

/*
 * Reference reader: copy the next message out byte by byte, advance rx_ptr.
 * Returns the payload length, -ENOENT when empty, -EIO if the header is
 * nonsense (the model wrote something wrong).
 */
static inline long tb_recv(struct tb_ring *r, struct xm_msg_hdr *mh,
			   void *buf, size_t cap)
{
	struct xm_ring_hdr *h = tb_hdr(r);
	uint32_t rx = h->rx_ptr, i, plen;
	uint8_t hb[16];

	if (rx == h->tx_ptr)
		return -ENOENT;
	for (i = 0; i < 16; i++)
		hb[i] = tb_byte(r, rx + i);
	memcpy(mh, hb, sizeof(*mh));
	if (mh->len < 16 || mh->len - 16 > r->len)
		return -EIO;
	plen = mh->len - 16;
	for (i = 0; i < plen && i < cap; i++)
		((uint8_t *)buf)[i] = tb_byte(r, rx + 16 + i);
	rx = (rx + XM_ROUNDUP(mh->len)) % r->len;
	h->rx_ptr = rx;
	return plen;
}

/* notify's argument with room for a few entries, without a flexible member. */
struct tb_rd {
	struct xm_ring_data *rd;
	struct xm_ring_data_ent *e;
	_Alignas(8) uint8_t raw[sizeof(struct xm_ring_data) +
				8 * sizeof(struct xm_ring_data_ent)];
};

#define TB_RD_INIT(q) do { memset(&(q), 0, sizeof(q)); \
	(q).rd = (struct xm_ring_data *)(q).raw; (q).e = (q).rd->data; } while (0)

/* Small deterministic PRNG (xorshift64*) for reproducible tests. */
static inline uint64_t tb_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

#endif /* ARGO_TESTBED_H */
