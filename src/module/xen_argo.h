/* SPDX-License-Identifier: MIT */
/*
 * The Argo hypercall ABI of Xen (public/argo.h), restated for
 * argo.ko with the kernel's integer types.
 *
 * The layouts, numbers and flag values are those of Xen's public interface
 * (MIT licensed); Debian's kernel headers carry none of them.  This file is
 * pure (types and constants only) so that the userspace test bed can use it
 * through argo_types.h as well.
 */
#ifndef ARGO_XEN_ARGO_H
#define ARGO_XEN_ARGO_H

#include "argo_types.h"

/* The hypercall and its virtual interrupt. */
#define ARGO_HYPERCALL_NR		39	/* __HYPERVISOR_argo_op */
#define ARGO_VIRQ_NR			11	/* VIRQ_ARGO */

/* Operations (first hypercall argument). */
#define XEN_ARGO_OP_register_ring	1
#define XEN_ARGO_OP_unregister_ring	2
#define XEN_ARGO_OP_sendv		3
#define XEN_ARGO_OP_notify		4

/* register_ring flag (fourth argument): fail with -EEXIST if registered. */
#define XEN_ARGO_REGISTER_FLAG_FAIL_EXIST	0x1

#define XEN_ARGO_DOMID_ANY		0x7FF4U	/* DOMID_INVALID */
#define XEN_DOMID_FIRST_RESERVED	0x7FF0U	/* no ordinary domain at or above */
#define XEN_ARGO_MAX_RING_SIZE		0x1000000U
#define XEN_ARGO_MAXIOV			8U
#define XEN_ARGO_MSG_SLOT_SIZE		0x10U
#define XEN_ARGO_ROUNDUP(a)		(((a) + 0xfU) & ~0xfU)

/* Xen's errno for "hypercall not implemented" (Xen built without Argo). */
#define XEN_ENOSYS			38

/*
 * xen_argo_addr_t {u32 aport; u16 domain_id; u16 pad;} is part of the
 * userspace ABI too: it is defined once, in the uapi header.  Frame numbers
 * handed to register_ring are u64 in every ABI.
 */
#include "uapi/linux/argo.h"

/* One element of sendv's iov array (arg2); iov_hnd is a guest virtual address. */
struct xen_argo_iov {
	u64 iov_hnd;
	u32 iov_len;
	u32 pad;
};

/* sendv arg1: src.domain_id may be XEN_ARGO_DOMID_ANY (Xen fills it in). */
struct xen_argo_send_addr {
	xen_argo_addr_t src;
	xen_argo_addr_t dst;
};

/*
 * The ring shared with Xen: this header, then len bytes of message space.
 * The guest owns rx_ptr, Xen owns tx_ptr; both are byte offsets into ring[]
 * and multiples of XEN_ARGO_MSG_SLOT_SIZE.
 */
struct xen_argo_ring {
	u32 rx_ptr;
	u32 tx_ptr;
	u8 reserved[56];
	u8 ring[];
};

/* register_ring arg1; arg2 = array of u64 frame numbers, arg3 = count. */
struct xen_argo_register_ring {
	u32 aport;
	u16 partner_id;
	u16 pad;
	u32 len;
};

/* unregister_ring arg1. */
struct xen_argo_unregister_ring {
	u32 aport;
	u16 partner_id;
	u16 pad;
};

/* notify: flags set by Xen in each ring_data entry. */
#define XEN_ARGO_RING_EXISTS		0x01U
#define XEN_ARGO_RING_SHARED		0x02U
#define XEN_ARGO_RING_EMPTY		0x04U
#define XEN_ARGO_RING_SUFFICIENT	0x08U
#define XEN_ARGO_RING_EMSGSIZE		0x10U
#define XEN_ARGO_RING_EBUSY		0x20U

/* notify arg1 (may be NULL): query destination rings, ask for space. */
struct xen_argo_ring_data_ent {
	xen_argo_addr_t ring;
	u16 flags;
	u16 pad;
	u32 space_required;
	u32 max_message_size;
};

struct xen_argo_ring_data {
	u32 nent;
	u32 pad;
	struct xen_argo_ring_data_ent data[];
};

/* Written by Xen at the ring's rx side for every message. */
struct xen_argo_ring_message_header {
	u32 len;		/* including this header */
	xen_argo_addr_t source;
	u32 message_type;
	u8 data[];
};

#define XEN_ARGO_RING_HDR_SIZE		64U
#define XEN_ARGO_MSG_HDR_SIZE		16U

#endif /* ARGO_XEN_ARGO_H */
