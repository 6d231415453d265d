/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The domain's registered Argo rings, the VIRQ and sending.
 *
 * Who calls what
 * - An owner (a datagram socket, a stream listener, a stream client ring)
 *   creates a ring with argo_ring_create(): ringtab allocates the pages,
 *   registers them with Xen and adds the ring to the table.  The owner's
 *   ops->data_ready() is then called from ringtab's work item (process
 *   context, may sleep, never concurrently for one ring) whenever the ring
 *   may hold messages: after each VIRQ, after registration and after
 *   resume.  The owner consumes messages with argo_rx_lock() held, using
 *   argo_rx_next()/argo_rx_copy*()/argo_rx_consume(), and calls
 *   argo_rx_notify() after a batch so that Xen signals senders waiting
 *   for space in this ring.  Messages may also stay in the ring until the
 *   application reads them (datagram sockets do this).
 * - argo_ring_destroy() unregisters and frees a ring.  It waits for a running
 *   data_ready() of that ring to return: do not call it while holding a lock
 *   that your data_ready() takes, and never from data_ready() itself.
 *   argo_ring_create() may be called with owner locks held.
 * - Senders call argo_sendv() (kernel buffers; Xen copies them into the
 *   destination ring).  It returns -EAGAIN when the destination ring lacks
 *   space; argo_wait_space() then asks Xen for a VIRQ once space_required
 *   bytes are free and sleeps until that destination has the space (the
 *   VIRQ work checks), a signal, or the timeout.
 *   Pollers add argo_space_waitq() to their poll table to be woken likewise.
 *
 * Locks: argo_rings_lock (ringtab.c, a mutex) protects the table and every
 * ring's registration state; ring->rx_lock serialises consumers of one ring.
 * Order: argo_rings_lock is never held while calling data_ready().
 */
#ifndef ARGO_RINGTAB_H
#define ARGO_RINGTAB_H

#include <linux/types.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/wait.h>
#include <linux/uio.h>
#include <linux/atomic.h>
#include "xen_argo.h"
#include "ring.h"

struct argo_ring;
struct seq_file;

struct argo_ring_ops {
	/* Short name for the admin listing and logs ("dgram", "listen", ...). */
	const char *name;
	/*
	 * The ring may hold messages (or Xen may have freed space somewhere).
	 * Process context; not called concurrently for one ring.
	 */
	void (*data_ready)(struct argo_ring *ring);
	/*
	 * Optional: called after the domain was restored or resumed and the
	 * ring re-registered (err = 0) or re-registration failed (err < 0).
	 * The local domid may have changed: see argo_local_domid().
	 */
	void (*resumed)(struct argo_ring *ring, int err);
	/* Optional: extra text for the ring's line in debugfs "rings". */
	void (*show)(struct seq_file *m, struct argo_ring *ring);
};

struct argo_ring {
	/* Set at creation, constant afterwards. */
	u32 aport;
	u16 partner;			/* a domid or XEN_ARGO_DOMID_ANY */
	u32 len;			/* bytes of message space */
	const struct argo_ring_ops *ops;
	void *owner;

	/* Consumers: hold rx_lock around peek/copy/consume. */
	struct mutex rx_lock;
	struct xen_argo_ring *shared;	/* vmalloc'ed, npages pages */

	/* Counters, updated by argo_rx_consume()/argo_rx_drop(). */
	atomic64_t rx_bytes;
	atomic64_t rx_msgs;
	atomic64_t drops;
	atomic64_t resets;

	/* Private to ringtab.c. */
	u32 npages;
	u64 *gfns;			/* frame numbers given to Xen */
	bool registered;		/* under argo_rings_lock */
	bool dead;			/* under cb_sem (write) */
	struct list_head node;		/* table, under argo_rings_lock */
	struct list_head work_node;	/* the VIRQ work's private list */
	struct rw_semaphore cb_sem;	/* held (read) around data_ready */
	struct kref ref;
};

/*
 * Create and register a ring.  aport ARGO_PORT_ANY picks a free ephemeral
 * port in [ARGO_EPHEMERAL_PORT_MIN, ARGO_EPHEMERAL_PORT_MAX].  len must
 * satisfy argo_ring_len_valid().  Errors: -EADDRINUSE (this port and
 * partner already has a ring here), -EPERM (Xen refuses: a wildcard ring
 * without mac-permissive, logged once), -EHOSTUNREACH (the partner domain
 * does not exist), -ENOMEM, -ENOSPC (Xen's ring limit: 128 per domain),
 * other Xen errors.  Returns an ERR_PTR on failure.
 */
