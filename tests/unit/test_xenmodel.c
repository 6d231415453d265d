// SPDX-License-Identifier: GPL-2.0
/*
 * test_xenmodel.c - unit tests of the Xen Argo model itself: the rules the
 * module's tests rely on (registration checks, placement of messages,
 * space accounting, notifications, VIRQs).
 */
#include "harness.h"
#include "testbed.h"

#include <stdio.h>

static const struct xm_config permissive = { .argo = true,
					     .mac_permissive = true };
static const struct xm_config strict = { .argo = true };

static struct xm *new_world(const struct xm_config *c, unsigned int ndoms)
{
	struct xm *xm = xm_new(c);
	unsigned int i;

	for (i = 0; i < ndoms; i++)
		xm_domain_create(xm, i, 0, NULL, NULL);
	return xm;
}

static void t_register_validation(void)
{
	struct xm *xm = new_world(&permissive, 2);
	struct tb_ring r;
	struct xm_register_ring reg = { .aport = 1, .partner_id = 1 };
	static const uint32_t bad_len[] = { 0, 16, 32, 47, 49, 4040,
		XM_MAX_RING_SIZE, XM_MAX_RING_SIZE - 48, XM_MAX_RING_SIZE + 16 };
	unsigned int i;

	T_REQUIRE_EQ(tb_ring_alloc(&r, XM_MAX_RING_SIZE - 64), 0);
	for (i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
		reg.len = bad_len[i];
		/* Give as many pages as the length asks for (capped). */
		T_EQ(xm_register_ring(xm, 0, &reg, r.pages,
				      XM_NPAGES((uint64_t)bad_len[i]) > r.npages ?
				      r.npages : XM_NPAGES((uint64_t)bad_len[i]),
				      0), -EINVAL);
	}
	/* 16 MiB needs 4097 pages: refused like Xen's npages limit. */
	reg.len = XM_MAX_RING_SIZE;
	T_EQ(xm_register_ring(xm, 0, &reg, r.pages, 4097, 0), -EINVAL);
	/* Smallest and largest valid lengths. */
	reg.len = 48;
	T_EQ(xm_register_ring(xm, 0, &reg, r.pages, 1, 0), 0);
	reg.aport = 2;
	reg.len = XM_MAX_RING_SIZE - 64;
	T_EQ(r.npages, 4096);
	T_EQ(xm_register_ring(xm, 0, &reg, r.pages, 4096, 0), 0);
	/* npages must match exactly. */
	reg.aport = 3;
	reg.len = 4032;
	T_EQ(xm_register_ring(xm, 0, &reg, r.pages, 2, 0), -EINVAL);
	reg.len = 4048;
	T_EQ(xm_register_ring(xm, 0, &reg, r.pages, 1, 0), -EINVAL);
	T_EQ(xm_register_ring(xm, 0, &reg, r.pages, 2, 0), 0);
	/* Unknown flags, padding. */
	reg.aport = 4;
	reg.len = 4032;
	T_EQ(xm_register_ring(xm, 0, &reg, r.pages, 1, 2), -EINVAL);
	reg.pad = 1;
	T_EQ(xm_register_ring(xm, 0, &reg, r.pages, 1, 0), -EINVAL);
	reg.pad = 0;
	/* Unknown partner domain. */
	reg.partner_id = 9;
	T_EQ(xm_register_ring(xm, 0, &reg, r.pages, 1, 0), -ESRCH);
	/* Unknown caller (not a domain of the model). */
	T_EQ(xm_register_ring(xm, 7, &reg, r.pages, 1, 0), -ESRCH);
	T_EQ(xm_ring_count(xm, 0), 3);
	xm_free(xm);
	tb_ring_free(&r);
}

static void t_wildcard_needs_permissive(void)
{
	struct xm *xm = new_world(&strict, 2);
	struct tb_ring r;

	T_REQUIRE_EQ(tb_ring_alloc(&r, 4032), 0);
	T_EQ(tb_register(xm, 0, &r, 5, XM_DOMID_ANY), -EPERM);
	T_EQ(tb_register(xm, 0, &r, 5, 1), 0);
	xm_free(xm);
	xm = new_world(&permissive, 2);
	T_EQ(tb_register(xm, 0, &r, 5, XM_DOMID_ANY), 0);
	xm_free(xm);
	tb_ring_free(&r);
}

