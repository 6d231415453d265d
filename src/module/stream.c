// SPDX-License-Identifier: GPL-2.0
/*
 * Stream sockets over Argo: the glue between the pure protocol
 * (proto.c), the rings (ringtab.c) and the socket ops (sock.h).
 *
 * Implementation notes
 * ====================
 *
 * Objects.
 *   struct argo_stream   one socket: NEW, BOUND, LISTEN or CONN.  A CONN
 *                        holds a struct argo_conn (proto.c) and a receive
 *                        queue of chunks.
 *   struct argo_sring    a registered ring plus the table of connections
 *                        that receive on it, keyed by (peer domid, peer
 *                        port, conid).  Three uses:
 *                        - a listener's ring (BIND/LISTEN): SYNs and the
 *                          data of all its accepted connections;
 *                        - a shared client ring, one per (peer domain, ring
 *                          size), ephemeral port, partner = that domain:
 *                          every connect()ed socket to that domain;
 *                        - the bound ring of a socket that BINDs, then
 *                          CONNECTs.
 *                        So 1000 connections cost two rings, not 1000.
 *
 * Receiving.  ringtab calls stream_data_ready() (process context, never
 * concurrently for one ring) when a ring holds messages.  It drains the
 * ring completely: each message is parsed, routed by key and handed to
 * argo_proto_rx(); data is copied into kmalloc'ed chunks on the
 * connection's queue.  Credits (proto.c) bound every queue by the
 * connection's window, so draining never waits for a reader and one
 * stalled reader never stalls the ring's other connections.
 *
 * Sending.  write() copies user data into a kernel buffer and sends it
 * as messages of at most ARGO_STREAM_MSG_MAX bytes (header in its own
 * iovec), within the peer's credit; it waits for credit on the socket's
 * wait queue and for ring space with argo_wait_space().  There is no
 * send buffer: when write() returns, the data is in the peer's ring.
 * Control messages (SYN, ACK, CREDIT, FIN, RST) are "owed" bits in
 * st->pend, sent in that order by stream_flush_ctrl(); if the peer's
 * ring is full they are retried from argo_stream_wq, so nothing in the
 * receive path ever sleeps waiting for a peer.
 *
 * Dead peers.  Argo never tells us that a domain died, but Xen refuses a
 * send to a ring that no longer exists.  A periodic probe sends a CREDIT
 * (a no-op for a live peer) on connections idle for ARGO_PROBE_IDLE, one
 * per peer ring per round; -ECONNREFUSED resets every connection to that
 * peer ring.  Writers blocked on ring space learn the same from
 * argo_wait_space().  Connects unanswered for ARGO_CONNECT_TIMEOUT fail
 * with -ETIMEDOUT.
 *
 * Lifetimes.  A socket's kref is held by its file (or, before accept(),
 * by its listener's accept queue), by argo_pend_list and by the probe
 * work while it uses it.  The last put frees it and drops its ring
 * references; data_ready() never drops a socket reference, because the
 * last ring reference unregisters the ring, which waits for data_ready().
 * An sring's kref is held by the listener or bound socket that made it
 * and by every connection on it; the last put unregisters the ring.
 * A connection is in its sring's table from connect/accept until
 * release (a CLOSED one only answers what proto.c's CLOSED state
 * answers, and gives way to a new SYN).
 *
 * Locks, in the order they nest:
 *   st->lock (mutex)        role changes: bind/listen/connect
 *   argo_client_lock        argo_client_rings
 *   ring->rx_lock           (ringtab) consumers of one ring
 *   sr->lock (mutex)        sr's connection table, listener, next_conid
 *   argo_conns_lock         argo_conns (the probe's list)
 *   st->rlock, st->wlock    one reader / one writer at a time
 *   st->ctrl_lock (mutex)   sending st's control messages in order
 *   st->slock (spinlock)    st->pc, rxq, acceptq, pend, err, shut_rd
 *   argo_pend_lock          argo_pend_list
 * Nothing sleeps, copies to/from user or calls Xen under st->slock.
 */
#define pr_fmt(fmt) "argo: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/err.h>
#include <linux/debugfs.h>
#include <linux/hashtable.h>
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/spinlock.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include "proto.h"
#include "ringtab.h"
#include "sock.h"
#include "stream.h"

/*
 * Our receive window per connection (bytes), advertised in SYN/ACK: also
 * the most a connection queues for a reader that does not read, so it is
 * kernel memory times the number of connections.  A CREDIT goes back
 * every half window: the window sets how much data one round trip moves.
 */
static unsigned int stream_window = 512 * 1024;
module_param(stream_window, uint, 0644);
MODULE_PARM_DESC(stream_window,
		 "stream receive window per connection in bytes (default 524288)");

/* Testing only: root may send raw messages through debugfs. */
static bool stream_inject;
module_param(stream_inject, bool, 0644);
MODULE_PARM_DESC(stream_inject,
		 "allow writes to debugfs argo/stream_inject: raw messages for tests of hostile input (default off)");

#define ARGO_STREAM_MSG_MAX	(64U * 1024 - ARGO_PROTO_HDR_LEN)
#define ARGO_STREAM_MSG_MIN	1024U
/* A non-blocking write or POLLOUT needs room for this much at least. */
#define ARGO_POLL_QUANTUM	4096U
#define ARGO_LISTEN_BACKLOG	128U
#define ARGO_LISTEN_BACKLOG_MAX	4096U
/* Legacy peers have no credits: cap what one connection may queue. */
#define ARGO_LEGACY_QUEUE_MAX	(4U * 1024 * 1024)

#define ARGO_PEND_RETRY		msecs_to_jiffies(20)
#define ARGO_PEND_TIMEOUT	(10 * HZ)
#define ARGO_PROBE_PERIOD	HZ
#define ARGO_PROBE_IDLE		(2 * HZ)
#define ARGO_PROBE_BATCH	64
#define ARGO_CONNECT_TIMEOUT	(20 * HZ)

#define ARGO_SRING_HASH_BITS	8

/* Control messages a connection owes its peer, sent in this bit order. */
#define ARGO_PEND_SYN		0x01U
#define ARGO_PEND_ACK		0x02U
#define ARGO_PEND_CREDIT	0x04U
#define ARGO_PEND_PROBE		0x08U
#define ARGO_PEND_FIN		0x10U
#define ARGO_PEND_RST		0x20U

enum argo_stream_role {
	ARGO_SR_NEW,
	ARGO_SR_BOUND,
	ARGO_SR_LISTEN,
	ARGO_SR_CONN,
};

static const char * const argo_role_names[] = {
	[ARGO_SR_NEW] = "new",
	[ARGO_SR_BOUND] = "bound",
	[ARGO_SR_LISTEN] = "listen",
	[ARGO_SR_CONN] = "conn",
};

struct argo_stream;

struct argo_sring {
	struct argo_ring *ring;
	struct kref ref;
	struct mutex lock;		/* conns, nconns, listener, next_conid */
	struct argo_stream *listener;	/* accepting SYNs, or NULL */
	u32 next_conid;
	u32 nconns;
	u16 peer;			/* shared client ring: peer domain */
	u16 domid;			/* local domid at (re)registration */
	bool shared;			/* on argo_client_rings */
	struct list_head node;		/* argo_client_rings (argo_client_lock) */
	DECLARE_HASHTABLE(conns, ARGO_SRING_HASH_BITS);
};

struct argo_chunk {
	struct list_head node;
	u32 len;
	u32 off;
	u8 data[];
};

#define ARGO_CHUNK_ALLOC	16384U
#define ARGO_CHUNK_DATA		(ARGO_CHUNK_ALLOC - sizeof(struct argo_chunk))

struct argo_stream {
	struct argo_sock sk;
	struct kref ref;
	struct mutex lock;		/* role, own, sr, peer, ring_size */
	struct mutex rlock;		/* readers */
	struct mutex wlock;		/* writers and shutdown(SHUT_WR) */
	struct mutex ctrl_lock;		/* stream_flush_ctrl() */
	spinlock_t slock;		/* see the notes */

