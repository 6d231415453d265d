// SPDX-License-Identifier: GPL-2.0
/*
 * xenmodel.c - userspace model of Xen's Argo hypercall.  See xenmodel.h.
 *
 * Behaviour follows Xen's public argo.h and the documented/observed rules:
 *  - register_ring: flags other than FAIL_EXIST -> -EINVAL; len must be a
 *    multiple of 16, at least header + 2 slots (48) and at most 16 MiB, and
 *    npages must equal DIV_ROUND_UP(len + 64, 4096) and be at most 4096
 *    (-EINVAL); wildcard partner without mac-permissive -> -EPERM; unknown
 *    partner domain -> -ESRCH; 128 rings per domain (-ENOSPC);
 *    re-registering an existing ring replaces its pages, keeps the length
 *    (a different length -> -EEXIST; FAIL_EXIST -> -EEXIST).  tx_ptr is
 *    taken from the guest's header if valid (< len, 16-aligned), else reset
 *    to the slot after rx_ptr (0 when that is past the end).
 *  - sendv: niov > 8 -> -EINVAL; pad fields non-zero -> -EINVAL; a source
 *    domain other than the caller (DOMID_ANY means the caller) -> -EPERM;
 *    unknown destination domain -> -ESRCH; no ring: exact match
 *    (dst domain, port, partner = sender) first, then wildcard partner ->
 *    -ECONNREFUSED; an iov over the maximum message size -> -EINVAL, total
 *    over it -> -EMSGSIZE; ROUNDUP(len) + 16 >= ring len -> -EMSGSIZE;
 *    ROUNDUP(len) + 16 >= free space -> -EAGAIN and the sender is queued
 *    for a space notification (-EBUSY when 32 others already wait).
 *    The header goes at tx_ptr (never wraps: everything is 16-aligned), the
 *    payload after it and may wrap; tx_ptr advances to the next slot.
 *    Success raises the destination's VIRQ and returns the payload length.
 *  - notify: first checks every ring of the caller for satisfied pending
 *    space requests and raises the waiting domains' VIRQs; then fills each
 *    entry (at most 256, else -EACCES) with EXISTS/SHARED/EMPTY and
 *    max_message_size, and for space_required: EMSGSIZE if it can never
 *    fit, SUFFICIENT (and cancels the caller's wait) if it fits now, else
 *    queues a notification (EBUSY when the queue is full).
 */
#include "xenmodel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct xm_pending {
	uint16_t domid;
	uint32_t len;
};

struct xm_ring {
	struct xm_ring *next;
	uint32_t aport;
	uint16_t partner;
	uint32_t len;		/* bytes of message space */
	uint32_t tx_ptr;	/* Xen's private copy */
	unsigned int npages;
	uint8_t **pages;
	unsigned int npending;
	struct xm_pending pending[XM_MAX_PENDING_PER_RING];
};

struct xm_dom {
	struct xm_dom *next;
	uint16_t domid;
	bool argo;
	bool immediate;
	bool virq_pending;
	unsigned long virq_raised;
	xm_virq_fn virq;
	void *opaque;
	unsigned int nrings;
	struct xm_ring *rings;
};

struct xm {
	struct xm_config cfg;
	struct xm_dom *doms;
};

struct xm *xm_new(const struct xm_config *cfg)
{
	struct xm *xm = calloc(1, sizeof(*xm));

	if (xm)
		xm->cfg = *cfg;
	return xm;
}

static struct xm_dom *find_dom(struct xm *xm, uint16_t domid)
{
	struct xm_dom *d;