static void t_argo_off_and_nodev(void)
{
	struct xm_config off = { 0 };
	struct xm *xm = new_world(&off, 1);
	struct tb_ring r;
	struct xm_unregister_ring u = { .aport = 5, .partner_id = 0 };

	T_REQUIRE_EQ(tb_ring_alloc(&r, 4032), 0);
	T_EQ(tb_register(xm, 0, &r, 5, 0), -EOPNOTSUPP);
	T_EQ(tb_send(xm, 0, 1, 0, 5, "x", 1, 0), -EOPNOTSUPP);
	T_EQ(xm_notify(xm, 0, NULL), -EOPNOTSUPP);
	T_EQ(xm_unregister_ring(xm, 0, &u), -EOPNOTSUPP);
	T_EQ((long)xm_argo_op(xm, 0, XM_OP_NOTIFY, NULL, NULL, 0, 0),
	     -EOPNOTSUPP);
	xm_free(xm);

	xm = xm_new(&permissive);
	xm_domain_create(xm, 0, 0, NULL, NULL);
	xm_domain_create(xm, 1, XM_DOM_NO_ARGO, NULL, NULL);
	T_EQ(tb_register(xm, 1, &r, 5, 0), -ENODEV);
	T_EQ(tb_register(xm, 0, &r, 5, 1), -ECONNREFUSED);
	T_EQ(tb_send(xm, 0, 1, 1, 5, "x", 1, 0), -ECONNREFUSED);
	T_EQ(tb_send(xm, 1, 1, 0, 5, "x", 1, 0), -ENODEV);
	T_EQ(xm_notify(xm, 1, NULL), -ENODEV);
	xm_free(xm);
	tb_ring_free(&r);
}

static void t_reregister(void)
{
	struct xm *xm = new_world(&permissive, 2);
	struct tb_ring r, r2;
	struct xm_register_ring reg = { .aport = 7, .partner_id = 1,
					.len = 4032 };
	struct xm_unregister_ring u = { .aport = 7, .partner_id = 1 };
	char buf[64];
	struct xm_msg_hdr mh;

	T_REQUIRE_EQ(tb_ring_alloc(&r, 4032), 0);
	T_REQUIRE_EQ(tb_ring_alloc(&r2, 8128), 0);
	T_EQ(tb_register(xm, 0, &r, 7, 1), 0);
	T_EQ(tb_send(xm, 1, 9, 0, 7, "hello", 5, 3), 5);
	T_EQ(tb_hdr(&r)->tx_ptr, 32);
	/* Same length: allowed, tx_ptr kept from the guest's header. */
	T_EQ(tb_register(xm, 0, &r, 7, 1), 0);
	T_EQ(xm_ring_tx_ptr(xm, 0, 7, 1), 32);
	T_EQ(xm_ring_count(xm, 0), 1);
	/* FAIL_EXIST, different length. */
	T_EQ(xm_register_ring(xm, 0, &reg, r.pages, 1,
			      XM_REGISTER_FLAG_FAIL_EXIST), -EEXIST);
	T_EQ(tb_register(xm, 0, &r2, 7, 1), -EEXIST);
	/* Garbage tx_ptr: Xen restarts at the slot after rx_ptr. */
	tb_hdr(&r)->tx_ptr = 33;
	tb_hdr(&r)->rx_ptr = 17;
	T_EQ(tb_register(xm, 0, &r, 7, 1), 0);
	T_EQ(tb_hdr(&r)->tx_ptr, 32);
	tb_hdr(&r)->tx_ptr = 4032;
	tb_hdr(&r)->rx_ptr = 4030;
	T_EQ(tb_register(xm, 0, &r, 7, 1), 0);
	T_EQ(tb_hdr(&r)->tx_ptr, 0);
	T_EQ(tb_hdr(&r)->rx_ptr, 4030);	/* Xen never writes rx_ptr */
	tb_hdr(&r)->rx_ptr = 0;
	/* Messages still work after the reset. */
	T_EQ(tb_send(xm, 1, 9, 0, 7, "abc", 3, 3), 3);
	T_EQ(tb_recv(&r, &mh, buf, sizeof(buf)), 3);
	T_OK(!memcmp(buf, "abc", 3));
	/* Unregister, twice. */
	T_EQ(xm_unregister_ring(xm, 0, &u), 0);
	T_EQ(xm_unregister_ring(xm, 0, &u), -ENOENT);
	u.pad = 1;
	T_EQ(xm_unregister_ring(xm, 0, &u), -EINVAL);
	T_EQ(xm_ring_count(xm, 0), 0);
	T_EQ(tb_send(xm, 1, 9, 0, 7, "abc", 3, 3), -ECONNREFUSED);
	xm_free(xm);
	tb_ring_free(&r);
	tb_ring_free(&r2);
}

