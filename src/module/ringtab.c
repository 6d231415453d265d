// SPDX-License-Identifier: GPL-2.0
/*
 * The domain's registered Argo rings, VIRQ dispatch, sending and
 * waiting for space; see ringtab.h for the rules owners follow.
 *
 * Implementation notes
 * - One VIRQ (VIRQ_ARGO) for everything: Xen raises it when a message lands
 *   in one of our rings and when space we asked for (notify) frees up in a
 *   peer's ring; it does not say which.  The handler only queues
 *   argo_rx_work on an ordered, high-priority workqueue (data_ready() may
 *   sleep; high priority: the hop to the worker is on every round trip).
 *   The work first calls data_ready() of every ring holding data, then
 *   settles the space waiters (below).
 * - Space waiters (argo_wait_space()) are listed with their destination.
 *   After a VIRQ the work asks Xen about every distinct destination in ONE
 *   notify call and wakes only the waiters whose ring now has the space (or
 *   is gone); the others stay asleep and the same call has re-armed Xen's
 *   notification for them.  Waking every writer on every VIRQ instead costs
 *   each of them a query and a failed sendv (two hypercalls) per VIRQ, and
 *   a VIRQ comes for every message or credit that reaches this domain.
 *   Pollers sleep on argo_space_wq, woken after every VIRQ if any sleeps.
 * - Rings are reference counted: the table holds one reference, the work
 *   takes one per ring it is about to call, so a ring's memory outlives a
 *   concurrent argo_ring_destroy(); cb_sem makes destroy wait for a running
 *   callback, after which the owner may free its own state.
 * - The shared pages are vzalloc'ed; Xen gets their frame numbers
 *   (xen_page_to_gfn: MFNs for PV, guest frames for PVH/HVM) and maps them
 *   itself.  They are freed only after unregistration.
 * - Resume (xl save/restore, migration, checkpoint): syscore resume (see
 *   compat.h) queues argo_resume_work.  In a new domain Xen knows none of
 *   our rings and the frames may have changed: every ring is registered
 *   again; Xen takes tx_ptr from the ring, so unread messages survive.
 *   After a cancelled suspend (xl save -c) Xen still has every ring and
 *   they are left alone (see argo_ring_reregister()).
 *
 * Locks: argo_rings_lock (mutex) protects argo_rings, argo_nrings and each
 * ring's registered flag; it is taken around hypercalls that change the
 * table and never held while an owner callback runs.
 */
#define pr_fmt(fmt) "argo: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/interrupt.h>
#include <linux/workqueue.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <xen/xen.h>
#include <xen/page.h>
#include <xen/events.h>
#include <xen/xenbus.h>
#include "hypercall.h"
#include "ringtab.h"
#include "uapi/linux/argo.h"

static DEFINE_MUTEX(argo_rings_lock);
static LIST_HEAD(argo_rings);
static int argo_nrings;

static struct workqueue_struct *argo_wq;
static struct work_struct argo_rx_work;
static struct work_struct argo_resume_work;
static int argo_virq_irq = -1;

static DECLARE_WAIT_QUEUE_HEAD(argo_space_wq);

/* A writer sleeping in argo_wait_space(); on its stack. */
struct argo_space_waiter {
	struct list_head node;		/* argo_space_waiters */
	struct task_struct *task;
	xen_argo_addr_t dst;
	u32 space;			/* payload bytes it needs */
	int slot;			/* entry in argo_space_query, or below */
	bool ready;			/* woken: retry the send */
};

/* slot: not yet seen by the work; seen, but beyond the query's capacity. */
#define ARGO_SPACE_SLOT_NEW	(-1)
#define ARGO_SPACE_SLOT_ALL	(-2)
/* Distinct destinations asked about in one notify call. */
#define ARGO_SPACE_QUERY_MAX	16

static DEFINE_SPINLOCK(argo_space_lock);	/* argo_space_waiters */
static LIST_HEAD(argo_space_waiters);

/* notify's argument: the work's own (ordered workqueue: never concurrent). */
static struct {
	u32 nent;
	u32 pad;
	struct xen_argo_ring_data_ent ent[ARGO_SPACE_QUERY_MAX];
} argo_space_query;