	for (d = xm->doms; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

static void free_ring(struct xm_ring *r)
{
	free(r->pages);
	free(r);
}

static void raise_virq(struct xm *xm, struct xm_dom *d)
{
	d->virq_raised++;
	if (d->immediate) {
		if (d->virq)
			d->virq(xm, d->domid, d->opaque);
		return;
	}
	d->virq_pending = true;
}

void xm_free(struct xm *xm)
{
	if (!xm)
		return;
	while (xm->doms) {
		struct xm_dom *d = xm->doms;

		xm->doms = d->next;
		while (d->rings) {
			struct xm_ring *r = d->rings;

			d->rings = r->next;
			free_ring(r);
		}
		free(d);
	}
	free(xm);
}

int xm_domain_create(struct xm *xm, uint16_t domid, unsigned int flags,
		     xm_virq_fn virq, void *opaque)
{
	struct xm_dom *d;

	if (domid >= XM_DOMID_ANY)
		return -EINVAL;
	if (find_dom(xm, domid))
		return -EEXIST;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->domid = domid;
	d->argo = xm->cfg.argo && !(flags & XM_DOM_NO_ARGO);
	d->immediate = flags & XM_DOM_VIRQ_IMMEDIATE;
	d->virq = virq;
	d->opaque = opaque;
	d->next = xm->doms;
	xm->doms = d;
	return 0;
}

static void pending_cancel(struct xm_ring *r, uint16_t domid)
{
	unsigned int i;

	for (i = 0; i < r->npending; i++) {
		if (r->pending[i].domid == domid) {
			r->pending[i] = r->pending[--r->npending];
			return;
		}
	}
}

int xm_domain_destroy(struct xm *xm, uint16_t domid)
{
	struct xm_dom **pp, *d, *o;

	for (pp = &xm->doms; *pp && (*pp)->domid != domid; pp = &(*pp)->next)
		;
	d = *pp;
	if (!d)
		return -ESRCH;
	*pp = d->next;
	while (d->rings) {
		struct xm_ring *r = d->rings;

		d->rings = r->next;
		free_ring(r);
	}
	/* Rings of others that only this domain could send to go too. */
	for (o = xm->doms; o; o = o->next) {
		struct xm_ring **rp = &o->rings;

		while (*rp) {
			struct xm_ring *r = *rp;

			if (r->partner == domid) {
				*rp = r->next;
				o->nrings--;
				free_ring(r);
				continue;
			}
			pending_cancel(r, domid);
			rp = &r->next;
		}
	}
	free(d);
	return 0;
}

static struct xm_ring *find_ring(struct xm_dom *d, uint32_t aport,
				 uint16_t partner)
{
	struct xm_ring *r;

	for (r = d->rings; r; r = r->next)
		if (r->aport == aport && r->partner == partner)
			return r;
	return NULL;
}

/* sendv/notify lookup: exact partner first, then a wildcard ring. */
static struct xm_ring *match_ring(struct xm_dom *d, uint32_t aport,
				  uint16_t sender)
{
	struct xm_ring *r = find_ring(d, aport, sender);

	return r ? r : find_ring(d, aport, XM_DOMID_ANY);
}

/* Guest memory access through the page list (pages need not be adjacent). */
static void *ring_byte(struct xm_ring *r, size_t off)
{
	return r->pages[off / XM_PAGE_SIZE] + off % XM_PAGE_SIZE;
}

static void ring_write(struct xm_ring *r, uint32_t off, const void *src,
		       uint32_t n)
{
	size_t pos = XM_RING_HDR + (size_t)off;
	const uint8_t *s = src;

	while (n) {
		uint32_t chunk = XM_PAGE_SIZE - pos % XM_PAGE_SIZE;

		if (chunk > n)
			chunk = n;
		memcpy(ring_byte(r, pos), s, chunk);
		pos += chunk;
		s += chunk;
		n -= chunk;
	}
}

static uint32_t read_u32(struct xm_ring *r, size_t off)
{
	uint32_t v;

	__atomic_load((uint32_t *)ring_byte(r, off), &v, __ATOMIC_ACQUIRE);
	return v;
}

static void write_tx_ptr(struct xm_ring *r, uint32_t tx)
{
	r->tx_ptr = tx;
	/* Message bytes before the index that publishes them. */
	__atomic_store((uint32_t *)ring_byte(r, 4), &tx, __ATOMIC_RELEASE);
}

/* rx_ptr as Xen uses it: rounded up to a slot, 0 if out of range. */
static uint32_t sanitized_rx(struct xm_ring *r)
{
	uint32_t rx = read_u32(r, 0);

	rx = XM_ROUNDUP(rx);	/* may wrap to 0 for huge values: fine */
	if (rx >= r->len)
		rx = 0;
	return rx;
}

static uint32_t payload_space(struct xm_ring *r)
{
	uint32_t rx = sanitized_rx(r), tx = r->tx_ptr;
	int64_t sp;

	if (rx == tx)
		return r->len - XM_MSG_HDR;
	sp = (int64_t)rx - tx;
	if (sp < 0)
		sp += r->len;
	sp -= XM_MSG_HDR + XM_ROUNDUP(1);
	return sp < 0 ? 0 : (uint32_t)sp;
}

long xm_register_ring(struct xm *xm, uint16_t caller,
		      const struct xm_register_ring *reg, void *const *pages,
		      unsigned long npages, unsigned long flags)
{
	struct xm_dom *d = find_dom(xm, caller), *pd;
	struct xm_ring *r;
	uint8_t **pv;
	uint32_t tx, len = reg->len;
	bool fresh = false;
	unsigned long i;

	if (!xm->cfg.argo)
		return -EOPNOTSUPP;
	if (!d)
		return -ESRCH;
	if (npages > XM_MAX_RING_SIZE / XM_PAGE_SIZE)
		return -EINVAL;
	if (flags & ~(unsigned long)XM_REGISTER_FLAG_FAIL_EXIST)
		return -EINVAL;
	if (len < XM_MSG_HDR + 2 * XM_ROUNDUP(1) || len > XM_MAX_RING_SIZE ||
	    len != XM_ROUNDUP(len) || XM_NPAGES((uint64_t)len) != npages ||
	    reg->pad)
		return -EINVAL;
	if (reg->partner_id == XM_DOMID_ANY) {
		if (!xm->cfg.mac_permissive)
			return -EPERM;
		pd = NULL;
	} else {
		pd = find_dom(xm, reg->partner_id);
		if (!pd)
			return -ESRCH;
	}
	if (!d->argo)
		return -ENODEV;
	if (pd && !pd->argo)
		return -ECONNREFUSED;

	r = find_ring(d, reg->aport, reg->partner_id);
	if (r) {
		if (flags & XM_REGISTER_FLAG_FAIL_EXIST)
			return -EEXIST;
		if (r->len != len)
			return -EEXIST;
	} else {
		if (d->nrings >= XM_MAX_RINGS_PER_DOMAIN)
			return -ENOSPC;
		r = calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		r->aport = reg->aport;
		r->partner = reg->partner_id;
		fresh = true;
	}
	pv = malloc(npages * sizeof(*pv));
	if (!pv) {
		if (fresh)
			free(r);
		return -ENOMEM;
	}
	for (i = 0; i < npages; i++)
		pv[i] = pages[i];
	free(r->pages);
	r->pages = pv;
	r->npages = npages;
	r->len = len;

	tx = read_u32(r, 4);
	if (tx >= len || tx != XM_ROUNDUP(tx)) {
		/* The guest's ring is a mess: restart just past rx_ptr. */
		tx = XM_ROUNDUP(read_u32(r, 0));
		if (tx >= len)
			tx = 0;
		write_tx_ptr(r, tx);
	}
	r->tx_ptr = tx;
	if (fresh) {
		r->next = d->rings;
		d->rings = r;
		d->nrings++;
	}
	return 0;
}

long xm_unregister_ring(struct xm *xm, uint16_t caller,
			const struct xm_unregister_ring *unreg)
{
	struct xm_dom *d = find_dom(xm, caller);
	struct xm_ring **rp;

	if (!xm->cfg.argo)
		return -EOPNOTSUPP;
	if (!d)
		return -ESRCH;
	if (unreg->pad)
		return -EINVAL;
	if (!d->argo)
		return -ENODEV;
	for (rp = &d->rings; *rp; rp = &(*rp)->next) {
		struct xm_ring *r = *rp;

		if (r->aport == unreg->aport && r->partner == unreg->partner_id) {
			*rp = r->next;
			d->nrings--;
			free_ring(r);
			return 0;
		}
	}
	return -ENOENT;
}

static int pending_requeue(struct xm_ring *r, uint16_t domid, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < r->npending; i++) {
		if (r->pending[i].domid == domid) {
			r->pending[i].len = len;
			return 0;
		}
	}
	if (r->npending >= XM_MAX_PENDING_PER_RING)
		return -EBUSY;
	r->pending[r->npending].domid = domid;
	r->pending[r->npending].len = len;
	r->npending++;
	return 0;
}

static long ring_insert(struct xm_ring *r, const struct xm_addr *src,
			const struct xm_iov *iovs, unsigned long niov,
			uint32_t type, uint32_t len)
{
	struct xm_msg_hdr mh;
	uint32_t rx, tx, need;
	int64_t sp;
	unsigned long i;

	need = XM_ROUNDUP(len) + XM_MSG_HDR;
	if (need >= r->len)
		return -EMSGSIZE;
	rx = sanitized_rx(r);
	tx = r->tx_ptr;
	sp = (int64_t)rx - tx;
	if (sp <= 0)
		sp += r->len;
	if (need >= sp)
		return -EAGAIN;

	mh.len = len + XM_MSG_HDR;
	mh.source.aport = src->aport;
	mh.source.domain_id = src->domain_id;
	mh.source.pad = 0;
	mh.message_type = type;
	ring_write(r, tx, &mh, sizeof(mh));
	tx += XM_MSG_HDR;
	if (tx == r->len)
		tx = 0;
	for (i = 0; i < niov; i++) {
		const uint8_t *p = iovs[i].base;
		uint32_t n = iovs[i].len;

		while (n) {
			uint32_t chunk = r->len - tx;

			if (chunk > n)
				chunk = n;
			ring_write(r, tx, p, chunk);
			p += chunk;
			n -= chunk;
			tx += chunk;
			if (tx == r->len)
				tx = 0;
		}
	}
	tx = XM_ROUNDUP(tx);
	if (tx >= r->len)
		tx -= r->len;
	write_tx_ptr(r, tx);
	return 0;
}

long xm_sendv(struct xm *xm, uint16_t caller, const struct xm_send_addr *addr,
	      const struct xm_iov *iovs, unsigned long niov,
	      unsigned long message_type)
{
	struct xm_dom *sd = find_dom(xm, caller), *dd;
	struct xm_ring *r;
	struct xm_addr src;
	uint32_t len = 0;
	unsigned long i;
	long ret;

	if (!xm->cfg.argo)
		return -EOPNOTSUPP;
	if (!sd)
		return -ESRCH;
	if (niov > XM_MAXIOV || message_type != (uint32_t)message_type)
		return -EINVAL;
	if (addr->src.pad || addr->dst.pad)
		return -EINVAL;
	src = addr->src;
	if (src.domain_id == XM_DOMID_ANY)
		src.domain_id = caller;
	if (src.domain_id != caller)
		return -EPERM;
	dd = find_dom(xm, addr->dst.domain_id);
	if (!dd)
		return -ESRCH;
	if (!sd->argo)
		return -ENODEV;
	if (!dd->argo)
		return -ECONNREFUSED;
	r = match_ring(dd, addr->dst.aport, caller);
	if (!r)
		return -ECONNREFUSED;
	for (i = 0; i < niov; i++) {
		if (iovs[i].pad)
			return -EINVAL;
		if (iovs[i].len > XM_MAX_MSG_SIZE)
			return -EINVAL;
		len += iovs[i].len;
		if (len > XM_MAX_MSG_SIZE)
			return -EMSGSIZE;
	}
	ret = ring_insert(r, &src, iovs, niov, (uint32_t)message_type, len);
	if (ret == -EAGAIN) {
		int rc = pending_requeue(r, caller, len);

		if (rc)
			ret = rc;
	}
	if (ret < 0)
		return ret;
	raise_virq(xm, dd);
	return len;
}

/* Signal every domain waiting on r for which there is now room. */
static void notify_ring(struct xm *xm, struct xm_ring *r)
{
	uint32_t space = payload_space(r);
	unsigned int i = 0;

	if (!space)
		return;
	while (i < r->npending) {
		struct xm_pending p = r->pending[i];
		struct xm_dom *w;

		if (p.len > space) {
			i++;
			continue;
		}
		r->pending[i] = r->pending[--r->npending];
		w = find_dom(xm, p.domid);
		if (w)
			raise_virq(xm, w);
	}
}

static void fill_ring_data(struct xm *xm, struct xm_dom *cd,
			   struct xm_ring_data_ent *ent)
{
	struct xm_dom *dd = find_dom(xm, ent->ring.domain_id);
	struct xm_ring *r = NULL;
	uint32_t space;