static void t_ring_limit(void)
{
	struct xm *xm = new_world(&permissive, 2);
	struct tb_ring r;
	struct xm_unregister_ring u = { .aport = 1000, .partner_id = 1 };
	unsigned int i;

	T_REQUIRE_EQ(tb_ring_alloc(&r, 48), 0);
	for (i = 0; i < XM_MAX_RINGS_PER_DOMAIN; i++)
		T_EQ(tb_register(xm, 0, &r, 1000 + i, 1), 0);
	T_EQ(tb_register(xm, 0, &r, 5000, 1), -ENOSPC);
	T_EQ(tb_register(xm, 0, &r, 5000, XM_DOMID_ANY), -ENOSPC);
	/* Re-registering an existing ring is not a new ring. */
	T_EQ(tb_register(xm, 0, &r, 1000, 1), 0);
	/* Other domains have their own budget. */
	T_EQ(tb_register(xm, 1, &r, 5000, 0), 0);
	T_EQ(xm_unregister_ring(xm, 0, &u), 0);
	T_EQ(tb_register(xm, 0, &r, 5000, 1), 0);
	T_EQ(xm_ring_count(xm, 0), XM_MAX_RINGS_PER_DOMAIN);
	xm_free(xm);
	tb_ring_free(&r);
}

static void t_placement_and_wrap(void)
{
	struct xm *xm = new_world(&permissive, 2);
	struct tb_ring r;
	uint8_t in[200], out[200];
	struct xm_msg_hdr mh;
	uint32_t start, plen;

	T_REQUIRE_EQ(tb_ring_alloc(&r, 256), 0);
	for (plen = 0; plen < 200; plen++)
		in[plen] = (uint8_t)(plen * 7 + 1);
	/* For every start slot and payload length that fits: exact bytes. */
	for (start = 0; start < 256; start += 16) {
		for (plen = 0; plen + 16 + 16 < 256 - 0 && plen <= 200; plen++) {
			uint32_t exp_tx;

			memset(r.mem, 0, XM_PAGE_SIZE);
			tb_hdr(&r)->rx_ptr = start;
			tb_hdr(&r)->tx_ptr = start;
			T_REQUIRE_EQ(tb_register(xm, 0, &r, 1, 1), 0);
			if (XM_ROUNDUP(plen) + 16 >= 256) {
				T_EQ(tb_send(xm, 1, 2, 0, 1, in, plen, 9),
				     -EMSGSIZE);
				continue;
			}
			T_REQUIRE_EQ(tb_send(xm, 1, 2, 0, 1, in, plen, 9), plen);
			exp_tx = (start + 16 + XM_ROUNDUP(plen)) % 256;
			T_EQ(tb_hdr(&r)->tx_ptr, exp_tx);
			/* The header never wraps: it sits whole at start. */
			T_EQ(*(uint32_t *)(r.mem + 64 + start), plen + 16);
			memset(out, 0xee, sizeof(out));
			T_EQ(tb_recv(&r, &mh, out, sizeof(out)), plen);
			T_EQ(mh.source.domain_id, 1);
			T_EQ(mh.source.aport, 2);
			T_EQ(mh.message_type, 9);
			T_OK(!memcmp(in, out, plen));
			T_EQ(tb_hdr(&r)->rx_ptr, tb_hdr(&r)->tx_ptr);
			if (t_case_failures())
				goto out;
		}
	}
out:
	xm_free(xm);
	tb_ring_free(&r);
}