/* Event counts since load, for the bench (debugfs argo/stats). */
static struct {
	atomic_long_t virqs;
	atomic_long_t sendv;
	atomic_long_t sendv_eagain;
	atomic_long_t space_sleeps;
	atomic_long_t space_wakeups;
	atomic_long_t space_queries;
	atomic_long_t rx_notifies;
} argo_stats;

static u16 argo_domid = XEN_ARGO_DOMID_ANY;

/* Tries at a random ephemeral port before giving up with -EADDRINUSE. */
#define ARGO_EPHEMERAL_TRIES	64
/* Longest single sleep of a space waiter: a lost VIRQ costs at most this. */
#define ARGO_SPACE_WAIT_SLICE	HZ

static void argo_ring_free(struct kref *ref)
{
	struct argo_ring *ring = container_of(ref, struct argo_ring, ref);

	vfree(ring->shared);
	kvfree(ring->gfns);
	kfree(ring);
}

static void argo_ring_put(struct argo_ring *ring)
{
	kref_put(&ring->ref, argo_ring_free);
}

/* Fill ring->gfns from the current frames of ring->shared. */
static void argo_ring_fill_gfns(struct argo_ring *ring)
{
	u8 *base = (u8 *)ring->shared;
	u32 i;

	for (i = 0; i < ring->npages; i++)
		ring->gfns[i] = xen_page_to_gfn(vmalloc_to_page(base +
							(size_t)i * PAGE_SIZE));
}

static int argo_ring_register(struct argo_ring *ring, bool fail_exist)
{
	struct xen_argo_register_ring reg = {
		.aport = ring->aport,
		.partner_id = ring->partner,
		.len = ring->len,
	};

	lockdep_assert_held(&argo_rings_lock);
	return argo_hc_register_ring(&reg, ring->gfns, ring->npages,
				     fail_exist);
}

static bool argo_ring_exists(u32 aport, u16 partner, bool any_partner)
{
	struct argo_ring *ring;

	lockdep_assert_held(&argo_rings_lock);
	list_for_each_entry(ring, &argo_rings, node) {
		if (ring->aport == aport &&
		    (any_partner || ring->partner == partner))
			return true;
	}
	return false;
}

bool argo_port_in_use(u32 aport)
{
	bool ret;

	mutex_lock(&argo_rings_lock);
	ret = argo_ring_exists(aport, 0, true);
	mutex_unlock(&argo_rings_lock);
	return ret;
}

static u32 argo_random_ephemeral_port(void)
{
	u32 span = ARGO_EPHEMERAL_PORT_MAX - ARGO_EPHEMERAL_PORT_MIN + 1;

	return ARGO_EPHEMERAL_PORT_MIN + get_random_u32() % span;
}

/* Register under the table lock; picks a port for ARGO_PORT_ANY. */
static int argo_ring_add(struct argo_ring *ring)
{
	bool ephemeral = ring->aport == ARGO_PORT_ANY;
	int tries = ephemeral ? ARGO_EPHEMERAL_TRIES : 1;
	int ret = -EADDRINUSE;

	lockdep_assert_held(&argo_rings_lock);
	while (tries--) {
		if (ephemeral) {
			ring->aport = argo_random_ephemeral_port();
			if (argo_ring_exists(ring->aport, 0, true))
				continue;
		} else if (argo_ring_exists(ring->aport, ring->partner, false)) {
			return -EADDRINUSE;
		}

		ret = argo_ring_register(ring, true);
		if (ret == -EEXIST) {
			ret = -EADDRINUSE;
			continue;
		}
		if (ret == -ESRCH)
			ret = -EHOSTUNREACH;	/* no partner domain */
		if (ret == -EPERM && ring->partner == XEN_ARGO_DOMID_ANY)
			pr_warn_once("wildcard rings need Xen's argo=1,mac-permissive=1; bind with a partner domain instead\n");
		if (ret)
			return ret;

		ring->registered = true;
		list_add_tail(&ring->node, &argo_rings);
		argo_nrings++;
		return 0;
	}
	return ret;
}

