/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels argo.ko builds for
 * (Debian 12's 6.1, trixie's 6.12, sid's 7.x).  Force-included by Kbuild
 * before each file, so the rest of the module never tests versions.
 */
#ifndef ARGO_COMPAT_H
#define ARGO_COMPAT_H

#include <linux/version.h>

/*
 * The 5-argument hypercall helper: x86 has had xen_single_call() since
 * 4.x; there is no generic _hypercall5 in Debian's headers.  Used only by
 * hypercall.c, which includes <asm/xen/hypercall.h> itself.
 */
#define argo_compat_hypercall5(nr, a1, a2, a3, a4, a5) \
	xen_single_call((nr), (a1), (a2), (a3), (a4), (a5))

#endif /* ARGO_COMPAT_H */
