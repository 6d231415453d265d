// SPDX-License-Identifier: GPL-2.0
/*
 * Pure logic of an Argo receive ring; see ring.h.
 *
 * Compiled unchanged into argo.ko and into the userspace test bed, so it
 * includes only its own headers (argo_types.h maps the kernel names).
 *
 * Layout reminder: ring[] holds len bytes (a multiple of 16).  Each message
 * is a 16-byte header at a 16-aligned offset (so the header never wraps)
 * followed by its payload, which may wrap to ring[0]; the next message starts
 * at the next 16-aligned offset.  rx_ptr == tx_ptr means empty.
 */
#ifdef __KERNEL__
#define pr_fmt(fmt) "argo: " fmt
#endif

#include "ring.h"

bool argo_ring_len_valid(u32 len)
{
	return len >= ARGO_RING_LEN_MIN && len <= ARGO_RING_LEN_MAX &&
	       IS_ALIGNED(len, XEN_ARGO_MSG_SLOT_SIZE);
}

u32 argo_ring_npages(u32 len, u32 page_size)
{
	return DIV_ROUND_UP(len + XEN_ARGO_RING_HDR_SIZE, page_size);
}

u32 argo_ring_msg_space(u32 payload_len)
{
	return XEN_ARGO_ROUNDUP(payload_len) + XEN_ARGO_MSG_HDR_SIZE;
}

u32 argo_ring_max_payload(u32 len)
{
	if (len < XEN_ARGO_MSG_HDR_SIZE + XEN_ARGO_MSG_SLOT_SIZE)
		return 0;
	return len - XEN_ARGO_MSG_HDR_SIZE - XEN_ARGO_MSG_SLOT_SIZE;
}

/* A pointer value Xen or we could legitimately have written. */
static bool argo_ring_ptr_ok(u32 ptr, u32 len)
{
	return ptr < len && IS_ALIGNED(ptr, XEN_ARGO_MSG_SLOT_SIZE);
}

/* Bytes between rx and tx going forward (both already validated). */
static u32 argo_ring_dist(u32 rx, u32 tx, u32 len)
{
	return tx >= rx ? tx - rx : len - rx + tx;
}

u32 argo_ring_used(const struct xen_argo_ring *ring, u32 len)
{
	u32 rx = READ_ONCE(ring->rx_ptr);
	u32 tx = READ_ONCE(ring->tx_ptr);

	if (!argo_ring_ptr_ok(rx, len) || !argo_ring_ptr_ok(tx, len))
		return 0;
	return argo_ring_dist(rx, tx, len);
}

bool argo_ring_has_data(const struct xen_argo_ring *ring, u32 len)
{
	u32 rx = READ_ONCE(ring->rx_ptr);
	u32 tx = READ_ONCE(ring->tx_ptr);

	/*
	 * A bad tx_ptr: nothing is readable until Xen writes a valid one with
	 * its next message (and raises the VIRQ).  Saying "data" here would
	 * make every waiter spin: peek() fails, reset() cannot repair tx_ptr.
	 */
	if (!argo_ring_ptr_ok(tx, len))
		return false;
	/* A bad rx_ptr counts as data: peek() will find it, reset() fix it. */
	if (!argo_ring_ptr_ok(rx, len))
		return true;
	return rx != tx;
}

int argo_ring_peek(const struct xen_argo_ring *ring, u32 len,
		   struct argo_ring_msg *msg)
{
	struct xen_argo_ring_message_header hdr;
	u32 rx, tx, avail, space;

	if (!argo_ring_len_valid(len))
		return -EBADMSG;

	rx = READ_ONCE(ring->rx_ptr);
	tx = READ_ONCE(ring->tx_ptr);
	/* Pairs with Xen's write barrier between the message and tx_ptr. */
	smp_rmb();

	if (!argo_ring_ptr_ok(rx, len) || !argo_ring_ptr_ok(tx, len))
		return -EBADMSG;
	if (rx == tx)
		return -ENODATA;

	avail = argo_ring_dist(rx, tx, len);
	if (avail < XEN_ARGO_MSG_HDR_SIZE)
		return -EBADMSG;

	/* rx is 16-aligned and len a multiple of 16: the header is whole. */
	/* One copy of the header: everything below checks the copy only. */
	memcpy(&hdr, &ring->ring[rx], sizeof(hdr));

	/* Compare before rounding so that a huge len cannot wrap to small. */
	if (hdr.len < XEN_ARGO_MSG_HDR_SIZE || hdr.len > avail)
		return -EBADMSG;
	space = XEN_ARGO_ROUNDUP(hdr.len);
	if (space > avail)
		return -EBADMSG;

	msg->source = hdr.source;
	msg->type = hdr.message_type;
	msg->len = hdr.len - XEN_ARGO_MSG_HDR_SIZE;
	msg->offset = rx + XEN_ARGO_MSG_HDR_SIZE;
	if (msg->offset >= len)
		msg->offset -= len;
	msg->next_rx = rx + space;
	if (msg->next_rx >= len)
		msg->next_rx -= len;
	return 0;
}

unsigned int argo_ring_segments(u32 len, const struct argo_ring_msg *msg,
				u32 skip, u32 n, struct argo_ring_seg seg[2])
{
	u32 start, first;

	if (!argo_ring_len_valid(len) || msg->len > len || msg->offset >= len ||
	    skip >= msg->len || !n)
		return 0;
	n = min(n, msg->len - skip);

	/* offset < len and skip < msg->len <= len: no u32 overflow here. */
	start = msg->offset + skip;
	if (start >= len)
		start -= len;

	first = min(n, len - start);
	seg[0].offset = start;
	seg[0].len = first;
	if (first == n)
		return 1;
	seg[1].offset = 0;
	seg[1].len = n - first;
	return 2;
}

u32 argo_ring_copy_out(const struct xen_argo_ring *ring, u32 len,
		       const struct argo_ring_msg *msg, u32 skip,
		       void *dst, u32 n)
{
	struct argo_ring_seg seg[2];
	unsigned int i, nseg;
	u32 done = 0;

	nseg = argo_ring_segments(len, msg, skip, n, seg);
	for (i = 0; i < nseg; i++) {
		memcpy((u8 *)dst + done, &ring->ring[seg[i].offset],
		       seg[i].len);
		done += seg[i].len;
	}
	return done;
}

void argo_ring_consume(struct xen_argo_ring *ring,
		       const struct argo_ring_msg *msg)
{
	/* Our reads of the message complete before Xen may overwrite it. */
	smp_mb();
	WRITE_ONCE(ring->rx_ptr, msg->next_rx);
}

u32 argo_ring_reset(struct xen_argo_ring *ring, u32 len, const char *what)
{
	u32 rx = READ_ONCE(ring->rx_ptr);
	u32 tx = READ_ONCE(ring->tx_ptr);
	u32 lost;

	if (argo_ring_ptr_ok(tx, len)) {
		lost = argo_ring_ptr_ok(rx, len) ?
		       argo_ring_dist(rx, tx, len) : len;
	} else {
		/* Xen owns tx_ptr; nothing sane to keep. */
		tx = 0;
		lost = len;
	}
	pr_warn_ratelimited("ring %s: corrupt (rx_ptr %u tx_ptr %u len %u), dropped %u bytes\n",
			    what, rx, READ_ONCE(ring->tx_ptr), len, lost);
	/* Order the reads above before handing the space back to Xen. */
	smp_mb();
	WRITE_ONCE(ring->rx_ptr, tx);
	return lost;
}
