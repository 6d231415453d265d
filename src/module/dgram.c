// SPDX-License-Identifier: GPL-2.0
/*
 * Datagram sockets (/dev/argo_dgram).
 *
 * Implementation notes
 * - A bound socket owns one ring (port, partner) and receives straight from
 *   it: messages wait in the ring until read, so nothing is copied twice
 *   and the ring itself is the receive buffer (its size: SETRINGSIZE).
 *   Senders that find it full wait for space (argo_wait_space()).
 * - A socket is bound by BIND, or automatically on CONNECT or the first
 *   SEND to an ephemeral port whose ring accepts only the peer's domain (so
 *   no wildcard ring, which Xen refuses without mac-permissive=1).
 * - CONNECT sets the default destination and a receive filter: messages
 *   from other addresses are dropped (counted) when they reach the head of
 *   the ring.  CONNECT with a NULL argument disconnects.
 * - Message boundaries: one SEND is one Argo message; RECV returns at most
 *   one message and drops what does not fit in the buffer (MSG_TRUNC
 *   returns the real length), MSG_PEEK leaves it in the ring.
 *
 * Locks: d->lock protects ring (set once at bind), ring_size, connected
 * and peer; ring->rx_lock (ringtab) serialises readers.  Order: rx_lock,
 * then d->lock (readers look at the connect filter); data_ready() takes
 * neither, it only wakes sk->wq.
 */
#define pr_fmt(fmt) "argo: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/capability.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include "dgram.h"
#include "ringtab.h"

struct argo_dgram {
	struct argo_sock sk;
	struct mutex lock;		/* the fields below */
	struct argo_ring *ring;		/* set once (smp_store_release) */
	u32 ring_size;
	bool connected;
	xen_argo_addr_t peer;
	u32 want_space;			/* POLLOUT: payload of the last EAGAIN */
};

static inline struct argo_dgram *argo_dgram(struct argo_sock *sk)
{
	return container_of(sk, struct argo_dgram, sk);
}

static struct argo_ring *argo_dgram_ring(struct argo_dgram *d)
{
	/* Pairs with smp_store_release() in argo_dgram_bind_locked(). */
	return smp_load_acquire(&d->ring);
}

static void argo_dgram_data_ready(struct argo_ring *ring)
{
	struct argo_dgram *d = ring->owner;

	wake_up_interruptible_poll(&d->sk.wq, EPOLLIN | EPOLLRDNORM);
}

static const struct argo_ring_ops argo_dgram_ring_ops = {
	.name = "dgram",
	.data_ready = argo_dgram_data_ready,
};

static struct argo_sock *argo_dgram_create(void)
{
	struct argo_dgram *d;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	mutex_init(&d->lock);
	d->ring_size = ARGO_DEFAULT_RING_SIZE;
	d->want_space = 1;
	argo_sock_init(&d->sk, &argo_dgram_ops);
	return &d->sk;
}

static void argo_dgram_release(struct argo_sock *sk)
{
	struct argo_dgram *d = argo_dgram(sk);

	argo_ring_destroy(d->ring);
	argo_sock_exit(sk);
	kfree(d);
}

static int argo_dgram_set_ring_size(struct argo_sock *sk, u32 size)
{
	struct argo_dgram *d = argo_dgram(sk);
	int ret = -EINVAL;

	if (!argo_ring_len_valid(size))
		return -EINVAL;
	mutex_lock(&d->lock);
	if (!d->ring) {
		d->ring_size = size;
		ret = 0;
	}
	mutex_unlock(&d->lock);
	return ret;
}

static u32 argo_dgram_get_ring_size(struct argo_sock *sk)
{
	struct argo_dgram *d = argo_dgram(sk);
	u32 size;

	mutex_lock(&d->lock);
	size = d->ring_size;
	mutex_unlock(&d->lock);
	return size;
}

static int argo_dgram_bind_locked(struct argo_dgram *d, u32 aport,
				  u16 partner)
{
	struct argo_ring *ring;

	lockdep_assert_held(&d->lock);
	if (d->ring)
		return -EINVAL;
	if (aport != ARGO_PORT_ANY && aport <= ARGO_PRIVILEGED_PORT_MAX &&
	    !capable(CAP_NET_BIND_SERVICE))
		return -EACCES;

	ring = argo_ring_create(aport, partner, d->ring_size,
				&argo_dgram_ring_ops, d);
	if (IS_ERR(ring))
		return PTR_ERR(ring);
	/* Publish the initialised ring to lockless readers (recv, poll). */
	smp_store_release(&d->ring, ring);
	return 0;
}

static int argo_dgram_bind(struct argo_sock *sk, const struct argo_ring_id *id)
{
	struct argo_dgram *d = argo_dgram(sk);
	int ret;

	mutex_lock(&d->lock);
	ret = argo_dgram_bind_locked(d, id->aport, id->partner_id);
	mutex_unlock(&d->lock);
	return ret;
}