struct argo_ring *argo_ring_create(u32 aport, u16 partner, u32 len,
				   const struct argo_ring_ops *ops,
				   void *owner)
{
	struct argo_ring *ring;
	int ret;

	if (!argo_ring_len_valid(len) || !ops || !ops->data_ready)
		return ERR_PTR(-EINVAL);

	ring = kzalloc(sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return ERR_PTR(-ENOMEM);
	ring->aport = aport;
	ring->partner = partner;
	ring->len = len;
	ring->ops = ops;
	ring->owner = owner;
	mutex_init(&ring->rx_lock);
	init_rwsem(&ring->cb_sem);
	kref_init(&ring->ref);
	INIT_LIST_HEAD(&ring->node);
	INIT_LIST_HEAD(&ring->work_node);
	atomic64_set(&ring->rx_bytes, 0);
	atomic64_set(&ring->rx_msgs, 0);
	atomic64_set(&ring->drops, 0);
	atomic64_set(&ring->resets, 0);

	ring->npages = argo_ring_npages(len, PAGE_SIZE);
	ring->shared = vzalloc((size_t)ring->npages * PAGE_SIZE);
	ring->gfns = kvmalloc_array(ring->npages, sizeof(*ring->gfns),
				    GFP_KERNEL);
	if (!ring->shared || !ring->gfns) {
		ret = -ENOMEM;
		goto err_free;
	}
	argo_ring_fill_gfns(ring);

	mutex_lock(&argo_rings_lock);
	ret = argo_ring_add(ring);
	mutex_unlock(&argo_rings_lock);
	if (ret)
		goto err_free;
	return ring;

err_free:
	argo_ring_put(ring);
	return ERR_PTR(ret);
}

void argo_ring_destroy(struct argo_ring *ring)
{
	int ret;

	if (!ring)
		return;

	mutex_lock(&argo_rings_lock);
	list_del_init(&ring->node);
	argo_nrings--;
	if (ring->registered) {
		ret = argo_hc_unregister_ring(ring->aport, ring->partner);
		/* -ENOENT: Xen already dropped it (partner domain destroyed). */
		if (ret && ret != -ENOENT)
			pr_warn_ratelimited("unregister ring port 0x%x partner %u: %d\n",
					    ring->aport, ring->partner, ret);
		ring->registered = false;
	}
	mutex_unlock(&argo_rings_lock);

	/* Wait for a data_ready() in flight; none starts after this. */
	down_write(&ring->cb_sem);
	ring->dead = true;
	up_write(&ring->cb_sem);

	argo_ring_put(ring);
}

/* ---- Consumers ---------------------------------------------------------- */

int argo_rx_next(struct argo_ring *ring, struct argo_ring_msg *msg)
{
	char what[32];
	int ret;

	lockdep_assert_held(&ring->rx_lock);
	ret = argo_ring_peek(ring->shared, ring->len, msg);
	if (ret != -EBADMSG)
		return ret;

	snprintf(what, sizeof(what), "port 0x%x partner %u", ring->aport,
		 ring->partner);
	argo_ring_reset(ring->shared, ring->len, what);
	atomic64_inc(&ring->resets);
	return -EBADMSG;
}

u32 argo_rx_copy(struct argo_ring *ring, const struct argo_ring_msg *msg,
		 u32 skip, void *dst, u32 n)
{
	lockdep_assert_held(&ring->rx_lock);
	return argo_ring_copy_out(ring->shared, ring->len, msg, skip, dst, n);
}

long argo_rx_copy_to_user(struct argo_ring *ring,
			  const struct argo_ring_msg *msg, u32 skip,
			  void __user *dst, u32 n)
{
	struct argo_ring_seg seg[2];
	unsigned int i, nseg;
	u32 done = 0;

	lockdep_assert_held(&ring->rx_lock);
	nseg = argo_ring_segments(ring->len, msg, skip, n, seg);
	for (i = 0; i < nseg; i++) {
		if (copy_to_user((u8 __user *)dst + done,
				 &ring->shared->ring[seg[i].offset], seg[i].len))
			return -EFAULT;
		done += seg[i].len;
	}
	return done;
}

void argo_rx_consume(struct argo_ring *ring, const struct argo_ring_msg *msg)
{
	lockdep_assert_held(&ring->rx_lock);
	argo_ring_consume(ring->shared, msg);
	atomic64_add(msg->len, &ring->rx_bytes);
	atomic64_inc(&ring->rx_msgs);
}

void argo_rx_drop(struct argo_ring *ring, const struct argo_ring_msg *msg)
{
	lockdep_assert_held(&ring->rx_lock);
	argo_ring_consume(ring->shared, msg);
	atomic64_inc(&ring->drops);
}

void argo_rx_notify(void)
{
	int ret;

	atomic_long_inc(&argo_stats.rx_notifies);
	ret = argo_hc_notify(NULL);

	if (ret)
		pr_warn_ratelimited("notify: %d\n", ret);
}

/* ---- Senders ------------------------------------------------------------ */

ssize_t argo_sendv(u32 src_port, const xen_argo_addr_t *dst,
		   const struct kvec *iov, unsigned int niov, u32 msg_type)
{
	struct xen_argo_send_addr addr = {
		.src = { .aport = src_port, .domain_id = XEN_ARGO_DOMID_ANY },
		.dst = { .aport = dst->aport, .domain_id = dst->domain_id },
	};
	struct xen_argo_iov xiov[XEN_ARGO_MAXIOV];
	unsigned int i, n = 0;
	size_t total = 0;
	int ret;

	if (niov > XEN_ARGO_MAXIOV)
		return -EINVAL;
	memset(xiov, 0, sizeof(xiov));
	for (i = 0; i < niov; i++) {
		if (iov[i].iov_len > XEN_ARGO_MAX_RING_SIZE)
			return -EMSGSIZE;
		if (!iov[i].iov_len)
			continue;
		total += iov[i].iov_len;
		xiov[n].iov_hnd = (u64)(unsigned long)iov[i].iov_base;
		xiov[n].iov_len = iov[i].iov_len;
		n++;
	}
	if (total > XEN_ARGO_MAX_RING_SIZE)
		return -EMSGSIZE;

	atomic_long_inc(&argo_stats.sendv);
	ret = argo_hc_sendv(&addr, xiov, n, msg_type);
	if (ret == -EAGAIN)
		atomic_long_inc(&argo_stats.sendv_eagain);
	return ret == -ESRCH ? -EHOSTUNREACH : ret;
}

/* notify's argument with exactly one entry. */
struct argo_ring_query {
	u32 nent;
	u32 pad;
	struct xen_argo_ring_data_ent ent;
};

int argo_query_space(const xen_argo_addr_t *dst, u32 space_required)
{
	struct argo_ring_query q = {
		.nent = 1,
		.ent.ring.aport = dst->aport,
		.ent.ring.domain_id = dst->domain_id,
		.ent.space_required = space_required,
	};
	int ret;

	BUILD_BUG_ON(offsetof(struct argo_ring_query, ent) !=
		     offsetof(struct xen_argo_ring_data, data));
	atomic_long_inc(&argo_stats.space_queries);
	ret = argo_hc_notify((struct xen_argo_ring_data *)&q);
	if (ret)
		return ret;
	if (!(q.ent.flags & XEN_ARGO_RING_EXISTS))
		return -ECONNREFUSED;
	if (q.ent.flags & XEN_ARGO_RING_EMSGSIZE)
		return -EMSGSIZE;
	return (q.ent.flags & XEN_ARGO_RING_SUFFICIENT) ? 1 : 0;
}

int argo_wait_space(const xen_argo_addr_t *dst, u32 space_required,
		    long *timeo)
{
	struct argo_space_waiter w = {
		.task = current,
		.dst = { .aport = dst->aport, .domain_id = dst->domain_id },
		.space = space_required,
		.slot = ARGO_SPACE_SLOT_NEW,
	};
	long slice, left;
	int ret;

	/* Listed before asking: a VIRQ from here on finds us. */
	spin_lock(&argo_space_lock);
	list_add_tail(&w.node, &argo_space_waiters);
	spin_unlock(&argo_space_lock);

	ret = argo_query_space(dst, space_required);
	if (ret)
		goto out;		/* space now (1), or an error */
	if (*timeo <= 0) {
		ret = -ETIMEDOUT;
		goto out;
	}

	atomic_long_inc(&argo_stats.space_sleeps);
	slice = min_t(long, *timeo, ARGO_SPACE_WAIT_SLICE);
	left = slice;
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (READ_ONCE(w.ready))
			break;
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		if (!left)
			break;
		left = schedule_timeout(left);
	}
	__set_current_state(TASK_RUNNING);
	if (!ret && *timeo != MAX_SCHEDULE_TIMEOUT) {
		*timeo -= slice - left;
		if (*timeo <= 0 && !left && !READ_ONCE(w.ready))
			ret = -ETIMEDOUT;
	}
out:
	/* The work touches w only under the lock, while it is listed. */
	spin_lock(&argo_space_lock);
	list_del(&w.node);
	spin_unlock(&argo_space_lock);
	return ret > 0 ? 0 : ret;
}