static void t_space_boundaries(void)
{
	struct xm *xm = new_world(&permissive, 2);
	struct tb_ring r;
	static uint8_t buf[4096];
	struct xm_msg_hdr mh;

	T_REQUIRE_EQ(tb_ring_alloc(&r, 4032), 0);
	T_REQUIRE_EQ(tb_register(xm, 0, &r, 1, 1), 0);
	/* Empty ring: the largest message leaves exactly one free slot. */
	T_EQ(tb_send(xm, 1, 2, 0, 1, buf, 4032 - 31, 0), -EMSGSIZE);
	T_EQ(tb_send(xm, 1, 2, 0, 1, buf, 4032 - 32, 0), 4032 - 32);
	T_EQ(tb_hdr(&r)->tx_ptr, 4016);
	/* Now full at exactly one slot: even a zero-length message waits. */
	T_EQ(tb_send(xm, 1, 2, 0, 1, buf, 0, 0), -EAGAIN);
	T_EQ(xm_ring_npending(xm, 0, 1, 1), 1);
	T_EQ(xm_ring_payload_space(xm, 0, 1, 1), 0);
	T_EQ(tb_recv(&r, &mh, buf, sizeof(buf)), 4032 - 32);
	T_EQ(xm_ring_payload_space(xm, 0, 1, 1), 4032 - 16);
	/* Zero-length messages take one slot each. */
	T_EQ(tb_send(xm, 1, 2, 0, 1, buf, 0, 0), 0);
	T_EQ(tb_hdr(&r)->tx_ptr, 0);
	T_EQ(xm_ring_payload_space(xm, 0, 1, 1), 4032 - 16 - 32);
	T_EQ(tb_recv(&r, &mh, buf, sizeof(buf)), 0);
	T_EQ(mh.len, 16);
	/* A garbage rx_ptr is sanitised, not trusted (rounded, wrapped). */
	tb_hdr(&r)->rx_ptr = 0xfffffff1;
	T_EQ(xm_ring_payload_space(xm, 0, 1, 1), 4032 - 16);
	tb_hdr(&r)->rx_ptr = 1;		/* rounds to 16: 16 bytes free */
	T_EQ(xm_ring_payload_space(xm, 0, 1, 1), 0);
	T_EQ(tb_send(xm, 1, 2, 0, 1, buf, 0, 0), -EAGAIN);
	tb_hdr(&r)->rx_ptr = 0;
	xm_free(xm);
	tb_ring_free(&r);
}