/* Bound already, or bind an ephemeral port for messages from partner. */
static struct argo_ring *argo_dgram_autobind(struct argo_dgram *d,
					     u16 partner)
{
	struct argo_ring *ring = argo_dgram_ring(d);
	int ret = 0;

	if (ring)
		return ring;
	mutex_lock(&d->lock);
	if (!d->ring)
		ret = argo_dgram_bind_locked(d, ARGO_PORT_ANY, partner);
	ring = d->ring;
	mutex_unlock(&d->lock);
	return ret ? ERR_PTR(ret) : ring;
}

static int argo_dgram_connect(struct argo_sock *sk, const xen_argo_addr_t *peer,
			      bool nonblock)
{
	struct argo_dgram *d = argo_dgram(sk);
	struct argo_ring *ring;

	if (!peer) {
		mutex_lock(&d->lock);
		d->connected = false;
		memset(&d->peer, 0, sizeof(d->peer));
		mutex_unlock(&d->lock);
		return 0;
	}

	ring = argo_dgram_autobind(d, peer->domain_id);
	if (IS_ERR(ring))
		return PTR_ERR(ring);

	mutex_lock(&d->lock);
	d->peer.aport = peer->aport;
	d->peer.domain_id = peer->domain_id;
	d->peer.pad = 0;
	d->connected = true;
	mutex_unlock(&d->lock);
	/* Messages already queued from others may now be filtered. */
	wake_up_interruptible_poll(&sk->wq, EPOLLIN | EPOLLOUT);
	return 0;
}