static bool argo_addr_eq(const xen_argo_addr_t *a, const xen_argo_addr_t *b)
{
	return a->aport == b->aport && a->domain_id == b->domain_id;
}

/* Wake a listed waiter (argo_space_lock held). */
static void argo_space_wake_one(struct argo_space_waiter *w)
{
	lockdep_assert_held(&argo_space_lock);
	WRITE_ONCE(w->ready, true);
	wake_up_process(w->task);
	atomic_long_inc(&argo_stats.space_wakeups);
}

/*
 * After a VIRQ: one notify call about every destination a writer waits
 * for; wake those whose ring has the space now, has gone, or cannot ever
 * take the message (the writer's retry reports it).  Waiters that came
 * after the snapshot asked Xen themselves.  Rx work only.
 */
static void argo_space_settle(void)
{
	struct xen_argo_ring_data_ent *ent = argo_space_query.ent;
	struct argo_space_waiter *w;
	unsigned int i, n = 0;
	bool wake;
	int ret;

	spin_lock(&argo_space_lock);
	list_for_each_entry(w, &argo_space_waiters, node) {
		if (w->ready)
			continue;
		for (i = 0; i < n; i++)
			if (argo_addr_eq(&ent[i].ring, &w->dst))
				break;
		if (i == ARGO_SPACE_QUERY_MAX) {
			w->slot = ARGO_SPACE_SLOT_ALL;
			continue;
		}
		if (i == n) {
			memset(&ent[i], 0, sizeof(ent[i]));
			ent[i].ring = w->dst;
			ent[i].space_required = w->space;
			n++;
		}
		/* The smallest need: Xen's next VIRQ comes when it fits. */
		ent[i].space_required = min(ent[i].space_required, w->space);
		w->slot = i;
	}
	spin_unlock(&argo_space_lock);
	if (!n)
		return;

	argo_space_query.nent = n;
	atomic_long_inc(&argo_stats.space_queries);
	ret = argo_hc_notify((struct xen_argo_ring_data *)&argo_space_query);
	if (ret)
		pr_warn_ratelimited("space query: %d\n", ret);

	spin_lock(&argo_space_lock);
	list_for_each_entry(w, &argo_space_waiters, node) {
		if (w->ready || w->slot == ARGO_SPACE_SLOT_NEW)
			continue;
		if (ret || w->slot == ARGO_SPACE_SLOT_ALL) {
			wake = true;
		} else {
			u16 flags = ent[w->slot].flags;

			wake = !(flags & XEN_ARGO_RING_EXISTS) ||
			       (flags & (XEN_ARGO_RING_SUFFICIENT |
					 XEN_ARGO_RING_EMSGSIZE));
		}
		if (wake)
			argo_space_wake_one(w);
	}
	spin_unlock(&argo_space_lock);
}

