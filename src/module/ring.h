/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure logic of an Argo receive ring (ring.c).
 *
 * No allocation, locking, sleeping or hypercalls: the caller (ringtab.c in
 * the kernel, tests/unit in userspace) owns the memory and serialises all
 * consumers of one ring.  Xen is the only producer; it advances tx_ptr after
 * writing a message, so the consumer reads tx_ptr, then (after a read
 * barrier) the messages before it, then publishes rx_ptr (after a full
 * barrier) once it no longer needs the bytes.
 *
 * Nothing read from the ring is trusted: pointers that are out of range or
 * misaligned, and message lengths that do not fit what Xen has produced, make
 * argo_ring_peek() fail with -EBADMSG; the caller then calls argo_ring_reset(),
 * which discards everything queued and logs (rate-limited).  No input makes
 * these functions loop or read outside ring[0..len).
 */
#ifndef ARGO_RING_H
#define ARGO_RING_H

#include "argo_types.h"
#include "xen_argo.h"

/*
 * Smallest and largest message space (len) Xen accepts for a ring: Xen's
 * register_ring wants room for a header, one payload slot and the slot that
 * always stays free (48 bytes), else -EINVAL.
 */
#define ARGO_RING_LEN_MIN	(XEN_ARGO_MSG_HDR_SIZE + 2 * XEN_ARGO_MSG_SLOT_SIZE)
#define ARGO_RING_LEN_MAX	(XEN_ARGO_MAX_RING_SIZE - XEN_ARGO_RING_HDR_SIZE)

/* A message found by argo_ring_peek(). */
struct argo_ring_msg {
	xen_argo_addr_t source;	/* as written by Xen */
	u32 type;		/* message_type */
	u32 len;		/* payload bytes (header excluded) */
	u32 offset;		/* ring[] offset of the first payload byte */
	u32 next_rx;		/* rx_ptr once this message is consumed */
};

/* A contiguous piece of a payload inside ring[]. */
struct argo_ring_seg {
	u32 offset;
	u32 len;
};

/* Is len a message-space size Xen will register (slot multiple, range)? */
bool argo_ring_len_valid(u32 len);

/* Pages to register for a ring of len bytes of message space. */
u32 argo_ring_npages(u32 len, u32 page_size);

/* Ring bytes a message with payload_len bytes of payload occupies. */
u32 argo_ring_msg_space(u32 payload_len);

/*
 * Largest payload a ring of len bytes can ever accept (Xen never fills a
 * ring completely, so one slot always stays free).
 */
u32 argo_ring_max_payload(u32 len);

/* Bytes of the ring occupied by unconsumed messages, 0 if pointers are bad. */
u32 argo_ring_used(const struct xen_argo_ring *ring, u32 len);

/* Is there anything to consume?  (Cheap; no validation beyond the pointers.) */
bool argo_ring_has_data(const struct xen_argo_ring *ring, u32 len);

/*
 * Look at the next message without consuming it.
 * Returns 0 and fills *msg, -ENODATA when the ring is empty, -EBADMSG when
 * the ring's pointers or the message header make no sense (call
 * argo_ring_reset() then).
 */
int argo_ring_peek(const struct xen_argo_ring *ring, u32 len,
		   struct argo_ring_msg *msg);

/*
 * Split payload bytes [skip, skip + n) of msg into at most two contiguous
 * pieces of ring[] (the payload may wrap at the ring's end).  n is clamped
 * to the payload.  Returns the number of pieces (0, 1 or 2).
 */
unsigned int argo_ring_segments(u32 len, const struct argo_ring_msg *msg,
				u32 skip, u32 n, struct argo_ring_seg seg[2]);

/* Copy payload bytes [skip, skip + n) of msg to dst; returns bytes copied. */
u32 argo_ring_copy_out(const struct xen_argo_ring *ring, u32 len,
		       const struct argo_ring_msg *msg, u32 skip,
		       void *dst, u32 n);

/* Release msg's slots to Xen (publishes rx_ptr = msg->next_rx). */
void argo_ring_consume(struct xen_argo_ring *ring,
		       const struct argo_ring_msg *msg);

/*
 * Drop everything queued after a corrupt ring was detected: rx_ptr is set
 * to tx_ptr when that is valid, else to 0.  Logs (rate-limited) with what,
 * a short name of the ring for the log.  Returns the bytes discarded (an
 * estimate when the pointers were bad).
 */
u32 argo_ring_reset(struct xen_argo_ring *ring, u32 len, const char *what);

#endif /* ARGO_RING_H */