static void t_sendv_checks(void)
{
	struct xm *xm = new_world(&permissive, 3);
	struct tb_ring exact, wild;
	struct xm_send_addr a = { .src = { 5, 1, 0 }, .dst = { 9, 0, 0 } };
	struct xm_iov iov[9];
	char buf[64];
	struct xm_msg_hdr mh;
	unsigned int i;

	T_REQUIRE_EQ(tb_ring_alloc(&exact, 4032), 0);
	T_REQUIRE_EQ(tb_ring_alloc(&wild, 4032), 0);
	memset(iov, 0, sizeof(iov));
	for (i = 0; i < 9; i++) {
		iov[i].base = &"0123456789"[i];
		iov[i].len = 1;
	}
	T_EQ(xm_sendv(xm, 1, &a, iov, 1, 0), -ECONNREFUSED);
	T_EQ(tb_register(xm, 0, &wild, 9, XM_DOMID_ANY), 0);
	T_EQ(tb_register(xm, 0, &exact, 9, 1), 0);
	/* Exact partner match wins over the wildcard ring. */
	T_EQ(xm_sendv(xm, 1, &a, iov, 8, 0x1234), 8);
	T_EQ(tb_recv(&exact, &mh, buf, sizeof(buf)), 8);
	T_OK(!memcmp(buf, "01234567", 8));
	T_EQ(mh.message_type, 0x1234);
	T_EQ(tb_recv(&wild, &mh, buf, sizeof(buf)), -ENOENT);
	/* Others fall back to the wildcard ring. */
	a.src.domain_id = 2;
	T_EQ(xm_sendv(xm, 2, &a, iov, 2, 0), 2);
	T_EQ(tb_recv(&wild, &mh, buf, sizeof(buf)), 2);
	T_EQ(mh.source.domain_id, 2);
	/* DOMID_ANY as source means the caller. */
	a.src.domain_id = XM_DOMID_ANY;
	T_EQ(xm_sendv(xm, 2, &a, iov, 1, 0), 1);
	T_EQ(tb_recv(&wild, &mh, buf, sizeof(buf)), 1);
	T_EQ(mh.source.domain_id, 2);
	/* Spoofed source, 9 iovs, padding, 64-bit message type. */
	a.src.domain_id = 1;
	T_EQ(xm_sendv(xm, 2, &a, iov, 1, 0), -EPERM);
	a.src.domain_id = 2;
	T_EQ(xm_sendv(xm, 2, &a, iov, 9, 0), -EINVAL);
	T_EQ(xm_sendv(xm, 2, &a, iov, 1, 0x100000000UL), -EINVAL);
	iov[0].pad = 1;
	T_EQ(xm_sendv(xm, 2, &a, iov, 1, 0), -EINVAL);
	iov[0].pad = 0;
	a.dst.pad = 1;
	T_EQ(xm_sendv(xm, 2, &a, iov, 1, 0), -EINVAL);
	a.dst.pad = 0;
	/* Oversized iovs. */
	iov[0].len = XM_MAX_MSG_SIZE + 1;
	T_EQ(xm_sendv(xm, 2, &a, iov, 1, 0), -EINVAL);
	iov[0].len = XM_MAX_MSG_SIZE;
	T_EQ(xm_sendv(xm, 2, &a, iov, 2, 0), -EMSGSIZE);
	iov[0].len = 1;
	/* Zero iovs: an empty message. */
	T_EQ(xm_sendv(xm, 2, &a, iov, 0, 0), 0);
	T_EQ(tb_recv(&wild, &mh, buf, sizeof(buf)), 0);
	/* Unknown destination domain. */
	a.dst.domain_id = 77;
	T_EQ(xm_sendv(xm, 2, &a, iov, 1, 0), -ESRCH);
	/* Raw entry point: zero-extended results in the 4.17 mode. */
	a.dst.domain_id = 0;
	a.dst.aport = 1234;
	T_EQ((long)xm_argo_op(xm, 2, XM_OP_SENDV, &a, iov, 1, 0),
	     -ECONNREFUSED);
	T_EQ((long)xm_argo_op(xm, 2, XM_OP_SENDV, &a, iov, 9, 0), -EINVAL);
	T_EQ((long)xm_argo_op(xm, 2, XM_OP_NOTIFY, NULL, NULL, 1, 0), -EINVAL);
	T_EQ((long)xm_argo_op(xm, 2, 99, NULL, NULL, 0, 0), -EOPNOTSUPP);
	xm_free(xm);
	{
		struct xm_config c = permissive;

		c.sendv_zero_extend = true;
		xm = xm_new(&c);
		xm_domain_create(xm, 0, 0, NULL, NULL);
		a.src.domain_id = 0;
		T_EQ(xm_argo_op(xm, 0, XM_OP_SENDV, &a, iov, 1, 0),
		     0xffffff91UL);	/* -ECONNREFUSED as u32 */
		T_EQ((int)xm_argo_op(xm, 0, XM_OP_SENDV, &a, iov, 1, 0),
		     -ECONNREFUSED);
		xm_free(xm);
	}
	tb_ring_free(&exact);
	tb_ring_free(&wild);
}

struct virq_log {
	unsigned int n[4];
};

static void virq_cb(struct xm *xm, uint16_t domid, void *opaque)
{
	struct virq_log *l = opaque;

	(void)xm;
	l->n[domid]++;
}