wait_queue_head_t *argo_space_waitq(void)
{
	return &argo_space_wq;
}

u16 argo_local_domid(void)
{
	return READ_ONCE(argo_domid);
}

/* ---- VIRQ, work, resume -------------------------------------------------- */

/* Take a reference on every ring (with data, if only_ready) into *todo. */
static void argo_rings_snapshot(struct list_head *todo, bool only_ready)
{
	struct argo_ring *ring;

	mutex_lock(&argo_rings_lock);
	list_for_each_entry(ring, &argo_rings, node) {
		if (only_ready && !argo_rx_ready(ring))
			continue;
		kref_get(&ring->ref);
		list_add_tail(&ring->work_node, todo);
	}
	mutex_unlock(&argo_rings_lock);
}

static void argo_rx_work_fn(struct work_struct *work)
{
	struct argo_ring *ring, *tmp;
	LIST_HEAD(todo);

	/* Data first: a reader's wakeup is on the round trip's path. */
	argo_rings_snapshot(&todo, true);
	list_for_each_entry_safe(ring, tmp, &todo, work_node) {
		list_del_init(&ring->work_node);
		down_read(&ring->cb_sem);
		if (!ring->dead)
			ring->ops->data_ready(ring);
		up_read(&ring->cb_sem);
		argo_ring_put(ring);
	}

	argo_space_settle();
	/* Pollers for POLLOUT re-ask Xen themselves. */
	if (wq_has_sleeper(&argo_space_wq))
		wake_up_interruptible_all(&argo_space_wq);
}

