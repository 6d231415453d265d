// SPDX-License-Identifier: GPL-2.0
/*
 * The argo_op hypercall: the only place argo.ko enters Xen.
 *
 * do_argo_op(cmd, arg1, arg2, arg3, arg4): guest handles are kernel virtual
 * addresses of this domain (PV and PVH alike).  Xen 4.17 returns some errors
 * zero-extended from 32 bits (0xffffff91 for -ECONNREFUSED), so every result
 * is truncated to int before it is looked at.
 */
#define pr_fmt(fmt) "argo: " fmt

#include <linux/kernel.h>
#include <linux/errno.h>
#include <xen/xen.h>
#include <asm/xen/hypercall.h>
#include "hypercall.h"

static int argo_op(unsigned int cmd, void *arg1, void *arg2,
		   unsigned long arg3, unsigned long arg4)
{
	long ret;

	ret = argo_compat_hypercall5(ARGO_HYPERCALL_NR, cmd,
				     (unsigned long)arg1, (unsigned long)arg2,
				     arg3, arg4);
	return (int)ret;
}

int argo_hc_register_ring(const struct xen_argo_register_ring *reg,
			  const u64 *gfns, u32 npages, bool fail_exist)
{
	return argo_op(XEN_ARGO_OP_register_ring, (void *)reg, (void *)gfns,
		       npages, fail_exist ? XEN_ARGO_REGISTER_FLAG_FAIL_EXIST : 0);
}

int argo_hc_unregister_ring(u32 aport, u16 partner)
{
	struct xen_argo_unregister_ring unreg = {
		.aport = aport,
		.partner_id = partner,
	};

	return argo_op(XEN_ARGO_OP_unregister_ring, &unreg, NULL, 0, 0);
}

int argo_hc_sendv(const struct xen_argo_send_addr *addr,
		  const struct xen_argo_iov *iovs, unsigned int niov,
		  u32 msg_type)
{
	return argo_op(XEN_ARGO_OP_sendv, (void *)addr, (void *)iovs, niov,
		       msg_type);
}

int argo_hc_notify(struct xen_argo_ring_data *data)
{
	return argo_op(XEN_ARGO_OP_notify, data, NULL, 0, 0);
}

int argo_hc_probe(void)
{
	int ret;

	if (!xen_domain()) {
		pr_err("not running on Xen\n");
		return -ENODEV;
	}

	/* notify with no ring data: harmless, and tells whether Argo is on. */
	ret = argo_hc_notify(NULL);
	switch (ret) {
	case 0:
		return 0;
	case -EOPNOTSUPP:
		pr_err("Argo is disabled in Xen: boot Xen with argo=1 (and mac-permissive=1 for wildcard rings)\n");
		return ret;
	case -XEN_ENOSYS:
		pr_err("this Xen was built without CONFIG_ARGO\n");
		return ret;
	default:
		pr_err("Argo probe failed: notify returned %d\n", ret);
		return ret < 0 ? ret : -EIO;
	}
}