struct argo_ring *argo_ring_create(u32 aport, u16 partner, u32 len,
				   const struct argo_ring_ops *ops,
				   void *owner);

/* Unregister and free; waits for a running data_ready() (see above). */
void argo_ring_destroy(struct argo_ring *ring);

/* Is some ring of this domain using aport (any partner)? */
bool argo_port_in_use(u32 aport);

static inline void argo_rx_lock(struct argo_ring *ring)
{
	mutex_lock(&ring->rx_lock);
}

static inline void argo_rx_unlock(struct argo_ring *ring)
{
	mutex_unlock(&ring->rx_lock);
}

/*
 * Next message (rx_lock held).  0, -ENODATA (empty) or -EBADMSG; on -EBADMSG
 * the ring has already been reset (queued messages dropped, logged), so the
 * caller just treats it as empty.
 */
int argo_rx_next(struct argo_ring *ring, struct argo_ring_msg *msg);

/* Copy payload bytes [skip, skip + n) to kernel memory (rx_lock held). */
u32 argo_rx_copy(struct argo_ring *ring, const struct argo_ring_msg *msg,
		 u32 skip, void *dst, u32 n);

/*
 * Copy payload bytes [skip, skip + n) to user memory (rx_lock held).
 * Returns the bytes copied or -EFAULT.
 */
long argo_rx_copy_to_user(struct argo_ring *ring,
			  const struct argo_ring_msg *msg, u32 skip,
			  void __user *dst, u32 n);

/* Consume msg (rx_lock held); counts rx bytes/messages. */
void argo_rx_consume(struct argo_ring *ring, const struct argo_ring_msg *msg);

/* Consume msg as a dropped message (counted in drops, not rx). */
void argo_rx_drop(struct argo_ring *ring, const struct argo_ring_msg *msg);

static inline bool argo_rx_ready(struct argo_ring *ring)
{
	return argo_ring_has_data(ring->shared, ring->len);
}

/* Tell Xen we consumed: it then signals senders waiting for our space. */
void argo_rx_notify(void);

/*
 * Send one message of type msg_type made of niov kernel buffers (niov <=
 * XEN_ARGO_MAXIOV) from local port src_port to dst.  Returns the payload
 * bytes sent or -errno: -EAGAIN (no space now), -ECONNREFUSED (no ring
 * accepts us at dst), -EHOSTUNREACH (no such domain), -EMSGSIZE (larger
 * than the ring could ever hold), -EINVAL, -EPERM (refused by Xen's policy).
 * Empty iovs are left out (Xen logs a warning for each).  Xen itself
 * queues a space notification for the message when it returns -EAGAIN.
 */
ssize_t argo_sendv(u32 src_port, const xen_argo_addr_t *dst,
		   const struct kvec *iov, unsigned int niov, u32 msg_type);

/*
 * Wait until dst may take a message of space_required payload bytes (the
 * total of the iovs, header not included: Xen compares it with the ring's
 * free space less one header and one slot).  Returns 0 when the caller
 * should retry its send (space reported, a VIRQ came, or the wait slice
 * ended), -ECONNREFUSED when dst has no ring for us, -EMSGSIZE when it can
 * never fit, -ERESTARTSYS on a signal, -ETIMEDOUT when *timeo (jiffies,
 * updated; MAX_SCHEDULE_TIMEOUT for none) ran out.
 */
int argo_wait_space(const xen_argo_addr_t *dst, u32 space_required,
		    long *timeo);

/*
 * Ask Xen whether dst could take a message of space_required payload bytes
 * now (as for argo_wait_space()); if not, Xen
 * raises the VIRQ when it can (pollers: also poll_wait argo_space_waitq()).
 * Returns 1 (sufficient), 0 (not yet), -ECONNREFUSED, -EMSGSIZE, -errno.
 */
int argo_query_space(const xen_argo_addr_t *dst, u32 space_required);

/* Pollers' queue, woken after every VIRQ (space may have been freed). */
wait_queue_head_t *argo_space_waitq(void);

/* This domain's id (0 in dom0; re-read after resume). */
u16 argo_local_domid(void);

/* Counters for the admin listing and leak checks. */
int argo_rings_live(void);
void argo_rings_show(struct seq_file *m);
/* Event counts since load (VIRQs, hypercalls, space waits), one per line. */
void argo_ringtab_stats_show(struct seq_file *m);

/* Module init/exit: table, VIRQ binding, resume notifier. */
int argo_ringtab_init(void);
void argo_ringtab_exit(void);

#endif /* ARGO_RINGTAB_H */
