/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only include of the pure files (ring.c, proto.c).
 *
 * Those files are compiled unchanged into argo.ko and into the userspace
 * test bed (tests/unit).  In the kernel this pulls in the few kernel headers
 * they use; in userspace tests/unit/shim/kshim.h maps the same names.
 */
#ifndef ARGO_TYPES_H
#define ARGO_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <asm/barrier.h>
#include <asm/byteorder.h>
#else
#include "kshim.h"
#endif

#endif /* ARGO_TYPES_H */