	u8 role;			/* enum argo_stream_role */
	u8 pend;			/* ARGO_PEND_* (slock) */
	u8 shut_rd;			/* (slock) */
	u8 hashed;			/* in sr->conns (sr->lock) */
	u8 queued;			/* on argo_pend_list (argo_pend_lock) */
	u8 listed;			/* on argo_conns (argo_conns_lock) */
	int err;			/* pending error, -errno (slock) */
	u32 ring_size;
	u32 max_msg;			/* largest data message to send (wlock) */

	struct argo_sring *own;		/* ring made by BIND or LISTEN */

	/* listener (slock) */
	u32 backlog;
	u32 nacceptq;
	struct list_head acceptq;

	/* connection */
	struct argo_sring *sr;		/* ring we receive on */
	struct hlist_node hnode;	/* sr->conns */
	struct list_head aq_node;	/* listener's acceptq (its slock) */
	xen_argo_addr_t peer;
	unsigned long last_rx;		/* jiffies */
	unsigned long last_probe;
	unsigned long syn_time;
	unsigned long pend_since;
	struct list_head pend_node;	/* argo_pend_list */
	struct list_head conn_node;	/* argo_conns */
	struct argo_conn pc;		/* (slock) */
	struct list_head rxq;		/* struct argo_chunk (slock) */
};

static struct kmem_cache *argo_stream_cache;
static struct workqueue_struct *argo_stream_wq;

static DEFINE_MUTEX(argo_client_lock);
static LIST_HEAD(argo_client_rings);

static DEFINE_MUTEX(argo_conns_lock);
static LIST_HEAD(argo_conns);

static DEFINE_SPINLOCK(argo_pend_lock);
static LIST_HEAD(argo_pend_list);

static void argo_pend_work_fn(struct work_struct *work);
static void argo_probe_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(argo_pend_work, argo_pend_work_fn);
static DECLARE_DELAYED_WORK(argo_probe_work, argo_probe_work_fn);

static atomic_t argo_nstreams = ATOMIC_INIT(0);

/* Message counts since load, for the bench (debugfs argo/stats). */
static struct {
	atomic_long_t data_sent;
	atomic_long_t data_rx;
	atomic_long_t credits_sent;
	atomic_long_t ctrl_deferred;
} argo_stream_stats;

static inline struct argo_stream *argo_stream(struct argo_sock *sk)
{
	return container_of(sk, struct argo_stream, sk);
}

static void argo_stream_wake(struct argo_stream *st)
{
	wake_up_interruptible(&st->sk.wq);
}

/* ---- Rings -------------------------------------------------------------- */

static void stream_data_ready(struct argo_ring *ring);
static void stream_ring_resumed(struct argo_ring *ring, int err);
static void stream_ring_show(struct seq_file *m, struct argo_ring *ring);

static const struct argo_ring_ops argo_stream_ring_ops = {
	.name = "stream",
	.data_ready = stream_data_ready,
	.resumed = stream_ring_resumed,
	.show = stream_ring_show,
};

static struct argo_sring *sring_create(u32 aport, u16 partner, u32 len)
{
	struct argo_sring *sr;
	struct argo_ring *ring;

	sr = kzalloc(sizeof(*sr), GFP_KERNEL);
	if (!sr)
		return ERR_PTR(-ENOMEM);
	kref_init(&sr->ref);
	mutex_init(&sr->lock);
	hash_init(sr->conns);
	INIT_LIST_HEAD(&sr->node);
	sr->next_conid = get_random_u32();
	sr->domid = argo_local_domid();

	ring = argo_ring_create(aport, partner, len, &argo_stream_ring_ops, sr);
	if (IS_ERR(ring)) {
		kfree(sr);
		return ERR_CAST(ring);
	}
	sr->ring = ring;
	return sr;
}

static void sring_free(struct argo_sring *sr)
{
	argo_ring_destroy(sr->ring);
	WARN_ON_ONCE(sr->nconns);
	kfree(sr);
}

static void sring_release(struct kref *ref)
{
	sring_free(container_of(ref, struct argo_sring, ref));
}

/* Called with argo_client_lock held; drops it. */
static void sring_release_shared(struct kref *ref)
{
	struct argo_sring *sr = container_of(ref, struct argo_sring, ref);

	list_del_init(&sr->node);
	mutex_unlock(&argo_client_lock);
	sring_free(sr);
}

/* Never from data_ready(): the last put unregisters the ring. */
static void sring_put(struct argo_sring *sr)
{
	if (sr->shared)
		kref_put_mutex(&sr->ref, sring_release_shared,
			       &argo_client_lock);
	else
		kref_put(&sr->ref, sring_release);
}

/* The shared client ring for connections to domain peer. */
static struct argo_sring *client_ring_get(u16 peer, u32 len)
{
	struct argo_sring *sr;

	mutex_lock(&argo_client_lock);
	list_for_each_entry(sr, &argo_client_rings, node) {
		if (sr->peer == peer && sr->ring->len == len) {
			kref_get(&sr->ref);
			goto out;
		}
	}
	sr = sring_create(ARGO_PORT_ANY, peer, len);
	if (!IS_ERR(sr)) {
		sr->peer = peer;
		sr->shared = true;
		list_add_tail(&sr->node, &argo_client_rings);
	}
out:
	mutex_unlock(&argo_client_lock);
	return sr;
}

static struct argo_stream *sr_lookup(struct argo_sring *sr,
				     const xen_argo_addr_t *src, u32 conid)
{
	struct argo_stream *st;

	lockdep_assert_held(&sr->lock);
	hash_for_each_possible(sr->conns, st, hnode, conid) {
		if (st->pc.conid == conid &&
		    st->peer.domain_id == src->domain_id &&
		    st->peer.aport == src->aport)
			return st;
	}
	return NULL;
}

static bool sr_conid_used(struct argo_sring *sr, u32 conid)
{
	struct argo_stream *st;

	hash_for_each_possible(sr->conns, st, hnode, conid) {
		if (st->pc.conid == conid)
			return true;
	}
	return false;
}

static void sr_hash(struct argo_sring *sr, struct argo_stream *st)
{
	lockdep_assert_held(&sr->lock);
	hash_add(sr->conns, &st->hnode, st->pc.conid);
	st->hashed = 1;
	sr->nconns++;
}

static void sr_unhash(struct argo_sring *sr, struct argo_stream *st)
{
	lockdep_assert_held(&sr->lock);
	if (!st->hashed)
		return;
	hash_del(&st->hnode);
	st->hashed = 0;
	sr->nconns--;
}

/* ---- Sockets: allocation and lifetime ---------------------------------- */

static void stream_purge_rxq(struct argo_stream *st)
{
	struct argo_chunk *ch, *tmp;
	LIST_HEAD(list);

	spin_lock(&st->slock);
	list_splice_init(&st->rxq, &list);
	spin_unlock(&st->slock);
	list_for_each_entry_safe(ch, tmp, &list, node)
		kfree(ch);
}

/*
 * The last reference went: drop the rings (the last put unregisters one).
 * Process context; never reached from data_ready(), which drops no
 * socket reference.
 */
static void stream_free(struct kref *ref)
{
	struct argo_stream *st = container_of(ref, struct argo_stream, ref);

	stream_purge_rxq(st);
	if (st->sr)
		sring_put(st->sr);
	if (st->own)
		sring_put(st->own);
	atomic_dec(&argo_nstreams);
	kmem_cache_free(argo_stream_cache, st);
}

static void stream_put(struct argo_stream *st)
{
	kref_put(&st->ref, stream_free);
}

static struct argo_stream *stream_alloc(void)
{
	struct argo_stream *st;

	st = kmem_cache_zalloc(argo_stream_cache, GFP_KERNEL);
	if (!st)
		return NULL;
	kref_init(&st->ref);
	mutex_init(&st->lock);
	mutex_init(&st->rlock);
	mutex_init(&st->wlock);
	mutex_init(&st->ctrl_lock);
	spin_lock_init(&st->slock);
	INIT_LIST_HEAD(&st->acceptq);
	INIT_LIST_HEAD(&st->aq_node);
	INIT_LIST_HEAD(&st->pend_node);
	INIT_LIST_HEAD(&st->conn_node);
	INIT_LIST_HEAD(&st->rxq);
	st->ring_size = ARGO_STREAM_RING_SIZE;
	st->max_msg = ARGO_STREAM_MSG_MAX;
	st->last_rx = jiffies;
	st->last_probe = jiffies;
	atomic_inc(&argo_nstreams);
	argo_sock_init(&st->sk, &argo_stream_ops);
	return st;
}

