/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The ioctls of /dev/xmprobe (test-only module xmprobe.ko),
 * shared by the module and tests/lab/progs/xm_real.c.
 *
 * Each ioctl passes its arguments to Xen unchanged and returns Xen's answer
 * in .result (0 or a negative errno, or bytes sent); the ioctl itself fails
 * only when the probe cannot make the call (-EFAULT, -ENOMEM, -EINVAL for a
 * request the probe cannot represent, -EBUSY for a second registration).
 * The open file's ring memory is read and written with pread/pwrite:
 * offset 0 is the ring header (rx_ptr, tx_ptr), offset 64 the first byte of
 * message space.
 */
#ifndef XMPROBE_H
#define XMPROBE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define XMPROBE_MAX_IOV		16	/* more than Xen's 8: to see it refuse */

/* XMPROBE_RING_NEW: replace the file's ring memory with len zeroed bytes
 * of message space after the 64-byte header (unregistering the old ring).
 */
struct xmprobe_ring_new {
	__u32 len;
	__u32 pad;
};

/* XMPROBE_REGISTER: register_ring of the file's ring memory. */
struct xmprobe_register {
	__u32 aport;
	__u16 partner;
	__u16 pad;
	__u32 flags;		/* XEN_ARGO_REGISTER_FLAG_* */
	__s32 result;
};

/* XMPROBE_UNREGISTER: unregister_ring of the file's ring. */
struct xmprobe_unregister {
	__s32 result;
	__u32 pad;
};

/* XMPROBE_SENDV: the iovs' bytes are at data, one after the other. */
struct xmprobe_sendv {
	__u32 src_aport;
	__u16 src_domid;
	__u16 pad;
	__u32 dst_aport;
	__u16 dst_domid;
	__u16 pad2;
	__u32 message_type;
	__u32 niov;
	__u32 iov_len[XMPROBE_MAX_IOV];
	__u64 data;
	__s32 result;
	__u32 pad3;
};

/* XMPROBE_NOTIFY: nent 0 is notify with no ring data (a NULL argument). */
struct xmprobe_notify {
	__u32 nent;
	__u32 aport;
	__u16 domid;
	__u16 flags;		/* out */
	__u32 space_required;	/* in, and out as Xen left it */
	__u32 max_message_size;	/* out */
	__s32 result;
};

#define XMPROBE_IOC			'X'
#define XMPROBE_RING_NEW	_IOW(XMPROBE_IOC, 0x40, struct xmprobe_ring_new)
#define XMPROBE_REGISTER	_IOWR(XMPROBE_IOC, 0x41, struct xmprobe_register)
#define XMPROBE_UNREGISTER	_IOR(XMPROBE_IOC, 0x42, struct xmprobe_unregister)
#define XMPROBE_SENDV		_IOWR(XMPROBE_IOC, 0x43, struct xmprobe_sendv)
#define XMPROBE_NOTIFY		_IOWR(XMPROBE_IOC, 0x44, struct xmprobe_notify)

#endif /* XMPROBE_H */