static void t_virq(void)
{
	struct virq_log log = { { 0 } };
	struct xm *xm = xm_new(&permissive);
	struct tb_ring r;
	struct xm_msg_hdr mh;
	char buf[16];

	T_REQUIRE_EQ(tb_ring_alloc(&r, 4032), 0);
	xm_domain_create(xm, 0, 0, virq_cb, &log);
	xm_domain_create(xm, 1, XM_DOM_VIRQ_IMMEDIATE, virq_cb, &log);
	T_EQ(tb_register(xm, 0, &r, 1, 1), 0);
	T_EQ(tb_send(xm, 1, 2, 0, 1, "a", 1, 0), 1);
	T_EQ(tb_send(xm, 1, 2, 0, 1, "b", 1, 0), 1);
	/* Two raises, one pending event (coalesced), no callback yet. */
	T_EQ(xm_virq_count(xm, 0), 2);
	T_OK(xm_virq_pending(xm, 0));
	T_EQ(log.n[0], 0);
	T_EQ(xm_deliver_virqs(xm), 1);
	T_EQ(log.n[0], 1);
	T_OK(!xm_virq_pending(xm, 0));
	/* A failed send raises nothing. */
	T_EQ(tb_send(xm, 1, 2, 0, 99, "a", 1, 0), -ECONNREFUSED);
	T_OK(!xm_virq_pending(xm, 0));
	T_EQ(tb_recv(&r, &mh, buf, sizeof(buf)), 1);
	T_EQ(tb_recv(&r, &mh, buf, sizeof(buf)), 1);
	/* Immediate mode: callback inside the hypercall. */
	T_EQ(tb_register(xm, 1, &r, 1, 0), 0);
	T_EQ(tb_send(xm, 0, 2, 1, 1, "a", 1, 0), 1);
	T_EQ(log.n[1], 1);
	xm_free(xm);
	tb_ring_free(&r);
}

static void t_notify(void)
{
	struct virq_log log = { { 0 } };
	struct xm *xm = xm_new(&permissive);
	struct tb_ring r;
	static uint8_t buf[4096];
	struct xm_msg_hdr mh;
	struct tb_rd q;

	T_REQUIRE_EQ(tb_ring_alloc(&r, 4032), 0);
	xm_domain_create(xm, 0, 0, virq_cb, &log);
	xm_domain_create(xm, 1, 0, virq_cb, &log);
	xm_domain_create(xm, 2, 0, virq_cb, &log);
	T_EQ(tb_register(xm, 0, &r, 1, XM_DOMID_ANY), 0);
	TB_RD_INIT(q);
	q.rd->nent = 3;
	q.e[0].ring.domain_id = 0;
	q.e[0].ring.aport = 1;
	q.e[0].space_required = 100;
	q.e[1].ring.domain_id = 0;
	q.e[1].ring.aport = 2;		/* no such ring */
	q.e[2].ring.domain_id = 0;
	q.e[2].ring.aport = 1;
	q.e[2].space_required = 4032;	/* can never fit */
	T_EQ(xm_notify(xm, 1, q.rd), 0);
	T_EQ(q.e[0].flags, XM_RING_EXISTS | XM_RING_SHARED | XM_RING_EMPTY |
	     XM_RING_SUFFICIENT);
	T_EQ(q.e[0].max_message_size, 4032 - 32);
	T_EQ(q.e[1].flags, 0);
	T_EQ(q.e[2].flags, XM_RING_EXISTS | XM_RING_SHARED | XM_RING_EMPTY |
	     XM_RING_EMSGSIZE);
	T_EQ(xm_ring_npending(xm, 0, 1, XM_DOMID_ANY), 0);
	/* Fill the ring, then a sender asks for space: pending, no flag. */
	T_EQ(tb_send(xm, 1, 2, 0, 1, buf, 3000, 0), 3000);
	T_EQ(tb_send(xm, 2, 2, 0, 1, buf, 1500, 0), -EAGAIN);
	T_EQ(xm_ring_npending(xm, 0, 1, XM_DOMID_ANY), 1);
	q.rd->nent = 1;
	q.e[0].space_required = 1000;
	T_EQ(xm_notify(xm, 1, q.rd), 0);
	T_EQ(q.e[0].flags, XM_RING_EXISTS | XM_RING_SHARED);
	T_EQ(xm_ring_npending(xm, 0, 1, XM_DOMID_ANY), 2);
	/* Requeue by the same domain updates, does not add. */
	q.e[0].space_required = 990;	/* still > 976 free */
	T_EQ(xm_notify(xm, 1, q.rd), 0);
	T_EQ(xm_ring_npending(xm, 0, 1, XM_DOMID_ANY), 2);
	xm_deliver_virqs(xm);
	memset(&log, 0, sizeof(log));
	/* Receiver consumes and notifies: both waiters are signalled. */
	T_EQ(tb_recv(&r, &mh, buf, sizeof(buf)), 3000);
	T_EQ(xm_notify(xm, 0, NULL), 0);
	T_EQ(xm_ring_npending(xm, 0, 1, XM_DOMID_ANY), 0);
	T_EQ(xm_deliver_virqs(xm), 2);
	T_EQ(log.n[1], 1);
	T_EQ(log.n[2], 1);
	T_EQ(log.n[0], 0);
	/* Consuming without notify signals nobody. */
	T_EQ(tb_send(xm, 1, 2, 0, 1, buf, 3000, 0), 3000);
	xm_deliver_virqs(xm);
	T_EQ(tb_send(xm, 2, 2, 0, 1, buf, 1500, 0), -EAGAIN);
	T_EQ(tb_recv(&r, &mh, buf, sizeof(buf)), 3000);
	T_OK(!xm_virq_pending(xm, 2));
	T_EQ(xm_notify(xm, 0, NULL), 0);
	T_OK(xm_virq_pending(xm, 2));
	/* Waiter cancels with a zero space_required-satisfied query. */
	T_EQ(xm_notify(xm, 5, NULL), -ESRCH);
	q.rd->nent = 257;
	T_EQ(xm_notify(xm, 1, q.rd), -EACCES);
	xm_free(xm);
	tb_ring_free(&r);
}

