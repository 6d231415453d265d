/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenmodel.h - a userspace model of Xen's Argo (XEN_ARGO_OP_*), for tests.
 *
 * Written from Xen's public header (xen/include/public/argo.h), Xen's Argo
 * design notes and the behaviour measured in the lab (see
 * /work/shared/lab-notes).  Several domains live in one process; each
 * hypercall takes the calling domain's id explicitly.
 *
 * Guest memory: a ring is registered with an array of page pointers
 * (the model's "gfns"), each XM_PAGE_SIZE bytes.  The model reads rx_ptr
 * from the guest's ring header at every use (the guest owns it, so it is
 * sanitised like Xen does), keeps its own copy of tx_ptr and writes it back
 * after each message, and writes message headers and payload into the pages
 * exactly where Xen would.  Nothing is cached that Xen would not cache.
 *
 * VIRQ_ARGO: a domain's event is raised (virq_pending, virq_raised++) on
 * every successful sendv to one of its rings and when a pending space
 * notification of a sender is satisfied.  Like an event channel, raising an
 * already pending event coalesces.  xm_deliver_virqs() calls each pending
 * domain's callback (clearing the pending bit first); a domain created with
 * XM_DOM_VIRQ_IMMEDIATE gets its callback synchronously from inside the
 * hypercall that raised it instead.
 *
 * Not modelled: XSM policies other than mac-permissive, memory faults
 * (-EFAULT), the hypervisor's locking, compat (32-bit) callers,
 * XEN_ARGO_REGISTER_FLAG_REPLY_RING (not in Xen 4.17).
 */
#ifndef ARGO_XENMODEL_H
#define ARGO_XENMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ABI facts (Xen public argo.h). */
#define XM_PAGE_SIZE		4096U
#define XM_DOMID_ANY		0x7FF4U	/* DOMID_INVALID */
#define XM_MAX_RING_SIZE	0x1000000U
#define XM_MAXIOV		8U
#define XM_SLOT			16U
#define XM_RING_HDR		64U	/* sizeof(xen_argo_ring_t) */
#define XM_MSG_HDR		16U	/* sizeof(message header) */
#define XM_ROUNDUP(x)		(((x) + XM_SLOT - 1) & ~(uint32_t)(XM_SLOT - 1))
#define XM_NPAGES(len)		(((len) + XM_RING_HDR + XM_PAGE_SIZE - 1) / XM_PAGE_SIZE)
/* Xen's limits (xen/common/argo.c constants). */
#define XM_MAX_RINGS_PER_DOMAIN	128U
#define XM_MAX_NOTIFY_COUNT	256U
#define XM_MAX_PENDING_PER_RING	32U
/* Largest payload that fits the largest ring. */
#define XM_MAX_MSG_SIZE		(XM_MAX_RING_SIZE - XM_MSG_HDR - XM_ROUNDUP(1))

#define XM_OP_REGISTER_RING	1
#define XM_OP_UNREGISTER_RING	2
#define XM_OP_SENDV		3
#define XM_OP_NOTIFY		4
#define XM_REGISTER_FLAG_FAIL_EXIST 0x1U

/* notify flags */
#define XM_RING_EXISTS		(1U << 0)
#define XM_RING_SHARED		(1U << 1)
#define XM_RING_EMPTY		(1U << 2)
#define XM_RING_SUFFICIENT	(1U << 3)
#define XM_RING_EMSGSIZE	(1U << 4)
#define XM_RING_EBUSY		(1U << 5)

/* The ABI structures, with Xen's layout. */
struct xm_addr {
	uint32_t aport;
	uint16_t domain_id;
	uint16_t pad;
};

struct xm_send_addr {
	struct xm_addr src;
	struct xm_addr dst;
};

struct xm_iov {			/* xen_argo_iov_t on x86_64 */
	const void *base;
	uint32_t len;
	uint32_t pad;
};

struct xm_ring_hdr {		/* xen_argo_ring_t without the data */
	uint32_t rx_ptr;
	uint32_t tx_ptr;
	uint8_t reserved[56];
};