static void conns_add(struct argo_stream *st)
{
	mutex_lock(&argo_conns_lock);
	if (!st->listed) {
		list_add_tail(&st->conn_node, &argo_conns);
		st->listed = 1;
	}
	mutex_unlock(&argo_conns_lock);
	queue_delayed_work(argo_stream_wq, &argo_probe_work, ARGO_PROBE_PERIOD);
}

static void conns_del(struct argo_stream *st)
{
	mutex_lock(&argo_conns_lock);
	if (st->listed) {
		list_del_init(&st->conn_node);
		st->listed = 0;
	}
	mutex_unlock(&argo_conns_lock);
}

/* After proto.c ended the connection: remember the error (slock). */
static void stream_closed(struct argo_stream *st)
{
	lockdep_assert_held(&st->slock);
	if (st->pc.err)
		st->err = st->pc.err;
	/* Nothing more is owed, except an RST or FIN already decided. */
	st->pend &= ARGO_PEND_RST | ARGO_PEND_FIN | ARGO_PEND_ACK;
}

/* End the connection locally with err (no RST is sent). */
static void stream_abort(struct argo_stream *st, int err)
{
	u32 act;

	spin_lock(&st->slock);
	act = argo_proto_abort(&st->pc, err);
	if (act & ARGO_ACT_CLOSED) {
		stream_closed(st);
		st->pend = 0;
	}
	spin_unlock(&st->slock);
	if (act)
		argo_stream_wake(st);
}

/* ---- Control messages ---------------------------------------------------- */

/*
 * Answers that mean the peer's ring (or the whole peer) is gone: Xen's
 * -ECONNREFUSED, and -ESRCH for a domain that no longer exists (which
 * ringtab reports as -EHOSTUNREACH).
 */
static bool peer_gone(long err)
{
	return err == -ECONNREFUSED || err == -ESRCH || err == -EHOSTUNREACH;
}

static int send_one(u32 port, const xen_argo_addr_t *dst, const void *buf,
		    u32 len)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };

	return argo_sendv(port, dst, &kv, 1, ARGO_MSG_TYPE_STREAM);
}

static void send_rst(u32 port, const xen_argo_addr_t *dst, u32 conid)
{
	u8 buf[ARGO_PROTO_CTRL_MAX];
	u32 len = argo_proto_build_rst(conid, buf);

	/* Best effort: a peer that is gone or full learns it otherwise. */
	send_one(port, dst, buf, len);
}

static void pend_queue(struct argo_stream *st)
{
	spin_lock(&argo_pend_lock);
	if (!st->queued) {
		st->queued = 1;
		if (!st->pend_since)
			st->pend_since = jiffies ? jiffies : 1;
		kref_get(&st->ref);
		list_add_tail(&st->pend_node, &argo_pend_list);
	}
	spin_unlock(&argo_pend_lock);
	queue_delayed_work(argo_stream_wq, &argo_pend_work, ARGO_PEND_RETRY);
}

/* Build the first owed control message (slock); 0 if it lapsed. */
static u32 stream_build_ctrl(struct argo_stream *st, u8 bit, u8 *buf)
{
	struct argo_conn *c = &st->pc;

	switch (bit) {
	case ARGO_PEND_SYN:
		return c->state == ARGO_PS_SYN_SENT ?
		       argo_proto_build_syn(c, buf) : 0;
	case ARGO_PEND_ACK:
		return argo_proto_build_ack(c, buf);
	case ARGO_PEND_CREDIT:
		return argo_proto_credit_due(c) ?
		       argo_proto_build_credit(c, buf) : 0;
	case ARGO_PEND_PROBE:
		return argo_proto_can_probe(c) ?
		       argo_proto_build_credit(c, buf) : 0;
	case ARGO_PEND_FIN:
		return c->ext ? argo_proto_build_fin(c, buf) : 0;
	case ARGO_PEND_RST:
		return argo_proto_build_rst(c->conid, buf);
	default:
		return 0;
	}
}

/*
 * Send what st owes its peer, in order.  Returns 0 when nothing is left,
 * -EAGAIN when the rest waits for space (queued for a retry), or the
 * error that ended the connection.
 */
static int stream_flush_ctrl(struct argo_stream *st)
{
	u8 buf[ARGO_PROTO_CTRL_MAX];
	bool sent = false, again = false;
	xen_argo_addr_t dst;
	int ret = 0;
	u32 port, len;
	u8 bit;

	mutex_lock(&st->ctrl_lock);
	for (;;) {
		spin_lock(&st->slock);
		if (!st->pend) {
			st->pend_since = 0;
			spin_unlock(&st->slock);
			break;
		}
		bit = st->pend & -st->pend;
		len = stream_build_ctrl(st, bit, buf);
		if (!len) {
			st->pend &= ~bit;
			spin_unlock(&st->slock);
			continue;
		}
		dst = st->peer;
		port = st->sr->ring->aport;
		spin_unlock(&st->slock);

		ret = send_one(port, &dst, buf, len);

		spin_lock(&st->slock);
		if (ret >= 0) {
			st->pend &= ~bit;
			if (bit == ARGO_PEND_CREDIT || bit == ARGO_PEND_PROBE)
				argo_proto_credit_sent(&st->pc, buf);
			if (bit == ARGO_PEND_CREDIT)
				atomic_long_inc(&argo_stream_stats.credits_sent);
			sent = true;
			ret = 0;
		} else if (ret == -EAGAIN) {
			again = true;
		} else {
			/* The peer's ring is gone: nothing more can reach it. */
			st->pend = 0;
			if (bit != ARGO_PEND_RST) {
				int err = ret;

				if (bit == ARGO_PEND_SYN &&
				    (ret == -ESRCH || ret == -EHOSTUNREACH))
					err = -EHOSTUNREACH;
				else if (bit == ARGO_PEND_SYN && peer_gone(ret))
					err = -ECONNREFUSED;
				else if (peer_gone(ret))
					err = -ECONNRESET;

				if (argo_proto_abort(&st->pc, err))
					stream_closed(st);
				sent = true;
			}
		}
		spin_unlock(&st->slock);
		if (again || ret)
			break;
	}
	mutex_unlock(&st->ctrl_lock);
	if (again) {
		atomic_long_inc(&argo_stream_stats.ctrl_deferred);
		pend_queue(st);
	}
	if (sent)
		argo_stream_wake(st);
	return ret;
}

/* Owe the peer a control message and try to send it now. */
static int stream_owe(struct argo_stream *st, u8 bits)
{
	spin_lock(&st->slock);
	st->pend |= bits;
	spin_unlock(&st->slock);
	return stream_flush_ctrl(st);
}

static void argo_pend_work_fn(struct work_struct *work)
{
	struct argo_stream *st;
	LIST_HEAD(list);

	spin_lock(&argo_pend_lock);
	list_splice_init(&argo_pend_list, &list);
	spin_unlock(&argo_pend_lock);

	for (;;) {
		/* st->queued stays set while st is on our list (pend_queue). */
		spin_lock(&argo_pend_lock);
		st = list_first_entry_or_null(&list, struct argo_stream,
					      pend_node);
		if (st) {
			list_del_init(&st->pend_node);
			st->queued = 0;
		}
		spin_unlock(&argo_pend_lock);
		if (!st)
			break;
		if (st->pend_since &&
		    time_after(jiffies, st->pend_since + ARGO_PEND_TIMEOUT)) {
			pr_warn_ratelimited("stream conid %#x to %u:%#x: peer ring full for %us, giving up\n",
					    st->pc.conid, st->peer.domain_id,
					    st->peer.aport,
					    ARGO_PEND_TIMEOUT / HZ);
			stream_abort(st, -ETIMEDOUT);
		} else {
			stream_flush_ctrl(st);
		}
		stream_put(st);
	}
}