static irqreturn_t argo_virq_handler(int irq, void *dev_id)
{
	atomic_long_inc(&argo_stats.virqs);
	queue_work(argo_wq, &argo_rx_work);
	return IRQ_HANDLED;
}

static void argo_read_domid(void)
{
	unsigned int domid;

	if (xen_initial_domain()) {
		WRITE_ONCE(argo_domid, 0);
		return;
	}
	if (xenbus_scanf(XBT_NIL, "domid", "", "%u", &domid) == 1 &&
	    domid < XEN_ARGO_DOMID_ANY) {
		WRITE_ONCE(argo_domid, domid);
		return;
	}
	pr_warn("cannot read this domain's id from xenstore; GETSOCKNAME will report %u\n",
		XEN_ARGO_DOMID_ANY);
	WRITE_ONCE(argo_domid, XEN_ARGO_DOMID_ANY);
}

/*
 * Make sure Xen has the ring after a resume: 0 if it has (again), or an
 * error after which Xen no longer maps the ring's pages.  *kept: Xen still
 * had it.
 *
 * Register with FAIL_EXIST first.  After a checkpoint (xl save -c) or any
 * cancelled suspend the domain did not move and Xen still has every ring
 * on the same frames: it answers -EEXIST, and that ring needs nothing.
 * Re-registering it in place would work, but Xen 4.17 counts the ring
 * again (ring_count is incremented on every registration, decremented once
 * on unregistration) and, for a ring with a partner, adds another entry to
 * the partner's send list: each checkpoint would eat into the domain's 128
 * rings for good.  In a new domain (restore, migration) the ring is
 * unknown and this registers it on the new frames.
 *
 * Xen checks its ring limit before it looks for the ring, so -ENOSPC may
 * hide a ring it still has: drop that one and register it again.  Any
 * other failure leaves it unknown whether Xen still maps the pages, and
 * they are freed when the socket closes: unregister (-ENOENT is fine).
 */
static int argo_ring_reregister(struct argo_ring *ring, bool *kept)
{
	int ret;

	*kept = false;
	argo_ring_fill_gfns(ring);
	ret = argo_ring_register(ring, true);
	if (ret == -EEXIST) {
		*kept = true;
		return 0;
	}
	if (ret == -ENOSPC) {
		argo_hc_unregister_ring(ring->aport, ring->partner);
		ret = argo_ring_register(ring, true);
	}
	if (ret)
		argo_hc_unregister_ring(ring->aport, ring->partner);
	return ret;
}

static void argo_resume_work_fn(struct work_struct *work)
{
	struct argo_ring *ring, *tmp;
	int again = 0, kept = 0, failed = 0;
	LIST_HEAD(todo);
	bool still;
	int ret;

	mutex_lock(&argo_rings_lock);
	list_for_each_entry(ring, &argo_rings, node) {
		ret = argo_ring_reregister(ring, &still);
		ring->registered = !ret;
		if (ret) {
			failed++;
			pr_warn("resume: re-registering ring port 0x%x partner %u failed: %d\n",
				ring->aport, ring->partner, ret);
		} else if (still) {
			kept++;
		} else {
			again++;
		}
		kref_get(&ring->ref);
		list_add_tail(&ring->work_node, &todo);
	}
	mutex_unlock(&argo_rings_lock);

	/* After the rings: xenstore may not answer until it has resumed. */
	argo_read_domid();
	pr_info("resume: %d rings registered again, %d failed, %d still registered (domid %u)\n",
		again, failed, kept, argo_local_domid());

	list_for_each_entry_safe(ring, tmp, &todo, work_node) {
		list_del_init(&ring->work_node);
		down_read(&ring->cb_sem);
		if (!ring->dead && ring->ops->resumed)
			ring->ops->resumed(ring, ring->registered ? 0 : -EIO);
		up_read(&ring->cb_sem);
		argo_ring_put(ring);
	}
	/* Look at every ring: messages may have arrived around the move. */
	argo_rx_work_fn(NULL);
}