static void t_pending_limit(void)
{
	struct xm *xm = xm_new(&permissive);
	struct tb_ring r;
	static uint8_t buf[4096];
	struct tb_rd q;
	unsigned int i;

	T_REQUIRE_EQ(tb_ring_alloc(&r, 4032), 0);
	for (i = 0; i < 40; i++)
		xm_domain_create(xm, i, 0, NULL, NULL);
	T_EQ(tb_register(xm, 0, &r, 1, XM_DOMID_ANY), 0);
	T_EQ(tb_send(xm, 1, 2, 0, 1, buf, 4000, 0), 4000);
	for (i = 1; i <= XM_MAX_PENDING_PER_RING; i++)
		T_EQ(tb_send(xm, i, 2, 0, 1, buf, 100, 0), -EAGAIN);
	T_EQ(xm_ring_npending(xm, 0, 1, XM_DOMID_ANY), 32);
	/* The 33rd waiter: sendv says -EBUSY, notify sets EBUSY. */
	T_EQ(tb_send(xm, 33, 2, 0, 1, buf, 100, 0), -EBUSY);
	TB_RD_INIT(q);
	q.rd->nent = 1;
	q.e[0].ring.aport = 1;
	q.e[0].space_required = 100;
	T_EQ(xm_notify(xm, 34, q.rd), 0);
	T_EQ(q.e[0].flags, XM_RING_EXISTS | XM_RING_SHARED | XM_RING_EBUSY);
	/* A waiter already queued can still update its request. */
	T_EQ(tb_send(xm, 5, 2, 0, 1, buf, 200, 0), -EAGAIN);
	/* Destroying a waiting domain drops its entry. */
	T_EQ(xm_domain_destroy(xm, 5), 0);
	T_EQ(xm_ring_npending(xm, 0, 1, XM_DOMID_ANY), 31);
	xm_free(xm);
	tb_ring_free(&r);
}

static void t_domain_destroy(void)
{
	struct xm *xm = new_world(&permissive, 3);
	struct tb_ring a, b;

	T_REQUIRE_EQ(tb_ring_alloc(&a, 4032), 0);
	T_REQUIRE_EQ(tb_ring_alloc(&b, 4032), 0);
	T_EQ(tb_register(xm, 0, &a, 1, 2), 0);
	T_EQ(tb_register(xm, 0, &b, 2, XM_DOMID_ANY), 0);
	T_EQ(xm_domain_destroy(xm, 2), 0);
	/* Lab fact: rings whose partner was the dead domain are gone. */
	T_OK(!xm_ring_exists(xm, 0, 1, 2));
	T_OK(xm_ring_exists(xm, 0, 2, XM_DOMID_ANY));
	T_EQ(xm_ring_count(xm, 0), 1);
	T_EQ(xm_domain_destroy(xm, 2), -ESRCH);
	T_EQ(xm_domain_create(xm, 0, 0, NULL, NULL), -EEXIST);
	T_EQ(xm_domain_create(xm, XM_DOMID_ANY, 0, NULL, NULL), -EINVAL);
	xm_free(xm);
	tb_ring_free(&a);
	tb_ring_free(&b);
}