/* ---- Receiving ---------------------------------------------------------- */

/* Copy a data message's payload into chunks on *list. */
static int stream_copy_data(struct argo_ring *ring,
			    const struct argo_ring_msg *msg,
			    const struct argo_pkt *pkt, struct list_head *list)
{
	u32 off = pkt->data_off, left = pkt->data_len, n;
	struct argo_chunk *ch;

	while (left) {
		n = min_t(u32, left, ARGO_CHUNK_DATA);
		ch = kmalloc(struct_size(ch, data, n), GFP_KERNEL | __GFP_NOWARN);
		if (!ch)
			return -ENOMEM;
		ch->len = argo_rx_copy(ring, msg, off, ch->data, n);
		ch->off = 0;
		list_add_tail(&ch->node, list);
		if (ch->len != n)
			return -EBADMSG;
		off += n;
		left -= n;
	}
	return 0;
}

static void free_chunks(struct list_head *list)
{
	struct argo_chunk *ch, *tmp;

	list_for_each_entry_safe(ch, tmp, list, node)
		kfree(ch);
}

/* A SYN the listener accepts: a new connection on its accept queue. */
static int stream_accept_syn(struct argo_sring *sr, struct argo_ring *ring,
			     struct argo_stream *l,
			     const struct argo_ring_msg *msg,
			     const struct argo_pkt *pkt)
{
	struct argo_stream *child;

	lockdep_assert_held(&sr->lock);
	child = stream_alloc();
	if (!child)
		return -ENOMEM;
	child->role = ARGO_SR_CONN;
	child->peer = msg->source;
	child->peer.pad = 0;
	argo_proto_accept(&child->pc, pkt, READ_ONCE(stream_window));
	kref_get(&sr->ref);
	child->sr = sr;
	child->ring_size = ring->len;
	sr_hash(sr, child);
	conns_add(child);

	spin_lock(&l->slock);
	list_add_tail(&child->aq_node, &l->acceptq);
	l->nacceptq++;
	spin_unlock(&l->slock);

	stream_owe(child, ARGO_PEND_ACK);
	wake_up_interruptible(&l->sk.wq);
	return 0;
}

static void stream_rx_unknown(struct argo_sring *sr, struct argo_ring *ring,
			      const struct argo_ring_msg *msg,
			      const struct argo_pkt *pkt)
{
	struct argo_stream *l = sr->listener;
	bool full = false;
	u32 act;

	lockdep_assert_held(&sr->lock);
	if (l) {
		spin_lock(&l->slock);
		full = l->nacceptq >= l->backlog;
		spin_unlock(&l->slock);
		if (full && pkt->flags == ARGO_PROTO_SYN)
			atomic64_inc(&l->sk.drops);
	}
	act = argo_proto_rx_unknown(pkt, !!l, full);
	if ((act & ARGO_ACT_ACCEPT) && !stream_accept_syn(sr, ring, l, msg, pkt))
		return;
	if (act & (ARGO_ACT_SEND_RST | ARGO_ACT_ACCEPT))
		send_rst(ring->aport, &msg->source, pkt->conid);
}

static void stream_rx_msg(struct argo_sring *sr, struct argo_ring *ring,
			  const struct argo_ring_msg *msg,
			  const struct argo_pkt *pkt)
{
	struct argo_stream *st;
	bool credit = false;
	LIST_HEAD(chunks);
	int copy_err = 0;
	u32 act;

	mutex_lock(&sr->lock);
	st = sr_lookup(sr, &msg->source, pkt->conid);
	if (st && pkt->flags == ARGO_PROTO_SYN &&
	    READ_ONCE(st->pc.state) == ARGO_PS_CLOSED) {
		/* The peer reuses the conid of a finished connection. */
		sr_unhash(sr, st);
		st = NULL;
	}
	if (!st) {
		stream_rx_unknown(sr, ring, msg, pkt);
		mutex_unlock(&sr->lock);
		return;
	}

	if (!pkt->flags && pkt->data_len)
		copy_err = stream_copy_data(ring, msg, pkt, &chunks);

	spin_lock(&st->slock);
	if (copy_err) {
		/* Cannot queue it and must not leave it: reset (rare). */
		act = argo_proto_abort(&st->pc, copy_err) | ARGO_ACT_SEND_RST;
	} else if (!st->pc.ext && !pkt->flags &&
		   argo_proto_rx_pending(&st->pc) + pkt->data_len >
		   ARGO_LEGACY_QUEUE_MAX) {
		act = argo_proto_abort(&st->pc, -ENOBUFS) | ARGO_ACT_SEND_RST;
	} else {
		act = argo_proto_rx(&st->pc, pkt);
	}
	if (act & ARGO_ACT_DELIVER) {
		if (st->shut_rd)
			credit = argo_proto_rx_consumed(&st->pc, pkt->data_len);
		else
			list_splice_tail_init(&chunks, &st->rxq);
	}
	if (act & ARGO_ACT_CLOSED)
		stream_closed(st);
	if (credit)
		st->pend |= ARGO_PEND_CREDIT;
	st->last_rx = jiffies;
	spin_unlock(&st->slock);

	if (act & ARGO_ACT_DELIVER) {
		atomic_long_inc(&argo_stream_stats.data_rx);
		atomic64_add(pkt->data_len, &st->sk.rx_bytes);
		atomic64_inc(&st->sk.rx_msgs);
	}
	if (act & ARGO_ACT_DROPPED)
		atomic64_inc(&st->sk.drops);
	if (act & ARGO_ACT_SEND_RST)
		send_rst(ring->aport, &msg->source, pkt->conid);
	if (credit)
		stream_flush_ctrl(st);
	if (act & (ARGO_ACT_WAKE_RX | ARGO_ACT_WAKE_TX))
		argo_stream_wake(st);
	mutex_unlock(&sr->lock);
	free_chunks(&chunks);
}

static void stream_data_ready(struct argo_ring *ring)
{
	struct argo_sring *sr = ring->owner;
	u8 head[ARGO_PROTO_PARSE_LEN];
	struct argo_ring_msg msg;
	struct argo_pkt pkt;
	unsigned int n = 0;
	u32 hl;
	int ret;

	argo_rx_lock(ring);
	while (!argo_rx_next(ring, &msg)) {
		if (msg.type != ARGO_MSG_TYPE_STREAM) {
			argo_rx_drop(ring, &msg);
			continue;
		}
		hl = argo_rx_copy(ring, &msg, 0, head,
				  min_t(u32, msg.len, sizeof(head)));
		ret = argo_proto_parse(head, hl, msg.len, &pkt);
		if (ret) {
			pr_debug_ratelimited("stream port %#x: dropped a malformed message from %u:%#x (%d)\n",
					     ring->aport,
					     msg.source.domain_id,
					     msg.source.aport, ret);
			argo_rx_drop(ring, &msg);
			continue;
		}
		stream_rx_msg(sr, ring, &msg, &pkt);
		argo_rx_consume(ring, &msg);
		/* Let senders waiting for our space go on during long drains. */
		if (!(++n % 32))
			argo_rx_notify();
	}
	argo_rx_unlock(ring);
	argo_rx_notify();
}

/*
 * After a resume.  Same domid, ring kept or registered again: connections
 * go on (a checkpoint, xl save -c, resumes the domain in place and its
 * peers never noticed); probe them soon, for a peer that died meanwhile.
 * A new domid (restore, migration): peers address this end by the old
 * domid, whose rings died with the old domain, so every connection is
 * over; a listener keeps listening, for new ones.
 */
static void stream_ring_resumed(struct argo_ring *ring, int err)
{
	struct argo_sring *sr = ring->owner;
	u16 domid = argo_local_domid();
	struct argo_stream *st;
	unsigned int bkt;

	mutex_lock(&sr->lock);
	if (err || domid != sr->domid) {
		/* Peers knew us under another domid: they cannot reach us. */
		hash_for_each(sr->conns, bkt, st, hnode)
			stream_abort(st, -ECONNRESET);
	} else {
		/* Probe every connection soon. */
		hash_for_each(sr->conns, bkt, st, hnode)
			st->last_rx = jiffies - ARGO_PROBE_IDLE;
	}
	sr->domid = domid;
	mutex_unlock(&sr->lock);
}

