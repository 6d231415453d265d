// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: Xen's Argo hypercalls made exactly as
 * asked, so that tests/lab/xen-model.sh can run the scenarios of
 * tests/unit/traces on the real hypervisor and compare the results and the
 * ring bytes with the userspace model (tests/unit/xenmodel.c).  argo.ko's
 * socket API cannot do this: it chooses ring sizes, iov splits and message
 * types itself and never writes garbage into a ring header.
 *
 * /dev/xmprobe (see xmprobe.h): each open file may own one ring; closing
 * the file unregisters and frees it.  The hypercalls go through argo.ko's
 * own hypercall layer (src/module/hypercall.c, built into this module by
 * Kbuild), so what is compared is what argo.ko sends.  Never load this
 * outside the lab: it lets root hand Xen arbitrary rings and headers.
 */
#define pr_fmt(fmt) "xmprobe: " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <xen/xen.h>
#include <xen/page.h>

#include "hypercall.h"
#include "xmprobe.h"

struct xmprobe_file {
	struct mutex lock;	/* serialises the file's ioctls and copies */
	u8 *mem;		/* ring header + message space, vmalloc */
	u64 *gfns;
	u32 npages;
	u32 len;		/* message space, as given to register_ring */
	bool registered;
	u32 aport;
	u16 partner;
};

/* Bytes of the file's ring memory: whole pages, as Xen maps them. */
static size_t xmprobe_mem_size(const struct xmprobe_file *f)
{
	return (size_t)f->npages * XEN_PAGE_SIZE;
}

/*
 * Unregister (if registered) and free the ring memory.  If Xen refuses to
 * unregister, it still maps the pages: they are leaked rather than given
 * back to the allocator while the hypervisor may write into them.
 */
static void xmprobe_ring_free(struct xmprobe_file *f)
{
	int ret;

	if (f->registered) {
		ret = argo_hc_unregister_ring(f->aport, f->partner);
		if (ret) {
			pr_warn("unregister port %u partner %u: %d; leaking its %u pages\n",
				f->aport, f->partner, ret, f->npages);
			f->mem = NULL;
		}
		f->registered = false;
	}
	vfree(f->mem);
	kvfree(f->gfns);
	f->mem = NULL;
	f->gfns = NULL;
	f->npages = 0;
	f->len = 0;
}

static int xmprobe_ring_new(struct xmprobe_file *f, const void __user *arg)
{
	struct xmprobe_ring_new req;
	u32 i, npages;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	/* Up to a page past Xen's largest ring, to see Xen refuse it. */
	if (req.len > XEN_ARGO_MAX_RING_SIZE + XEN_PAGE_SIZE)
		return -EINVAL;
	npages = DIV_ROUND_UP(req.len + XEN_ARGO_RING_HDR_SIZE, XEN_PAGE_SIZE);
	xmprobe_ring_free(f);
	f->mem = vzalloc((size_t)npages * XEN_PAGE_SIZE);
	f->gfns = kvmalloc_array(npages, sizeof(*f->gfns), GFP_KERNEL);
	if (!f->mem || !f->gfns) {
		xmprobe_ring_free(f);
		return -ENOMEM;
	}
	for (i = 0; i < npages; i++)
		f->gfns[i] = xen_page_to_gfn(vmalloc_to_page(f->mem +
					     (size_t)i * XEN_PAGE_SIZE));
	f->npages = npages;
	f->len = req.len;
	return 0;
}