/* Non-contiguous guest pages: the model must follow the page list. */
static void t_scattered_pages(void)
{
	struct xm *xm = new_world(&permissive, 2);
	struct xm_register_ring reg = { .aport = 1, .partner_id = 1,
					.len = 3 * 4096 - 64 };
	uint8_t *pg[3];
	void *pages[3];
	static uint8_t in[9000];
	uint32_t i, off;

	for (i = 0; i < 3; i++) {
		pg[2 - i] = aligned_alloc(4096, 4096);
		memset(pg[2 - i], 0, 4096);
	}
	for (i = 0; i < 3; i++)
		pages[i] = pg[i];
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i ^ (i >> 8));
	T_EQ(xm_register_ring(xm, 0, &reg, pages, 3, 0), 0);
	T_EQ(tb_send(xm, 1, 2, 0, 1, in, 9000, 0), 9000);
	T_EQ(*(uint32_t *)(pg[0] + 64), 9016);
	for (i = 0; i < 9000; i++) {
		off = 64 + 16 + i;
		if (pg[off / 4096][off % 4096] != in[i])
			break;
	}
	T_EQ(i, 9000);
	T_EQ(*(uint32_t *)(pg[0] + 4), XM_ROUNDUP(9016));
	xm_free(xm);
	for (i = 0; i < 3; i++)
		free(pg[i]);
}

/* Random traffic with the reference reader: content and order survive. */
static void t_random_stream(void)
{
	struct xm *xm = new_world(&permissive, 2);
	struct tb_ring r;
	static uint8_t in[2048], out[2048];
	uint64_t seed = 42, sent_seq = 0, recv_seq = 0;
	unsigned int i, agains = 0;
	struct xm_msg_hdr mh;

	T_REQUIRE_EQ(tb_ring_alloc(&r, 1024), 0);
	T_REQUIRE_EQ(tb_register(xm, 0, &r, 1, 1), 0);
	for (i = 0; i < 200000 && !t_case_failures(); i++) {
		uint32_t len = tb_rand(&seed) % 1000;
		long rc;

		if (tb_rand(&seed) % 3) {
			memset(in, (int)(sent_seq & 0xff), len);
			if (len >= 8)
				memcpy(in, &sent_seq, 8);
			rc = tb_send(xm, 1, 2, 0, 1, in, len, (uint32_t)len);
			if (rc == -EAGAIN || rc == -EMSGSIZE) {
				agains++;
				continue;
			}
			T_EQ(rc, len);
			sent_seq++;
		} else {
			rc = tb_recv(&r, &mh, out, sizeof(out));
			if (rc == -ENOENT) {
				T_EQ(recv_seq, sent_seq);
				continue;
			}
			T_EQ(rc, mh.message_type);
			if (rc >= 8)
				T_OK(!memcmp(out, &recv_seq, 8));
			else if (rc > 0)
				T_EQ(out[rc - 1], recv_seq & 0xff);
			recv_seq++;
		}
	}
	T_OK(agains > 0);
	T_OK(recv_seq > 10000);
	xm_free(xm);
	tb_ring_free(&r);
}

int main(void)
{
	t_case("model: register_ring validation", t_register_validation);
	t_case("model: wildcard needs mac-permissive", t_wildcard_needs_permissive);
	t_case("model: argo off / domain without argo", t_argo_off_and_nodev);
	t_case("model: re-register and unregister", t_reregister);
	t_case("model: 128 rings per domain", t_ring_limit);
	t_case("model: placement and wrap at every slot", t_placement_and_wrap);
	t_case("model: space boundaries, full ring", t_space_boundaries);
	t_case("model: sendv argument checks and matching", t_sendv_checks);
	t_case("model: VIRQ raise/coalesce/deliver", t_virq);
	t_case("model: notify flags and pending waits", t_notify);
	t_case("model: 32 pending per ring", t_pending_limit);
	t_case("model: domain destroy", t_domain_destroy);
	t_case("model: non-contiguous ring pages", t_scattered_pages);
	t_case("model: random traffic with reference reader", t_random_stream);
	return t_done();
}
