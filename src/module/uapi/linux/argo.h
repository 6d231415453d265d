/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * argo.h - userspace interface of the argo.ko driver.
 *
 * Each open() of /dev/argo_dgram or /dev/argo_stream is one socket.  The
 * socket is driven with read(2)/write(2)/poll(2) and the ioctls below.  The
 * ioctl numbers, their argument structures and the ARGO_PTYPE_* values are
 * those of OpenXT's driver, so its userspace runs unchanged; the ones marked
 * "argo-linux" are additions of this driver.
 *
 * Installed by libargo-dev as <argo/linux/argo.h>; "pkg-config --cflags
 * libargo" puts <argo> on the include path so that OpenXT-era code can keep
 * writing #include <linux/argo.h>.
 */
#ifndef _UAPI_LINUX_ARGO_H
#define _UAPI_LINUX_ARGO_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define ARGO_DGRAM_DEVICE	"/dev/argo_dgram"
#define ARGO_STREAM_DEVICE	"/dev/argo_stream"

/* A domain id in the sense of Xen's public headers. */
#define ARGO_DOMID_ANY		0x7FF4U	/* DOMID_INVALID: any/unknown domain */
#define ARGO_PORT_ANY		0xFFFFFFFFU	/* bind: pick an ephemeral port */

/* Ephemeral ports are drawn from this range (inclusive). */
#define ARGO_EPHEMERAL_PORT_MIN	0x80000000U
#define ARGO_EPHEMERAL_PORT_MAX	0xF0000000U
/* Ports below this need CAP_NET_BIND_SERVICE (argo-linux). */
#define ARGO_PRIVILEGED_PORT_MAX 1023U

/* Ring sizes accepted by ARGOIOCSETRINGSIZE (bytes of message space). */
#define ARGO_RING_SIZE_MIN	4032U		/* one page less Xen's header */
#define ARGO_RING_SIZE_MAX	(16U * 1024 * 1024 - 64)

/* Argo message types on the wire (Xen's message_type field). */
#define ARGO_MSG_TYPE_DGRAM	0x6447724dU
#define ARGO_MSG_TYPE_STREAM	0x3574526dU

/*
 * An Argo address: the same layout as Xen's xen_argo_addr_t.  Code that
 * also includes Xen's own public argo.h gets Xen's definition instead.
 */
#ifndef __XEN_PUBLIC_ARGO_H__
typedef struct xen_argo_addr {
	__u32 aport;
	__u16 domain_id;
	__u16 pad;
} xen_argo_addr_t;
#endif

/* Local ring name: BIND argument and GETSOCKNAME result. */
struct argo_ring_id {
	__u16 domain_id;	/* BIND: ignored; GETSOCKNAME: local domid */
	__u16 partner_id;	/* who may send: a domid or ARGO_DOMID_ANY */
	__u32 aport;		/* local port, or ARGO_PORT_ANY on BIND */
};

/*
 * SEND/RECV argument.  flags takes MSG_DONTWAIT (and MSG_PEEK, MSG_TRUNC and
 * MSG_WAITALL on RECV).  addr: SEND to this address (a datagram socket
 * without a connected peer needs it), or NULL; RECV stores the source here
 * when not NULL.  The ioctl returns the byte count.
 */
struct argo_dev {
	void *buf;
	__kernel_size_t len;
	int flags;
	xen_argo_addr_t *addr;
};

/* The same for 32-bit userspace on a 64-bit kernel (compat_ioctl). */
struct argo_dev_32 {
	__u32 buf;
	__u32 len;
	__s32 flags;
	__u32 addr;
};

/* OpenXT's viptables rule position; see ARGOIOCVIPTABLES* below. */
struct viptables_rule_pos {
	void *rule;
	int position;
};

/* GETSOCKTYPE results. */
#define ARGO_PTYPE_DGRAM	1
#define ARGO_PTYPE_STREAM	2

#define ARGO_TYPE 'W'

/* Set the receive ring size (u32 bytes); before BIND/LISTEN/CONNECT. */
#define ARGOIOCSETRINGSIZE	_IOW(ARGO_TYPE,  1, __u32)
/* Bind to a port, optionally accepting only one partner domain. */
#define ARGOIOCBIND		_IOW(ARGO_TYPE,  2, struct argo_ring_id)
/* Read the local name (struct argo_ring_id, written back). */
#define ARGOIOCGETSOCKNAME	_IOW(ARGO_TYPE,  3, struct argo_ring_id)
/* Read the peer's address (xen_argo_addr_t, written back); -ENOTCONN. */
#define ARGOIOCGETPEERNAME	_IOW(ARGO_TYPE,  4, xen_argo_addr_t)
/*
 * Stream: connect (blocking, or -EINPROGRESS when non-blocking: poll for
 * POLLOUT then read GETCONNECTERR).  Datagram: set the default destination
 * and accept only its messages; a NULL argument disconnects.
 */
#define ARGOIOCCONNECT		_IOW(ARGO_TYPE,  5, xen_argo_addr_t)
/* Read and clear the pending error (int, written back): SO_ERROR. */
#define ARGOIOCGETCONNECTERR	_IOW(ARGO_TYPE,  6, int)
/* Listen; the u32 argument is the backlog (0 means a default). */
#define ARGOIOCLISTEN		_IOW(ARGO_TYPE,  7, __u32)
/* Accept; returns a new fd and writes the peer address back if not NULL. */
#define ARGOIOCACCEPT		_IOW(ARGO_TYPE,  8, xen_argo_addr_t)
#define ARGOIOCSEND		_IOW(ARGO_TYPE,  9, struct argo_dev)
#define ARGOIOCRECV		_IOW(ARGO_TYPE, 10, struct argo_dev)
/* The same requests as seen from 32-bit userspace. */
#define ARGOIOCSEND32		_IOW(ARGO_TYPE,  9, struct argo_dev_32)
#define ARGOIOCRECV32		_IOW(ARGO_TYPE, 10, struct argo_dev_32)
/* Read the socket type (int, written back): ARGO_PTYPE_*. */
#define ARGOIOCGETSOCKTYPE	_IOW(ARGO_TYPE, 11, int)
/*
 * OpenXT's firewall ioctls.  Upstream Xen has no viptables (access control
 * is XSM/FLASK's job), so these fail with -EOPNOTSUPP.
 */
#define ARGOIOCVIPTABLESADD	_IOW(ARGO_TYPE, 12, struct viptables_rule_pos)
#define ARGOIOCVIPTABLESDEL	_IOW(ARGO_TYPE, 13, struct viptables_rule_pos)
#define ARGOIOCVIPTABLESLIST	_IOW(ARGO_TYPE, 14, __u32)

/* argo-linux: shutdown(2); the int argument is SHUT_RD/SHUT_WR/SHUT_RDWR. */
#define ARGOIOCSHUTDOWN		_IOW(ARGO_TYPE, 15, int)
/* argo-linux: read the receive ring size in bytes (u32). */
#define ARGOIOCGETRINGSIZE	_IOR(ARGO_TYPE, 16, __u32)

#endif /* _UAPI_LINUX_ARGO_H */