static ssize_t argo_dgram_send(struct argo_sock *sk, const void __user *buf,
			       size_t len, int flags,
			       const xen_argo_addr_t *dst)
{
	struct argo_dgram *d = argo_dgram(sk);
	long timeo = MAX_SCHEDULE_TIMEOUT;
	struct argo_ring *ring;
	xen_argo_addr_t to;
	struct kvec kv;
	void *kbuf;
	ssize_t ret;
	u32 space;

	mutex_lock(&d->lock);
	if (dst) {
		to = *dst;
		ret = 0;
	} else {
		to = d->peer;
		ret = d->connected ? 0 : -EDESTADDRREQ;
	}
	mutex_unlock(&d->lock);
	if (ret)
		return ret;
	to.pad = 0;

	if (len > argo_ring_max_payload(ARGO_RING_LEN_MAX))
		return -EMSGSIZE;

	ring = argo_dgram_autobind(d, to.domain_id);
	if (IS_ERR(ring))
		return PTR_ERR(ring);

	kbuf = kvmalloc(max_t(size_t, len, 1), GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	if (copy_from_user(kbuf, buf, len)) {
		ret = -EFAULT;
		goto out;
	}
	kv.iov_base = kbuf;
	kv.iov_len = len;
	space = len;

	for (;;) {
		ret = argo_sendv(ring->aport, &to, &kv, 1, ARGO_MSG_TYPE_DGRAM);
		if (ret != -EAGAIN)
			break;
		WRITE_ONCE(d->want_space, space);
		if (flags & MSG_DONTWAIT) {
			/* Ask for a VIRQ when it fits, so that poll wakes. */
			argo_query_space(&to, space);
			break;
		}
		ret = argo_wait_space(&to, space, &timeo);
		if (ret)
			break;
	}
	if (ret >= 0) {
		atomic64_add(ret, &sk->tx_bytes);
		atomic64_inc(&sk->tx_msgs);
	}
out:
	kvfree(kbuf);
	return ret;
}

/*
 * Find the first message this socket accepts, dropping those the connect
 * filter (or the message type) rejects.  rx_lock held.  Returns 0 with
 * *msg, or -ENODATA.
 */
static int argo_dgram_head(struct argo_dgram *d, struct argo_ring *ring,
			   struct argo_ring_msg *msg)
{
	xen_argo_addr_t peer;
	bool connected, dropped = false;
	int ret;

	mutex_lock(&d->lock);
	connected = d->connected;
	peer = d->peer;
	mutex_unlock(&d->lock);

	for (;;) {
		ret = argo_rx_next(ring, msg);
		if (ret)
			break;
		if (msg->type == ARGO_MSG_TYPE_DGRAM &&
		    (!connected ||
		     (msg->source.domain_id == peer.domain_id &&
		      msg->source.aport == peer.aport)))
			break;
		argo_rx_drop(ring, msg);
		atomic64_inc(&d->sk.drops);
		dropped = true;
	}
	if (dropped)
		argo_rx_notify();
	return ret ? -ENODATA : 0;
}

static ssize_t argo_dgram_recv(struct argo_sock *sk, void __user *buf,
			       size_t len, int flags, xen_argo_addr_t *src)
{
	struct argo_dgram *d = argo_dgram(sk);
	struct argo_ring *ring = argo_dgram_ring(d);
	struct argo_ring_msg msg;
	long copied;
	u32 n;
	int ret;

	if (!ring)
		return -ENOTCONN;

	for (;;) {
		argo_rx_lock(ring);
		ret = argo_dgram_head(d, ring, &msg);
		if (!ret)
			break;
		argo_rx_unlock(ring);

		if (flags & MSG_DONTWAIT)
			return -EAGAIN;
		ret = wait_event_interruptible(sk->wq, argo_rx_ready(ring));
		if (ret)
			return ret;
	}

	n = min_t(size_t, len, msg.len);
	copied = argo_rx_copy_to_user(ring, &msg, 0, buf, n);
	if (copied < 0) {
		/* Leave the message for a retry with a valid buffer. */
		argo_rx_unlock(ring);
		return copied;
	}
	if (src)
		*src = msg.source;
	if (!(flags & MSG_PEEK)) {
		argo_rx_consume(ring, &msg);
		atomic64_add(msg.len, &sk->rx_bytes);
		atomic64_inc(&sk->rx_msgs);
	}
	argo_rx_unlock(ring);
	if (!(flags & MSG_PEEK))
		argo_rx_notify();

	return (flags & MSG_TRUNC) ? msg.len : copied;
}

static __poll_t argo_dgram_poll(struct argo_sock *sk, struct file *file,
				poll_table *wait)
{
	struct argo_dgram *d = argo_dgram(sk);
	struct argo_ring *ring = argo_dgram_ring(d);
	struct argo_ring_msg msg;
	__poll_t want_out = poll_requested_events(wait) &
			    (EPOLLOUT | EPOLLWRNORM);
	xen_argo_addr_t peer;
	bool connected;
	__poll_t mask = 0;
	int ret;

	poll_wait(file, &sk->wq, wait);
	/* Every VIRQ wakes the space queue: only for those who would write. */
	if (want_out)
		poll_wait(file, argo_space_waitq(), wait);

	if (ring && argo_rx_ready(ring)) {
		argo_rx_lock(ring);
		if (!argo_dgram_head(d, ring, &msg))
			mask |= EPOLLIN | EPOLLRDNORM;
		argo_rx_unlock(ring);
	}

	mutex_lock(&d->lock);
	connected = d->connected;
	peer = d->peer;
	mutex_unlock(&d->lock);
	if (!connected) {
		mask |= EPOLLOUT | EPOLLWRNORM;
	} else if (want_out) {
		/*
		 * Asks Xen for a VIRQ when the space is there, if it isn't; a
		 * hypercall, so not for a reader's poll (one per round trip).
		 */
		ret = argo_query_space(&peer, READ_ONCE(d->want_space));
		if (ret)
			mask |= EPOLLOUT | EPOLLWRNORM;
	}
	return mask;
}

static int argo_dgram_getsockname(struct argo_sock *sk, struct argo_ring_id *id)
{
	struct argo_ring *ring = argo_dgram_ring(argo_dgram(sk));

	id->domain_id = argo_local_domid();
	id->partner_id = ring ? ring->partner : ARGO_DOMID_ANY;
	id->aport = ring ? ring->aport : 0;
	return 0;
}

static int argo_dgram_getpeername(struct argo_sock *sk, xen_argo_addr_t *peer)
{
	struct argo_dgram *d = argo_dgram(sk);
	int ret = -ENOTCONN;

	mutex_lock(&d->lock);
	if (d->connected) {
		*peer = d->peer;
		ret = 0;
	}
	mutex_unlock(&d->lock);
	return ret;
}

static int argo_dgram_get_error(struct argo_sock *sk)
{
	return 0;
}

static void argo_dgram_show(struct seq_file *m, struct argo_sock *sk)
{
	struct argo_dgram *d = argo_dgram(sk);
	struct argo_ring *ring = argo_dgram_ring(d);

	mutex_lock(&d->lock);
	if (ring)
		seq_printf(m, " port 0x%08x partner %u", ring->aport,
			   ring->partner);
	else
		seq_puts(m, " unbound");
	seq_printf(m, " ring_size %u", d->ring_size);
	if (d->connected)
		seq_printf(m, " peer %u:0x%08x", d->peer.domain_id,
			   d->peer.aport);
	mutex_unlock(&d->lock);
}

const struct argo_sock_ops argo_dgram_ops = {
	.type = ARGO_PTYPE_DGRAM,
	.name = "dgram",
	.create = argo_dgram_create,
	.release = argo_dgram_release,
	.set_ring_size = argo_dgram_set_ring_size,
	.get_ring_size = argo_dgram_get_ring_size,
	.bind = argo_dgram_bind,
	.connect = argo_dgram_connect,
	.send = argo_dgram_send,
	.recv = argo_dgram_recv,
	.poll = argo_dgram_poll,
	.getsockname = argo_dgram_getsockname,
	.getpeername = argo_dgram_getpeername,
	.get_error = argo_dgram_get_error,
	.show = argo_dgram_show,
};
