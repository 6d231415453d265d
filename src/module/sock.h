/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An Argo socket: one open() of /dev/argo_dgram or /dev/argo_stream
 * (or a file made by ACCEPT), kept in file->private_data.
 *
 * dev.c owns the file: it copies and validates ioctl arguments, turns
 * O_NONBLOCK into MSG_DONTWAIT / nonblock, and calls the socket type's
 * const ops table: argo_dgram_ops (dgram.c) or argo_stream_ops (stream.c).
 * A type embeds struct argo_sock in its own structure (container_of), calls
 * argo_sock_init() in ops->create() and argo_sock_exit() in ops->release().
 *
 * Calling conventions for every op
 * - Arguments are kernel copies already checked for what dev.c can check
 *   (sizes, SHUT_* values, ring size range, flags limited to
 *   ARGO_SOCK_MSG_FLAGS).  User buffers stay __user pointers: the op copies.
 * - Return 0 / a byte count, or -errno exactly as userspace should see it
 *   (-ERESTARTSYS on signals).  A NULL op makes dev.c return -EOPNOTSUPP.
 * - Ops run in process context, may sleep, and may be called concurrently
 *   for one socket (two threads sharing the fd): the type locks itself.
 *   release() is called once, when the last reference to the file goes.
 */
#ifndef ARGO_SOCK_H
#define ARGO_SOCK_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/net.h>		/* SHUT_RD, SHUT_WR, SHUT_RDWR */
#include <linux/poll.h>
#include <linux/socket.h>
#include <linux/wait.h>
#include "xen_argo.h"
#include "uapi/linux/argo.h"

struct seq_file;
struct argo_sock;

/* MSG_* flags SEND/RECV accept; others give -EINVAL. */
#define ARGO_SOCK_MSG_FLAGS \
	(MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL | MSG_NOSIGNAL)

struct argo_sock_ops {
	int type;			/* ARGO_PTYPE_* */
	const char *name;		/* "dgram", "stream" */

	/* Allocate a socket at open(); ERR_PTR on failure. */
	struct argo_sock *(*create)(void);
	/* Last close: disconnect, free everything (including sk). */
	void (*release)(struct argo_sock *sk);

	/* SETRINGSIZE (size already in the uapi range, rounded to 16). */
	int (*set_ring_size)(struct argo_sock *sk, u32 size);
	u32 (*get_ring_size)(struct argo_sock *sk);

	/* BIND: id->aport may be ARGO_PORT_ANY; id->domain_id is ignored. */
	int (*bind)(struct argo_sock *sk, const struct argo_ring_id *id);
	/* CONNECT; dgram: peer NULL = disconnect.  -EINPROGRESS if nonblock. */
	int (*connect)(struct argo_sock *sk, const xen_argo_addr_t *peer,
		       bool nonblock);
	/* LISTEN (backlog 0: a default). */
	int (*listen)(struct argo_sock *sk, u32 backlog);
	/*
	 * ACCEPT: returns a new socket (made with argo_sock_init()) and fills
	 * *peer; dev.c wraps it in a new file descriptor and calls release()
	 * on it if that fails.
	 */
	struct argo_sock *(*accept)(struct argo_sock *sk, xen_argo_addr_t *peer,
				    bool nonblock);
	/* SHUTDOWN: how is SHUT_RD, SHUT_WR or SHUT_RDWR. */
	int (*shutdown)(struct argo_sock *sk, int how);

	/*
	 * SEND/write: dst NULL means the connected peer.  flags: MSG_*;
	 * MSG_DONTWAIT also when the file is O_NONBLOCK.
	 */
	ssize_t (*send)(struct argo_sock *sk, const void __user *buf,
			size_t len, int flags, const xen_argo_addr_t *dst);
	/*
	 * RECV/read: src (may be NULL) receives the sender's address.
	 * MSG_TRUNC on a datagram socket returns the full message length.
	 */
	ssize_t (*recv)(struct argo_sock *sk, void __user *buf, size_t len,
			int flags, xen_argo_addr_t *src);
	__poll_t (*poll)(struct argo_sock *sk, struct file *file,
			 poll_table *wait);

	int (*getsockname)(struct argo_sock *sk, struct argo_ring_id *id);
	int (*getpeername)(struct argo_sock *sk, xen_argo_addr_t *peer);
	/* GETCONNECTERR: return and clear the pending error (positive or 0). */
	int (*get_error)(struct argo_sock *sk);

	/* Optional: type-specific text after the common fields in debugfs. */
	void (*show)(struct seq_file *m, struct argo_sock *sk);
};

struct argo_sock {
	const struct argo_sock_ops *ops;
	unsigned long id;		/* unique, for the admin listing */
	struct list_head node;		/* dev.c's socket list (its lock) */
	/* Readers, writers and pollers sleep here; the type wakes it. */
	wait_queue_head_t wq;
	/* Counters for the listing: payload bytes and messages. */
	atomic64_t rx_bytes;
	atomic64_t rx_msgs;
	atomic64_t tx_bytes;
	atomic64_t tx_msgs;
	atomic64_t drops;
};

extern const struct argo_sock_ops argo_dgram_ops;
extern const struct argo_sock_ops argo_stream_ops;

/*
 * Default receive ring size (bytes of message space) of a datagram socket:
 * 64 pages in all.  Every bound datagram socket has a ring of its own, and
 * Xen allows a domain 128 rings.
 */
#define ARGO_DEFAULT_RING_SIZE	(256U * 1024 - XEN_ARGO_RING_HDR_SIZE)
/*
 * Default ring size of a stream listener or client ring: 256 pages.  Stream
 * rings are few (one per listener and one per peer domain, shared by all
 * connections), and all the connections of a ring have at most its size in
 * flight: in the bench (64 KiB writes, window = ring) 1 MiB moved 1.27x
 * what 256 KiB did, and 4 MiB only 1.10x more than 1 MiB.
 */
#define ARGO_STREAM_RING_SIZE	(1024U * 1024 - XEN_ARGO_RING_HDR_SIZE)

/* Common part of create()/release(): list the socket, count it. */
void argo_sock_init(struct argo_sock *sk, const struct argo_sock_ops *ops);
void argo_sock_exit(struct argo_sock *sk);

/* For the admin listing and leak checks (dev.c). */
int argo_socks_live(void);
void argo_socks_show(struct seq_file *m);

/* Misc devices (dev.c). */
int argo_dev_init(void);
void argo_dev_exit(void);

#endif /* ARGO_SOCK_H */