/* Interrupts are off here (syscore resume): only queue the work. */
static void argo_syscore_resume(void)
{
	queue_work(argo_wq, &argo_resume_work);
}

static struct argo_syscore argo_syscore = {
	.resume = argo_syscore_resume,
};

/* ---- Admin --------------------------------------------------------------- */

int argo_rings_live(void)
{
	int n;

	mutex_lock(&argo_rings_lock);
	n = argo_nrings;
	mutex_unlock(&argo_rings_lock);
	return n;
}

void argo_rings_show(struct seq_file *m)
{
	struct argo_ring *ring;

	mutex_lock(&argo_rings_lock);
	list_for_each_entry(ring, &argo_rings, node) {
		seq_printf(m, "port 0x%08x partner %u len %u pages %u owner %s registered %d used %u rx_bytes %lld rx_msgs %lld drops %lld resets %lld",
			   ring->aport, ring->partner, ring->len, ring->npages,
			   ring->ops->name, ring->registered,
			   argo_ring_used(ring->shared, ring->len),
			   atomic64_read(&ring->rx_bytes),
			   atomic64_read(&ring->rx_msgs),
			   atomic64_read(&ring->drops),
			   atomic64_read(&ring->resets));
		if (ring->ops->show)
			ring->ops->show(m, ring);
		seq_putc(m, '\n');
	}
	mutex_unlock(&argo_rings_lock);
}

void argo_ringtab_stats_show(struct seq_file *m)
{
	seq_printf(m, "virqs %ld\nsendv %ld\nsendv_eagain %ld\nspace_sleeps %ld\nspace_wakeups %ld\nspace_queries %ld\nrx_notifies %ld\n",
		   atomic_long_read(&argo_stats.virqs),
		   atomic_long_read(&argo_stats.sendv),
		   atomic_long_read(&argo_stats.sendv_eagain),
		   atomic_long_read(&argo_stats.space_sleeps),
		   atomic_long_read(&argo_stats.space_wakeups),
		   atomic_long_read(&argo_stats.space_queries),
		   atomic_long_read(&argo_stats.rx_notifies));
}

/* ---- Init/exit ------------------------------------------------------------ */

int argo_ringtab_init(void)
{
	int ret;

	argo_read_domid();

	argo_wq = alloc_ordered_workqueue("argo", WQ_HIGHPRI);
	if (!argo_wq)
		return -ENOMEM;
	INIT_WORK(&argo_rx_work, argo_rx_work_fn);
	INIT_WORK(&argo_resume_work, argo_resume_work_fn);

	ret = bind_virq_to_irqhandler(ARGO_VIRQ_NR, 0, argo_virq_handler, 0,
				      "argo", NULL);
	if (ret < 0) {
		pr_err("cannot bind VIRQ_ARGO (%d): %d\n", ARGO_VIRQ_NR, ret);
		goto err_wq;
	}
	argo_virq_irq = ret;

	argo_register_syscore(&argo_syscore);
	return 0;

err_wq:
	destroy_workqueue(argo_wq);
	argo_wq = NULL;
	return ret;
}

void argo_ringtab_exit(void)
{
	argo_unregister_syscore(&argo_syscore);
	if (argo_virq_irq >= 0)
		unbind_from_irqhandler(argo_virq_irq, NULL);
	argo_virq_irq = -1;
	destroy_workqueue(argo_wq);
	argo_wq = NULL;

	/* Every socket is closed before the module can go: nothing is left. */
	if (argo_rings_live())
		pr_err("%d rings still registered at exit (leak)\n",
		       argo_rings_live());
}