static void stream_ring_show(struct seq_file *m, struct argo_ring *ring)
{
	struct argo_sring *sr = ring->owner;

	seq_printf(m, " conns %u %s", READ_ONCE(sr->nconns),
		   sr->shared ? "client" : (READ_ONCE(sr->listener) ?
					    "listener" : "bound"));
}

/* ---- Probing for dead peers ------------------------------------------- */

struct argo_probe_peer {
	u16 domid;
	u32 aport;
};

static bool peer_in(const struct argo_probe_peer *p, int n,
		    const xen_argo_addr_t *a)
{
	int i;

	for (i = 0; i < n; i++)
		if (p[i].domid == a->domain_id && p[i].aport == a->aport)
			return true;
	return false;
}

static void argo_probe_work_fn(struct work_struct *work)
{
	/* Only this work uses these (it never runs concurrently with itself). */
	static struct argo_stream *batch[ARGO_PROBE_BATCH];
	static struct argo_probe_peer probed[ARGO_PROBE_BATCH];
	static struct argo_probe_peer dead[ARGO_PROBE_BATCH];
	unsigned long now = jiffies;
	int nbatch = 0, ndead = 0, i;
	struct argo_stream *st;
	bool more;
	u8 state;

	mutex_lock(&argo_conns_lock);
	list_for_each_entry(st, &argo_conns, conn_node) {
		if (nbatch == ARGO_PROBE_BATCH)
			break;
		state = READ_ONCE(st->pc.state);
		if (state == ARGO_PS_SYN_SENT) {
			if (time_after(now, st->syn_time + ARGO_CONNECT_TIMEOUT))
				goto take;
			continue;
		}
		if (!argo_proto_can_probe(&st->pc) ||
		    time_before(now, READ_ONCE(st->last_rx) + ARGO_PROBE_IDLE) ||
		    time_before(now, st->last_probe + ARGO_PROBE_IDLE) ||
		    peer_in(probed, nbatch, &st->peer))
			continue;
take:
		probed[nbatch].domid = st->peer.domain_id;
		probed[nbatch].aport = st->peer.aport;
		kref_get(&st->ref);
		batch[nbatch++] = st;
	}
	more = !list_empty(&argo_conns);
	mutex_unlock(&argo_conns_lock);

	for (i = 0; i < nbatch; i++) {
		st = batch[i];
		if (READ_ONCE(st->pc.state) == ARGO_PS_SYN_SENT) {
			stream_abort(st, -ETIMEDOUT);
		} else {
			st->last_probe = now;
			if (peer_gone(stream_owe(st, ARGO_PEND_PROBE)) &&
			    ndead < ARGO_PROBE_BATCH) {
				dead[ndead].domid = st->peer.domain_id;
				dead[ndead].aport = st->peer.aport;
				ndead++;
			}
		}
		stream_put(st);
	}

	/* Every connection to a ring that is gone is over. */
	if (ndead) {
		mutex_lock(&argo_conns_lock);
		list_for_each_entry(st, &argo_conns, conn_node) {
			if (peer_in(dead, ndead, &st->peer))
				stream_abort(st, -ECONNRESET);
		}
		mutex_unlock(&argo_conns_lock);
	}
	if (more)
		queue_delayed_work(argo_stream_wq, &argo_probe_work,
				   ARGO_PROBE_PERIOD);
}

/* ---- Socket ops ---------------------------------------------------------- */

static struct argo_sock *stream_create(void)
{
	struct argo_stream *st = stream_alloc();

	return st ? &st->sk : ERR_PTR(-ENOMEM);
}

/* The connection part of release; also for never-accepted children. */
static void stream_release_conn(struct argo_stream *st, bool force_rst)
{
	struct argo_sring *sr = st->sr;
	bool unread;
	u8 owe = 0;
	int what;

	conns_del(st);
	mutex_lock(&sr->lock);
	sr_unhash(sr, st);
	mutex_unlock(&sr->lock);

	spin_lock(&st->slock);
	/* After SHUT_RD data is discarded on arrival: never "unread". */
	unread = force_rst ||
		 (!st->shut_rd && argo_proto_rx_pending(&st->pc));
	what = argo_proto_close(&st->pc, unread);
	if (st->pend & ARGO_PEND_SYN) {
		st->pend = 0;		/* the peer never heard of us */
	} else if (what == ARGO_CLOSE_RST) {
		st->pend = 0;
		owe = ARGO_PEND_RST;
	} else if (what == ARGO_CLOSE_FIN) {
		st->pend &= ARGO_PEND_ACK;
		owe = ARGO_PEND_FIN;
	} else {
		st->pend &= ARGO_PEND_ACK;
	}
	spin_unlock(&st->slock);
	stream_owe(st, owe);
}

static void stream_release(struct argo_sock *sk)
{
	struct argo_stream *st = argo_stream(sk);
	struct argo_stream *child, *tmp;
	LIST_HEAD(children);

	if (st->role == ARGO_SR_LISTEN) {
		mutex_lock(&st->own->lock);
		st->own->listener = NULL;
		mutex_unlock(&st->own->lock);
		spin_lock(&st->slock);
		list_splice_init(&st->acceptq, &children);
		st->nacceptq = 0;
		spin_unlock(&st->slock);
		list_for_each_entry_safe(child, tmp, &children, aq_node) {
			list_del_init(&child->aq_node);
			stream_release_conn(child, true);
			stream_purge_rxq(child);
			argo_sock_exit(&child->sk);
			stream_put(child);
		}
	}
	if (st->role == ARGO_SR_CONN)
		stream_release_conn(st, false);
	stream_purge_rxq(st);
	argo_sock_exit(sk);
	stream_put(st);
}

static int stream_set_ring_size(struct argo_sock *sk, u32 size)
{
	struct argo_stream *st = argo_stream(sk);
	int ret = -EISCONN;

	if (!argo_ring_len_valid(size))
		return -EINVAL;
	mutex_lock(&st->lock);
	if (st->role == ARGO_SR_NEW) {
		st->ring_size = size;
		ret = 0;
	}
	mutex_unlock(&st->lock);
	return ret;
}

static u32 stream_get_ring_size(struct argo_sock *sk)
{
	struct argo_stream *st = argo_stream(sk);
	u32 size;

	mutex_lock(&st->lock);
	size = st->sr ? st->sr->ring->len :
	       st->own ? st->own->ring->len : st->ring_size;
	mutex_unlock(&st->lock);
	return size;
}

static int stream_bind_locked(struct argo_stream *st, u32 aport, u16 partner)
{
	struct argo_sring *sr;

	lockdep_assert_held(&st->lock);
	if (st->role != ARGO_SR_NEW)
		return -EINVAL;
	if (aport != ARGO_PORT_ANY && aport <= ARGO_PRIVILEGED_PORT_MAX &&
	    !capable(CAP_NET_BIND_SERVICE))
		return -EACCES;
	sr = sring_create(aport, partner, st->ring_size);
	if (IS_ERR(sr))
		return PTR_ERR(sr);
	st->own = sr;
	st->role = ARGO_SR_BOUND;
	return 0;
}

static int stream_bind(struct argo_sock *sk, const struct argo_ring_id *id)
{
	struct argo_stream *st = argo_stream(sk);
	int ret;

	mutex_lock(&st->lock);
	ret = stream_bind_locked(st, id->aport, id->partner_id);
	mutex_unlock(&st->lock);
	return ret;
}

static int stream_listen(struct argo_sock *sk, u32 backlog)
{
	struct argo_stream *st = argo_stream(sk);
	int ret = 0;

	if (!backlog)
		backlog = ARGO_LISTEN_BACKLOG;
	backlog = min(backlog, ARGO_LISTEN_BACKLOG_MAX);

	mutex_lock(&st->lock);
	if (st->role == ARGO_SR_NEW)
		ret = stream_bind_locked(st, ARGO_PORT_ANY, ARGO_DOMID_ANY);
	if (!ret && st->role != ARGO_SR_BOUND && st->role != ARGO_SR_LISTEN)
		ret = -EINVAL;
	if (!ret) {
		spin_lock(&st->slock);
		st->backlog = backlog;
		spin_unlock(&st->slock);
		mutex_lock(&st->own->lock);
		st->own->listener = st;
		mutex_unlock(&st->own->lock);
		st->role = ARGO_SR_LISTEN;
	}
	mutex_unlock(&st->lock);
	return ret;
}

