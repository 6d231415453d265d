// SPDX-License-Identifier: GPL-2.0
/*
 * argo.ko: sockets over Xen's Argo inter-domain hypercall.
 * Initialises the parts in order and unwinds them in reverse.
 */
#define pr_fmt(fmt) "argo: " fmt

#include <linux/module.h>
#include <linux/init.h>
#include "admin.h"
#include "hypercall.h"
#include "ringtab.h"
#include "selftest.h"
#include "sock.h"
#include "stream.h"

static int __init argo_init(void)
{
	int ret;

	ret = argo_selftest();
	if (ret)
		return ret;
	ret = argo_hc_probe();
	if (ret)
		return ret;

	ret = argo_ringtab_init();
	if (ret)
		goto err;
	ret = argo_admin_init();
	if (ret)
		goto err_ringtab;
	ret = argo_stream_init();
	if (ret)
		goto err_admin;
	ret = argo_dev_init();
	if (ret)
		goto err_stream;

	pr_info("Argo sockets ready (domain %u)\n", argo_local_domid());
	return 0;

err_stream:
	argo_stream_exit();
err_admin:
	argo_admin_exit();
err_ringtab:
	argo_ringtab_exit();
err:
	return ret;
}

static void __exit argo_exit(void)
{
	argo_dev_exit();
	argo_stream_exit();
	argo_admin_exit();
	argo_ringtab_exit();
}

module_init(argo_init);
module_exit(argo_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sockets over Xen's Argo inter-domain communication");
MODULE_AUTHOR("argo-linux");
MODULE_ALIAS("xen-argo");