struct xm_msg_hdr {		/* struct xen_argo_ring_message_header */
	uint32_t len;		/* header + payload, not rounded */
	struct xm_addr source;
	uint32_t message_type;
};

struct xm_register_ring {
	uint32_t aport;
	uint16_t partner_id;
	uint16_t pad;
	uint32_t len;
};

struct xm_unregister_ring {
	uint32_t aport;
	uint16_t partner_id;
	uint16_t pad;
};

struct xm_ring_data_ent {
	struct xm_addr ring;
	uint16_t flags;
	uint16_t pad;
	uint32_t space_required;
	uint32_t max_message_size;
};

struct xm_ring_data {
	uint32_t nent;
	uint32_t pad;
	struct xm_ring_data_ent data[];
};

struct xm;
typedef void (*xm_virq_fn)(struct xm *xm, uint16_t domid, void *opaque);

struct xm_config {
	bool argo;		/* argo=1 on Xen's command line */
	bool mac_permissive;	/* argo=1,mac-permissive=1 */
	/*
	 * Xen 4.17's hypercall path returns sendv's 32-bit result
	 * zero-extended to 64 bits (lab-measured): emulate it in xm_argo_op().
	 */
	bool sendv_zero_extend;
};

/* Domain creation flags. */
#define XM_DOM_NO_ARGO		0x1U	/* argo_init not done: -ENODEV */
#define XM_DOM_VIRQ_IMMEDIATE	0x2U	/* callback from inside the hypercall */

struct xm *xm_new(const struct xm_config *cfg);
void xm_free(struct xm *xm);
int xm_domain_create(struct xm *xm, uint16_t domid, unsigned int flags,
		     xm_virq_fn virq, void *opaque);
/* Like Xen's argo_destroy: its rings, rings partnered to it, its waits. */
int xm_domain_destroy(struct xm *xm, uint16_t domid);

/* The hypercalls, with Xen's arguments and results (negative errno). */
long xm_register_ring(struct xm *xm, uint16_t caller,
		      const struct xm_register_ring *reg, void *const *pages,
		      unsigned long npages, unsigned long flags);
long xm_unregister_ring(struct xm *xm, uint16_t caller,
			const struct xm_unregister_ring *unreg);
long xm_sendv(struct xm *xm, uint16_t caller, const struct xm_send_addr *addr,
	      const struct xm_iov *iovs, unsigned long niov,
	      unsigned long message_type);
/* rd may be NULL (just process this domain's pending notifications). */
long xm_notify(struct xm *xm, uint16_t caller, struct xm_ring_data *rd);
/*
 * The raw HYPERVISOR_argo_op entry: argument checks of do_argo_op, then the
 * ops above.  arg1/arg2 are the structures / the page pointer array / the
 * iov array as for the real hypercall.  Returns what the guest would see
 * (zero-extended sendv errors if the config asks for it).
 */
unsigned long xm_argo_op(struct xm *xm, uint16_t caller, unsigned int cmd,
			 void *arg1, void *arg2, unsigned long arg3,
			 unsigned long arg4);

/* Event channel for VIRQ_ARGO. */
unsigned int xm_deliver_virqs(struct xm *xm);
bool xm_virq_pending(struct xm *xm, uint16_t domid);
unsigned long xm_virq_count(struct xm *xm, uint16_t domid);
void xm_virq_clear(struct xm *xm, uint16_t domid);

/* Introspection for tests (not hypercalls). */
unsigned int xm_ring_count(struct xm *xm, uint16_t domid);
bool xm_ring_exists(struct xm *xm, uint16_t domid, uint32_t aport,
		    uint16_t partner);
/* Xen's private tx_ptr of a ring, or -ENOENT. */
long xm_ring_tx_ptr(struct xm *xm, uint16_t domid, uint32_t aport,
		    uint16_t partner);
/* Number of pending space notifications on a ring, or -ENOENT. */
long xm_ring_npending(struct xm *xm, uint16_t domid, uint32_t aport,
		      uint16_t partner);
/* Payload bytes Xen would report available (ringbuf_payload_space). */
long xm_ring_payload_space(struct xm *xm, uint16_t domid, uint32_t aport,
			   uint16_t partner);

#endif /* ARGO_XENMODEL_H */