/* Take the pending error (-errno or 0). */
static int stream_take_err(struct argo_stream *st)
{
	int err;

	spin_lock(&st->slock);
	err = st->err;
	st->err = 0;
	spin_unlock(&st->slock);
	return err;
}

static u8 stream_state(struct argo_stream *st)
{
	return READ_ONCE(st->pc.state);
}

static bool stream_connecting(struct argo_stream *st)
{
	return stream_state(st) == ARGO_PS_SYN_SENT;
}

static int stream_connect(struct argo_sock *sk, const xen_argo_addr_t *peer,
			  bool nonblock)
{
	struct argo_stream *st = argo_stream(sk);
	struct argo_sring *sr;
	long left;
	int ret;
	u32 conid;

	if (!peer || peer->domain_id == ARGO_DOMID_ANY ||
	    peer->aport == ARGO_PORT_ANY)
		return -EINVAL;

	mutex_lock(&st->lock);
	switch (st->role) {
	case ARGO_SR_NEW:
		sr = client_ring_get(peer->domain_id, st->ring_size);
		break;
	case ARGO_SR_BOUND:
		sr = st->own;
		if (sr->ring->partner != XEN_ARGO_DOMID_ANY &&
		    sr->ring->partner != peer->domain_id) {
			sr = ERR_PTR(-EINVAL);
			break;
		}
		kref_get(&sr->ref);
		break;
	case ARGO_SR_CONN:
		sr = ERR_PTR(stream_state(st) == ARGO_PS_SYN_SENT ?
			     -EALREADY : -EISCONN);
		break;
	default:
		sr = ERR_PTR(-EINVAL);
		break;
	}
	if (IS_ERR(sr)) {
		mutex_unlock(&st->lock);
		/* Xen: -ESRCH when the partner domain does not exist. */
		return PTR_ERR(sr) == -ESRCH ? -EHOSTUNREACH : PTR_ERR(sr);
	}

	mutex_lock(&sr->lock);
	do {
		conid = sr->next_conid++;
	} while (sr_conid_used(sr, conid));
	spin_lock(&st->slock);
	argo_proto_connect(&st->pc, conid, READ_ONCE(stream_window));
	st->peer = *peer;
	st->peer.pad = 0;
	st->sr = sr;
	st->syn_time = jiffies;
	st->last_rx = jiffies;
	st->role = ARGO_SR_CONN;
	spin_unlock(&st->slock);
	sr_hash(sr, st);
	mutex_unlock(&sr->lock);
	mutex_unlock(&st->lock);
	conns_add(st);

	ret = stream_owe(st, ARGO_PEND_SYN);
	if (ret && ret != -EAGAIN)
		return stream_take_err(st) ?: ret;
	if (nonblock)
		return -EINPROGRESS;

	left = wait_event_interruptible_timeout(st->sk.wq, !stream_connecting(st),
						ARGO_CONNECT_TIMEOUT);
	if (left < 0)
		return -EINTR;	/* the connection goes on in the background */
	if (!left && stream_state(st) == ARGO_PS_SYN_SENT) {
		stream_abort(st, -ETIMEDOUT);
		stream_owe(st, ARGO_PEND_RST);
	}
	if (stream_state(st) == ARGO_PS_SYN_SENT)
		return -EINTR;
	ret = stream_take_err(st);
	if (ret)
		return ret;
	return stream_state(st) == ARGO_PS_CLOSED ? -ECONNRESET : 0;
}

static struct argo_sock *stream_accept(struct argo_sock *sk,
				       xen_argo_addr_t *peer, bool nonblock)
{
	struct argo_stream *st = argo_stream(sk);
	struct argo_stream *child = NULL;
	int ret;

	if (READ_ONCE(st->role) != ARGO_SR_LISTEN)
		return ERR_PTR(-EINVAL);
	for (;;) {
		spin_lock(&st->slock);
		child = list_first_entry_or_null(&st->acceptq,
						 struct argo_stream, aq_node);
		if (child) {
			list_del_init(&child->aq_node);
			st->nacceptq--;
		}
		spin_unlock(&st->slock);
		if (child)
			break;
		if (nonblock)
			return ERR_PTR(-EAGAIN);
		ret = wait_event_interruptible(st->sk.wq,
					       !list_empty_careful(&st->acceptq));
		if (ret)
			return ERR_PTR(ret);
	}
	if (peer)
		*peer = child->peer;
	return &child->sk;
}

/* After SHUT_RD (rlock held): drop what is queued, as consumed. */
static bool stream_discard_rxq(struct argo_stream *st)
{
	LIST_HEAD(list);
	bool credit;

	spin_lock(&st->slock);
	list_splice_init(&st->rxq, &list);
	credit = argo_proto_rx_consumed(&st->pc,
					argo_proto_rx_pending(&st->pc));
	spin_unlock(&st->slock);
	free_chunks(&list);
	return credit;
}

static int stream_shutdown(struct argo_sock *sk, int how)
{
	struct argo_stream *st = argo_stream(sk);
	bool fin = false, credit = false;
	int ret = 0;

	if (READ_ONCE(st->role) != ARGO_SR_CONN)
		return -ENOTCONN;
	if (how == SHUT_RD || how == SHUT_RDWR) {
		spin_lock(&st->slock);
		st->shut_rd = 1;
		spin_unlock(&st->slock);
		/* A reader in recv() discards the queue itself. */
		if (mutex_trylock(&st->rlock)) {
			credit = stream_discard_rxq(st);
			mutex_unlock(&st->rlock);
		}
		argo_stream_wake(st);
	}
	if (how == SHUT_WR || how == SHUT_RDWR) {
		/* After a write in progress: the FIN must follow its data. */
		if (mutex_lock_interruptible(&st->wlock))
			return -ERESTARTSYS;
		spin_lock(&st->slock);
		if (st->pc.state == ARGO_PS_SYN_SENT)
			ret = -ENOTCONN;
		else
			fin = argo_proto_shutdown_wr(&st->pc);
		spin_unlock(&st->slock);
		if (fin)
			stream_owe(st, ARGO_PEND_FIN);
		mutex_unlock(&st->wlock);
	}
	if (credit)
		stream_owe(st, ARGO_PEND_CREDIT);
	argo_stream_wake(st);
	return ret;
}

/* Wait condition of a writer: credit, or a reason to stop. */
static bool stream_can_write(struct argo_stream *st)
{
	bool ret;

	spin_lock(&st->slock);
	ret = st->err || argo_proto_tx_check(&st->pc) ||
	      (argo_proto_tx_space(&st->pc) && !(st->pend & ARGO_PEND_ACK));
	spin_unlock(&st->slock);
	return ret;
}

