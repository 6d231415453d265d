/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * internal.h - helpers shared by libargo and the interposer.
 *
 * These live in the non-installed convenience library libargo-common.la
 * and are not exported from libargo.so.1 (see libargo.map).  The "argoi_"
 * prefix keeps them apart from the public "argo_" names.
 */
#ifndef LIBARGO_INTERNAL_H
#define LIBARGO_INTERNAL_H

#include "libargo.h"

#define ARGOI_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Device path of a socket type (SOCK_STREAM/SOCK_DGRAM), or NULL. */
const char *argoi_device_path(int type);

/*
 * Open the device of type (flags: O_NONBLOCK and/or O_CLOEXEC).  On failure
 * errno says why, with ENOENT refined by argoi_classify_missing().
 */
int argoi_open_device(int type, int oflags);

/*
 * Why is a device node missing?  sysroot is "" for the real system (a test
 * passes a directory holding sys/hypervisor/type, sys/module/argo, proc/xen).
 * Returns EAFNOSUPPORT (not a Xen domain), ENODEV (Xen, but the argo module
 * is not loaded) or ENOENT (module loaded, device node missing: udev?).
 */
int argoi_classify_missing(const char *sysroot);

/* ioctl() that returns -1 + errno, never a negative errno. */
int argoi_ioctl(int fd, unsigned long req, void *arg);

/* Map a driver's ARGO_PTYPE_* to SOCK_*, or -1. */
int argoi_ptype_to_socktype(int ptype);

/* Strict number parsing: decimal or 0x-hex, no sign, no blanks. */
int argoi_parse_u32(const char *s, uint32_t max, uint32_t *out);

#endif /* LIBARGO_INTERNAL_H */
