// SPDX-License-Identifier: GPL-2.0
/*
 * argo.ko's hypercall layer, compiled into xmprobe.ko from argo.ko's own
 * source (ARGO_SRC in Kbuild), so that the probe calls Xen exactly as
 * argo.ko does and no copy of that code exists.
 */
#include "hypercall.c"