static ssize_t stream_send(struct argo_sock *sk, const void __user *buf,
			   size_t len, int flags, const xen_argo_addr_t *dst)
{
	struct argo_stream *st = argo_stream(sk);
	bool nonblock = flags & MSG_DONTWAIT;
	long timeo = MAX_SCHEDULE_TIMEOUT;
	u8 hdr[ARGO_PROTO_HDR_LEN];
	size_t sent = 0, bufsize;
	xen_argo_addr_t peer;
	struct kvec iov[2];
	void *kbuf = NULL;
	u32 space, n, port;
	int err = 0;
	ssize_t r;

	if (READ_ONCE(st->role) != ARGO_SR_CONN)
		return -ENOTCONN;
	if (mutex_lock_interruptible(&st->wlock))
		return -ERESTARTSYS;

	if (stream_state(st) == ARGO_PS_SYN_SENT) {
		if (nonblock) {
			err = -EAGAIN;
			goto out;
		}
		if (wait_event_interruptible(st->sk.wq,
					     !stream_connecting(st))) {
			err = -ERESTARTSYS;
			goto out;
		}
	}
	peer = st->peer;
	port = st->sr->ring->aport;
	argo_proto_build_data_hdr(&st->pc, hdr);
	bufsize = min_t(size_t, len, st->max_msg);

	while (sent < len) {
		if (READ_ONCE(st->pend))
			stream_flush_ctrl(st);

		spin_lock(&st->slock);
		/*
		 * A reset is reported once (like TCP), afterwards EPIPE; after
		 * a partial write, by the next call.
		 */
		err = st->err;
		if (!sent)
			st->err = 0;
		if (!err) {
			err = argo_proto_tx_check(&st->pc);
			if (err && err != -ENOTCONN)
				err = -EPIPE;
		}
		space = err ? 0 : argo_proto_tx_space(&st->pc);
		if (st->pend & ARGO_PEND_ACK)
			space = 0;
		spin_unlock(&st->slock);
		if (err)
			break;

		if (!space) {
			if (nonblock) {
				err = -EAGAIN;
				break;
			}
			if (wait_event_interruptible(st->sk.wq,
						     stream_can_write(st))) {
				err = -ERESTARTSYS;
				break;
			}
			continue;
		}

		n = min_t(size_t, len - sent, min(space, st->max_msg));
		if (!kbuf) {
			kbuf = kvmalloc(bufsize, GFP_KERNEL);
			if (!kbuf) {
				err = -ENOMEM;
				break;
			}
		}
		if (copy_from_user(kbuf, (const u8 __user *)buf + sent, n)) {
			err = -EFAULT;
			break;
		}
retry:
		iov[0].iov_base = hdr;
		iov[0].iov_len = sizeof(hdr);
		iov[1].iov_base = kbuf;
		iov[1].iov_len = n;
		/* Counted first: the peer may credit them before sendv returns. */
		spin_lock(&st->slock);
		argo_proto_tx_sent(&st->pc, n);
		spin_unlock(&st->slock);
		r = argo_sendv(port, &peer, iov, 2, ARGO_MSG_TYPE_STREAM);
		if (r < 0) {
			spin_lock(&st->slock);
			argo_proto_tx_cancel(&st->pc, n);
			spin_unlock(&st->slock);
		} else {
			sent += n;
			atomic_long_inc(&argo_stream_stats.data_sent);
			atomic64_add(n, &sk->tx_bytes);
			atomic64_inc(&sk->tx_msgs);
			continue;
		}
		if (r == -EMSGSIZE && n > ARGO_STREAM_MSG_MIN) {
			st->max_msg = max(n / 2, ARGO_STREAM_MSG_MIN);
			n = st->max_msg;
			goto retry;
		}
		if (r == -EAGAIN && nonblock) {
			if (n > ARGO_POLL_QUANTUM) {
				n = ARGO_POLL_QUANTUM;
				goto retry;
			}
			/* Have Xen raise the VIRQ when it fits: poll wakes. */
			argo_query_space(&peer, n + ARGO_PROTO_HDR_LEN);
			err = -EAGAIN;
			break;
		}
		if (r == -EAGAIN) {
			r = argo_wait_space(&peer, n + ARGO_PROTO_HDR_LEN,
					    &timeo);
			if (!r)
				continue;	/* re-check the connection, retry */
		}
		if (r == -ERESTARTSYS) {
			err = -ERESTARTSYS;
			break;
		}
		if (peer_gone(r)) {
			/* The peer's ring is gone: the peer is. */
			stream_abort(st, -ECONNRESET);
			continue;	/* reports the error above */
		}
		err = r;
		break;
	}
out:
	mutex_unlock(&st->wlock);
	kvfree(kbuf);
	if (sent)
		return sent;
	if (err == -EPIPE && !(flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	return err;
}

/* Wait condition of a reader. */
static bool stream_can_read(struct argo_stream *st)
{
	bool ret;

	spin_lock(&st->slock);
	ret = !list_empty(&st->rxq) || st->err || st->shut_rd ||
	      argo_proto_rx_eof(&st->pc);
	spin_unlock(&st->slock);
	return ret;
}

static ssize_t stream_recv(struct argo_sock *sk, void __user *buf,
			   size_t len, int flags, xen_argo_addr_t *src)
{
	struct argo_stream *st = argo_stream(sk);
	bool nonblock = flags & MSG_DONTWAIT, peek = flags & MSG_PEEK;
	size_t target = (flags & MSG_WAITALL) ? len : 1;
	struct argo_chunk *ch, *done;
	size_t copied = 0;
	bool credit = false;
	ssize_t err = 0;
	u32 n, off;

	if (READ_ONCE(st->role) != ARGO_SR_CONN)
		return -ENOTCONN;
	if (!len)
		return 0;
	if (mutex_lock_interruptible(&st->rlock))
		return -ERESTARTSYS;
	if (src)
		*src = st->peer;
	if (READ_ONCE(st->shut_rd)) {
		if (stream_discard_rxq(st))
			stream_owe(st, ARGO_PEND_CREDIT);
		mutex_unlock(&st->rlock);
		return 0;
	}

	ch = NULL;
	while (copied < len) {
		spin_lock(&st->slock);
		/* MSG_PEEK walks the queue without consuming it. */
		if (!ch)
			ch = list_first_entry_or_null(&st->rxq,
						      struct argo_chunk, node);
		else if (!list_is_last(&ch->node, &st->rxq))
			ch = list_next_entry(ch, node);
		else
			ch = NULL;
		if (!ch) {
			bool eof = argo_proto_rx_eof(&st->pc) || st->shut_rd;

			if (copied >= target || (copied && peek)) {
				spin_unlock(&st->slock);
				break;
			}
			if (st->err && !copied) {
				err = st->err;
				st->err = 0;
				spin_unlock(&st->slock);
				break;
			}
			spin_unlock(&st->slock);
			if (eof)
				break;
			if (nonblock) {
				err = -EAGAIN;
				break;
			}
			if (wait_event_interruptible(st->sk.wq,
						     stream_can_read(st))) {
				err = copied ? 0 : -ERESTARTSYS;
				break;
			}
			continue;
		}
		off = ch->off;
		n = min_t(size_t, ch->len - off, len - copied);
		spin_unlock(&st->slock);

		/* Only readers (we hold rlock) remove or advance chunks. */
		if (!(flags & MSG_TRUNC) &&
		    copy_to_user((u8 __user *)buf + copied, ch->data + off, n)) {
			err = copied ? 0 : -EFAULT;
			break;
		}
		copied += n;
		if (peek) {
			if (off + n < ch->len)
				break;
			continue;
		}
		done = NULL;
		spin_lock(&st->slock);
		ch->off += n;
		if (ch->off == ch->len) {
			list_del(&ch->node);
			done = ch;
		}
		if (argo_proto_rx_consumed(&st->pc, n))
			credit = true;
		spin_unlock(&st->slock);
		kfree(done);
		ch = NULL;
		/* Release the peer early on long reads. */
		if (credit) {
			stream_owe(st, ARGO_PEND_CREDIT);
			credit = false;
		}
	}
	mutex_unlock(&st->rlock);
	return copied ? copied : err;
}

static __poll_t stream_poll(struct argo_sock *sk, struct file *file,
			    poll_table *wait)
{
	struct argo_stream *st = argo_stream(sk);
	xen_argo_addr_t peer;
	__poll_t mask = 0, want_out;
	u32 space = 0;
	u8 role = READ_ONCE(st->role);

	poll_wait(file, &sk->wq, wait);
	if (role == ARGO_SR_LISTEN) {
		spin_lock(&st->slock);
		if (!list_empty(&st->acceptq))
			mask |= EPOLLIN | EPOLLRDNORM;
		spin_unlock(&st->slock);
		return mask;
	}
	if (role != ARGO_SR_CONN)
		return EPOLLOUT | EPOLLHUP;

	/* Every VIRQ wakes argo_space_waitq(): only writers wait there. */
	want_out = poll_requested_events(wait) & (EPOLLOUT | EPOLLWRNORM);
	if (want_out)
		poll_wait(file, argo_space_waitq(), wait);
	spin_lock(&st->slock);
	if (!list_empty(&st->rxq) || argo_proto_rx_eof(&st->pc) ||
	    st->shut_rd)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (st->pc.peer_fin || st->shut_rd)
		mask |= EPOLLRDHUP;
	if (st->err)
		mask |= EPOLLERR;
	if (st->pc.state == ARGO_PS_CLOSED &&
	    (st->pc.err || (st->pc.peer_fin && st->pc.local_fin)))
		mask |= EPOLLHUP;
	if (st->pc.state != ARGO_PS_SYN_SENT) {
		if (argo_proto_tx_check(&st->pc))
			mask |= EPOLLOUT | EPOLLWRNORM;	/* write fails at once */
		else if (!(st->pend & ARGO_PEND_ACK))
			space = min(argo_proto_tx_space(&st->pc),
				    ARGO_POLL_QUANTUM);
	}
	peer = st->peer;
	spin_unlock(&st->slock);

	/* Ask Xen about ring space only when the caller wants to write. */
	if (space && want_out &&
	    argo_query_space(&peer, space + ARGO_PROTO_HDR_LEN))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int stream_getsockname(struct argo_sock *sk, struct argo_ring_id *id)
{
	struct argo_stream *st = argo_stream(sk);
	struct argo_sring *sr;

	mutex_lock(&st->lock);
	sr = st->sr ? st->sr : st->own;
	id->domain_id = argo_local_domid();
	id->partner_id = sr ? sr->ring->partner : ARGO_DOMID_ANY;
	id->aport = sr ? sr->ring->aport : 0;
	mutex_unlock(&st->lock);
	return 0;
}

static int stream_getpeername(struct argo_sock *sk, xen_argo_addr_t *peer)
{
	struct argo_stream *st = argo_stream(sk);
	int ret = -ENOTCONN;

	mutex_lock(&st->lock);
	if (st->role == ARGO_SR_CONN && stream_state(st) != ARGO_PS_SYN_SENT) {
		*peer = st->peer;
		ret = 0;
	}
	mutex_unlock(&st->lock);
	return ret;
}

static int stream_get_error(struct argo_sock *sk)
{
	return -stream_take_err(argo_stream(sk));
}

static void stream_show(struct seq_file *m, struct argo_sock *sk)
{
	struct argo_stream *st = argo_stream(sk);
	struct argo_sring *sr;
	struct argo_conn c;
	u8 role = READ_ONCE(st->role);
	u32 nq, backlog;
	u8 pend;

	seq_printf(m, " role %s", argo_role_names[role]);
	sr = READ_ONCE(st->sr) ?: READ_ONCE(st->own);
	if (sr)
		seq_printf(m, " port 0x%08x partner %u", sr->ring->aport,
			   sr->ring->partner);
	spin_lock(&st->slock);
	c = st->pc;
	pend = st->pend;
	nq = st->nacceptq;
	backlog = st->backlog;
	spin_unlock(&st->slock);
	if (role == ARGO_SR_LISTEN)
		seq_printf(m, " acceptq %u backlog %u", nq, backlog);
	if (role != ARGO_SR_CONN)
		return;
	seq_printf(m, " peer %u:0x%08x conid 0x%08x state %s%s err %d queued %u window %u unacked %u peer_window %u pend 0x%x",
		   st->peer.domain_id, st->peer.aport, c.conid,
		   argo_proto_state_name(c.state), c.ext ? "" : " legacy",
		   c.err, argo_proto_rx_pending(&c), c.rx_window,
		   c.tx_sent - c.peer_consumed, c.peer_window, pend);
}

const struct argo_sock_ops argo_stream_ops = {
	.type = ARGO_PTYPE_STREAM,
	.name = "stream",
	.create = stream_create,
	.release = stream_release,
	.set_ring_size = stream_set_ring_size,
	.get_ring_size = stream_get_ring_size,
	.bind = stream_bind,
	.connect = stream_connect,
	.listen = stream_listen,
	.accept = stream_accept,
	.shutdown = stream_shutdown,
	.send = stream_send,
	.recv = stream_recv,
	.poll = stream_poll,
	.getsockname = stream_getsockname,
	.getpeername = stream_getpeername,
	.get_error = stream_get_error,
	.show = stream_show,
};

/* ---- Forged messages for tests ------------------------------------------ */

/*
 * A write to argo/stream_inject: this header, then the message payload.
 * Xen stamps our domid as the source; the source port is the caller's
 * choice, so a test can impersonate a connection of this domain.
 */
struct argo_inject_hdr {
	__u16 domid;
	__u16 pad;
	__u32 dst_port;
	__u32 src_port;
	__u32 msg_type;		/* 0: ARGO_MSG_TYPE_STREAM */
};

static ssize_t stream_inject_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	struct argo_inject_hdr h;
	xen_argo_addr_t dst;
	struct kvec kv;
	ssize_t ret;
	u8 *buf;

	if (!READ_ONCE(stream_inject))
		return -EPERM;
	if (len < sizeof(h) || len > sizeof(h) + ARGO_STREAM_MSG_MAX)
		return -EINVAL;
	buf = memdup_user(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	memcpy(&h, buf, sizeof(h));
	dst.aport = h.dst_port;
	dst.domain_id = h.domid;
	dst.pad = 0;
	kv.iov_base = buf + sizeof(h);
	kv.iov_len = len - sizeof(h);
	ret = argo_sendv(h.src_port, &dst, &kv, 1,
			 h.msg_type ?: ARGO_MSG_TYPE_STREAM);
	kfree(buf);
	return ret < 0 ? ret : len;
}

static const struct file_operations stream_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = stream_inject_write,
	.llseek = no_llseek,
};

static struct dentry *stream_inject_file;

void argo_stream_stats_show(struct seq_file *m)
{
	seq_printf(m, "stream_data_sent %ld\nstream_data_rx %ld\nstream_credits_sent %ld\nstream_ctrl_deferred %ld\n",
		   atomic_long_read(&argo_stream_stats.data_sent),
		   atomic_long_read(&argo_stream_stats.data_rx),
		   atomic_long_read(&argo_stream_stats.credits_sent),
		   atomic_long_read(&argo_stream_stats.ctrl_deferred));
}

/* ---- Module init/exit ---------------------------------------------------- */

/* After argo_admin_init(), which makes the debugfs directory. */
int argo_stream_init(void)
{
	struct dentry *dir;

	argo_stream_cache = kmem_cache_create("argo_stream",
					      sizeof(struct argo_stream), 0,
					      SLAB_ACCOUNT, NULL);
	if (!argo_stream_cache)
		return -ENOMEM;
	/*
	 * The retry and probe works use no per-CPU state.  Saying so matters
	 * since 7.x: alloc_workqueue() WARNs when neither WQ_UNBOUND nor
	 * WQ_PERCPU is given (seen in the lab with --kernel sid).
	 */
	argo_stream_wq = alloc_workqueue("argo_stream", WQ_UNBOUND, 0);
	if (!argo_stream_wq) {
		kmem_cache_destroy(argo_stream_cache);
		return -ENOMEM;
	}
	dir = debugfs_lookup("argo", NULL);
	if (dir) {
		stream_inject_file = debugfs_create_file("stream_inject", 0200,
							 dir, NULL,
							 &stream_inject_fops);
		dput(dir);
	}
	pr_debug("stream: %zu bytes per socket, window %u\n",
		 sizeof(struct argo_stream), stream_window);
	return 0;
}

void argo_stream_exit(void)
{
	struct argo_stream *st, *tmp;
	LIST_HEAD(list);

	debugfs_remove(stream_inject_file);
	stream_inject_file = NULL;
	/* Every file is closed; only owed FIN/RSTs may remain: drop them. */
	cancel_delayed_work_sync(&argo_probe_work);
	cancel_delayed_work_sync(&argo_pend_work);
	spin_lock(&argo_pend_lock);
	list_splice_init(&argo_pend_list, &list);
	spin_unlock(&argo_pend_lock);
	list_for_each_entry_safe(st, tmp, &list, pend_node) {
		list_del_init(&st->pend_node);
		st->queued = 0;
		stream_put(st);
	}
	destroy_workqueue(argo_stream_wq);
	WARN_ON(atomic_read(&argo_nstreams));
	kmem_cache_destroy(argo_stream_cache);
}