static int xmprobe_register(struct xmprobe_file *f, void __user *arg)
{
	struct xmprobe_register req;
	struct xen_argo_register_ring reg = { 0 };

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (!f->mem || req.flags & ~XEN_ARGO_REGISTER_FLAG_FAIL_EXIST)
		return -EINVAL;
	/* One registration per memory: the file can unregister only one. */
	if (f->registered && (req.aport != f->aport || req.partner != f->partner))
		return -EBUSY;
	reg.aport = req.aport;
	reg.partner_id = req.partner;
	reg.len = f->len;
	req.result = argo_hc_register_ring(&reg, f->gfns, f->npages,
					   req.flags & XEN_ARGO_REGISTER_FLAG_FAIL_EXIST);
	if (!req.result) {
		f->registered = true;
		f->aport = req.aport;
		f->partner = req.partner;
	}
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

static int xmprobe_unregister(struct xmprobe_file *f, void __user *arg)
{
	struct xmprobe_unregister req = { 0 };

	if (!f->registered)
		return -ENOENT;
	req.result = argo_hc_unregister_ring(f->aport, f->partner);
	if (!req.result)
		f->registered = false;
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

static int xmprobe_sendv(void __user *arg)
{
	struct xen_argo_iov iovs[XMPROBE_MAX_IOV] = { 0 };
	struct xen_argo_send_addr addr = { 0 };
	struct xmprobe_sendv req;
	size_t total = 0, off = 0;
	u8 *buf;
	u32 i;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.niov > XMPROBE_MAX_IOV)
		return -EINVAL;
	for (i = 0; i < req.niov; i++)
		total += req.iov_len[i];
	if (total > XEN_ARGO_MAX_RING_SIZE)
		return -EINVAL;
	/* Kernel memory: Xen reads the iovs through this domain's mappings. */
	buf = kvmalloc(total ? total : 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, u64_to_user_ptr(req.data), total)) {
		kvfree(buf);
		return -EFAULT;
	}
	for (i = 0; i < req.niov; i++) {
		iovs[i].iov_hnd = (u64)(uintptr_t)(buf + off);
		iovs[i].iov_len = req.iov_len[i];
		off += req.iov_len[i];
	}
	addr.src.aport = req.src_aport;
	addr.src.domain_id = req.src_domid;
	addr.dst.aport = req.dst_aport;
	addr.dst.domain_id = req.dst_domid;
	req.result = argo_hc_sendv(&addr, iovs, req.niov, req.message_type);
	kvfree(buf);
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

static int xmprobe_notify(void __user *arg)
{
	struct {
		struct xen_argo_ring_data rd;
		struct xen_argo_ring_data_ent ent;
	} q = { 0 };
	struct xmprobe_notify req;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.nent > 1)
		return -EINVAL;
	if (!req.nent) {
		req.result = argo_hc_notify(NULL);
	} else {
		q.rd.nent = 1;
		q.ent.ring.aport = req.aport;
		q.ent.ring.domain_id = req.domid;
		q.ent.space_required = req.space_required;
		req.result = argo_hc_notify(&q.rd);
		req.flags = q.ent.flags;
		req.space_required = q.ent.space_required;
		req.max_message_size = q.ent.max_message_size;
	}
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

static long xmprobe_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct xmprobe_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	mutex_lock(&f->lock);
	switch (cmd) {
	case XMPROBE_RING_NEW:
		ret = xmprobe_ring_new(f, uarg);
		break;
	case XMPROBE_REGISTER:
		ret = xmprobe_register(f, uarg);
		break;
	case XMPROBE_UNREGISTER:
		ret = xmprobe_unregister(f, uarg);
		break;
	case XMPROBE_SENDV:
		ret = xmprobe_sendv(uarg);
		break;
	case XMPROBE_NOTIFY:
		ret = xmprobe_notify(uarg);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&f->lock);
	return ret;
}

/* The ring memory as a file: [*pos, *pos + count) clipped to its pages. */
static ssize_t xmprobe_span(struct xmprobe_file *f, loff_t pos, size_t count)
{
	size_t size = xmprobe_mem_size(f);

	if (!f->mem)
		return -ENXIO;
	if (pos < 0)
		return -EINVAL;
	if (pos >= size)
		return 0;
	return min_t(size_t, count, size - pos);
}

static ssize_t xmprobe_read(struct file *file, char __user *ubuf, size_t count,
			    loff_t *pos)
{
	struct xmprobe_file *f = file->private_data;
	ssize_t n;

	mutex_lock(&f->lock);
	n = xmprobe_span(f, *pos, count);
	if (n > 0) {
		if (copy_to_user(ubuf, f->mem + *pos, n))
			n = -EFAULT;
		else
			*pos += n;
	}
	mutex_unlock(&f->lock);
	return n;
}

static ssize_t xmprobe_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *pos)
{
	struct xmprobe_file *f = file->private_data;
	ssize_t n;

	mutex_lock(&f->lock);
	n = xmprobe_span(f, *pos, count);
	if (n == 0 && count)
		n = -ENOSPC;
	if (n > 0) {
		if (copy_from_user(f->mem + *pos, ubuf, n))
			n = -EFAULT;
		else
			*pos += n;
	}
	mutex_unlock(&f->lock);
	return n;
}

static int xmprobe_open(struct inode *inode, struct file *file)
{
	struct xmprobe_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	file->private_data = f;
	return 0;
}

static int xmprobe_release(struct inode *inode, struct file *file)
{
	struct xmprobe_file *f = file->private_data;

	xmprobe_ring_free(f);
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

static const struct file_operations xmprobe_fops = {
	.owner = THIS_MODULE,
	.open = xmprobe_open,
	.release = xmprobe_release,
	.read = xmprobe_read,
	.write = xmprobe_write,
	.unlocked_ioctl = xmprobe_ioctl,
	.llseek = default_llseek,
};

static struct miscdevice xmprobe_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "xmprobe",
	.fops = &xmprobe_fops,
	.mode = 0600,
};

static int __init xmprobe_init(void)
{
	int ret = argo_hc_probe();

	if (ret)
		return ret;
	return misc_register(&xmprobe_dev);
}

static void __exit xmprobe_exit(void)
{
	misc_deregister(&xmprobe_dev);
}

module_init(xmprobe_init);
module_exit(xmprobe_exit);

MODULE_DESCRIPTION("Test-only: raw Argo hypercalls for comparing Xen with its model");
MODULE_LICENSE("GPL");