	ent->flags = 0;
	ent->max_message_size = 0;
	if (dd && dd->argo)
		r = match_ring(dd, ent->ring.aport, cd->domid);
	if (!r)
		return;
	ent->flags |= XM_RING_EXISTS;
	ent->max_message_size = r->len - XM_MSG_HDR - XM_ROUNDUP(1);
	if (r->partner == XM_DOMID_ANY)
		ent->flags |= XM_RING_SHARED;
	if (sanitized_rx(r) == r->tx_ptr)
		ent->flags |= XM_RING_EMPTY;
	space = payload_space(r);
	if (ent->space_required > ent->max_message_size) {
		ent->flags |= XM_RING_EMSGSIZE;
	} else if (space >= ent->space_required) {
		pending_cancel(r, cd->domid);
		ent->flags |= XM_RING_SUFFICIENT;
	} else if (pending_requeue(r, cd->domid, ent->space_required)) {
		ent->flags |= XM_RING_EBUSY;
	}
}

long xm_notify(struct xm *xm, uint16_t caller, struct xm_ring_data *rd)
{
	struct xm_dom *d = find_dom(xm, caller);
	struct xm_ring *r;
	uint32_t i;

	if (!xm->cfg.argo)
		return -EOPNOTSUPP;
	if (!d)
		return -ESRCH;
	if (!d->argo)
		return -ENODEV;
	for (r = d->rings; r; r = r->next)
		notify_ring(xm, r);
	if (!rd)
		return 0;
	if (rd->nent > XM_MAX_NOTIFY_COUNT)
		return -EACCES;
	for (i = 0; i < rd->nent; i++)
		fill_ring_data(xm, d, &rd->data[i]);
	return 0;
}

unsigned long xm_argo_op(struct xm *xm, uint16_t caller, unsigned int cmd,
			 void *arg1, void *arg2, unsigned long arg3,
			 unsigned long arg4)
{
	long rc;

	if (arg3 != (uint32_t)arg3 || arg4 != (uint32_t)arg4)
		return (unsigned long)-EINVAL;
	if (!xm->cfg.argo)
		return (unsigned long)-EOPNOTSUPP;
	switch (cmd) {
	case XM_OP_REGISTER_RING:
		if (arg3 > XM_MAX_RING_SIZE / XM_PAGE_SIZE)
			return (unsigned long)-EINVAL;
		if (!arg1 || (arg3 && !arg2))
			return (unsigned long)-EFAULT;
		rc = xm_register_ring(xm, caller, arg1, arg2, arg3, arg4);
		break;
	case XM_OP_UNREGISTER_RING:
		if (arg2 || arg3 || arg4)
			return (unsigned long)-EINVAL;
		if (!arg1)
			return (unsigned long)-EFAULT;
		rc = xm_unregister_ring(xm, caller, arg1);
		break;
	case XM_OP_SENDV:
		if (!arg1)
			return (unsigned long)-EFAULT;
		if (arg3 > XM_MAXIOV)
			return (unsigned long)-EINVAL;
		if (arg3 && !arg2)
			return (unsigned long)-EFAULT;
		rc = xm_sendv(xm, caller, arg1, arg2, arg3, arg4);
		/* Xen 4.17: the 32-bit result arrives zero-extended. */
		if (xm->cfg.sendv_zero_extend)
			return (uint32_t)rc;
		break;
	case XM_OP_NOTIFY:
		if (arg2 || arg3 || arg4)
			return (unsigned long)-EINVAL;
		rc = xm_notify(xm, caller, arg1);
		break;
	default:
		rc = -EOPNOTSUPP;
		break;
	}
	return (unsigned long)rc;
}

unsigned int xm_deliver_virqs(struct xm *xm)
{
	unsigned int n = 0;
	bool again = true;

	/* A callback may send and raise other domains' events: loop. */
	while (again) {
		struct xm_dom *d;

		again = false;
		for (d = xm->doms; d; d = d->next) {
			if (!d->virq_pending)
				continue;
			d->virq_pending = false;
			n++;
			again = true;
			if (d->virq)
				d->virq(xm, d->domid, d->opaque);
			break;	/* the list may have changed */
		}
	}
	return n;
}

bool xm_virq_pending(struct xm *xm, uint16_t domid)
{
	struct xm_dom *d = find_dom(xm, domid);

	return d && d->virq_pending;
}

unsigned long xm_virq_count(struct xm *xm, uint16_t domid)
{
	struct xm_dom *d = find_dom(xm, domid);

	return d ? d->virq_raised : 0;
}

void xm_virq_clear(struct xm *xm, uint16_t domid)
{
	struct xm_dom *d = find_dom(xm, domid);

	if (d)
		d->virq_pending = false;
}

unsigned int xm_ring_count(struct xm *xm, uint16_t domid)
{
	struct xm_dom *d = find_dom(xm, domid);

	return d ? d->nrings : 0;
}

static struct xm_ring *lookup(struct xm *xm, uint16_t domid, uint32_t aport,
			      uint16_t partner)
{
	struct xm_dom *d = find_dom(xm, domid);

	return d ? find_ring(d, aport, partner) : NULL;
}

bool xm_ring_exists(struct xm *xm, uint16_t domid, uint32_t aport,
		    uint16_t partner)
{
	return lookup(xm, domid, aport, partner) != NULL;
}

long xm_ring_tx_ptr(struct xm *xm, uint16_t domid, uint32_t aport,
		    uint16_t partner)
{
	struct xm_ring *r = lookup(xm, domid, aport, partner);

	return r ? (long)r->tx_ptr : -ENOENT;
}

long xm_ring_npending(struct xm *xm, uint16_t domid, uint32_t aport,
		      uint16_t partner)
{
	struct xm_ring *r = lookup(xm, domid, aport, partner);

	return r ? (long)r->npending : -ENOENT;
}

long xm_ring_payload_space(struct xm *xm, uint16_t domid, uint32_t aport,
			   uint16_t partner)
{
	struct xm_ring *r = lookup(xm, domid, aport, partner);

	return r ? (long)payload_space(r) : -ENOENT;
}
