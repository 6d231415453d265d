/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The argo_op hypercall, its operations and error meanings.
 *
 * The only file that traps into Xen.  Every result is normalised to an int
 * errno (Xen 4.17 returns some errors zero-extended from 32 bits).
 */
#ifndef ARGO_HYPERCALL_H
#define ARGO_HYPERCALL_H

#include <linux/types.h>
#include "xen_argo.h"

int argo_hc_register_ring(const struct xen_argo_register_ring *reg,
			  const u64 *gfns, u32 npages, bool fail_exist);
int argo_hc_unregister_ring(u32 aport, u16 partner);
int argo_hc_sendv(const struct xen_argo_send_addr *addr,
		  const struct xen_argo_iov *iovs, unsigned int niov,
		  u32 msg_type);
/* data may be NULL: only tells Xen to check our rings for waiting senders. */
int argo_hc_notify(struct xen_argo_ring_data *data);

/*
 * Load-time check that Argo answers: 0, or -ENODEV (not on Xen),
 * -EOPNOTSUPP (argo=1 missing), -ENOSYS (Xen built without CONFIG_ARGO),
 * each logged with what to do.
 */
int argo_hc_probe(void);

#endif /* ARGO_HYPERCALL_H */
