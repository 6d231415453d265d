// SPDX-License-Identifier: GPL-2.0
/*
 * The misc devices /dev/argo_dgram and /dev/argo_stream: one open()
 * is one socket (struct argo_sock in file->private_data); read, write,
 * poll, ioctl and release go to the socket type's ops (sock.h).
 *
 * Each ioctl case copies its argument onto the stack, validates every
 * field that does not depend on the socket's state, and calls one op.
 * Unknown commands give -ENOTTY, unreadable/unwritable arguments -EFAULT,
 * ops a type does not have -EOPNOTSUPP.
 *
 * Locks: argo_socks_lock (mutex) protects argo_socks and argo_nsocks; the
 * admin listing holds it while calling ops->show() (which may take the
 * socket's own locks), so argo_sock_init()/argo_sock_exit() must not be
 * called with a lock held that show() takes.
 */
#define pr_fmt(fmt) "argo: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/anon_inodes.h>
#include <linux/miscdevice.h>
#include <linux/compat.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include "sock.h"

static DEFINE_MUTEX(argo_socks_lock);
static LIST_HEAD(argo_socks);
static int argo_nsocks;
static unsigned long argo_sock_next_id;

static const struct file_operations argo_fops;
static struct miscdevice argo_dgram_dev;

void argo_sock_init(struct argo_sock *sk, const struct argo_sock_ops *ops)
{
	sk->ops = ops;
	init_waitqueue_head(&sk->wq);
	atomic64_set(&sk->rx_bytes, 0);
	atomic64_set(&sk->rx_msgs, 0);
	atomic64_set(&sk->tx_bytes, 0);
	atomic64_set(&sk->tx_msgs, 0);
	atomic64_set(&sk->drops, 0);

	mutex_lock(&argo_socks_lock);
	sk->id = ++argo_sock_next_id;
	list_add_tail(&sk->node, &argo_socks);
	argo_nsocks++;
	mutex_unlock(&argo_socks_lock);
}

void argo_sock_exit(struct argo_sock *sk)
{
	mutex_lock(&argo_socks_lock);
	list_del_init(&sk->node);
	argo_nsocks--;
	mutex_unlock(&argo_socks_lock);
}

int argo_socks_live(void)
{
	int n;

	mutex_lock(&argo_socks_lock);
	n = argo_nsocks;
	mutex_unlock(&argo_socks_lock);
	return n;
}

void argo_socks_show(struct seq_file *m)
{
	struct argo_sock *sk;

	mutex_lock(&argo_socks_lock);
	list_for_each_entry(sk, &argo_socks, node) {
		seq_printf(m, "id %lu type %s rx_bytes %lld rx_msgs %lld tx_bytes %lld tx_msgs %lld drops %lld",
			   sk->id, sk->ops->name,
			   atomic64_read(&sk->rx_bytes),
			   atomic64_read(&sk->rx_msgs),
			   atomic64_read(&sk->tx_bytes),
			   atomic64_read(&sk->tx_msgs),
			   atomic64_read(&sk->drops));
		if (sk->ops->show)
			sk->ops->show(m, sk);
		seq_putc(m, '\n');
	}
	mutex_unlock(&argo_socks_lock);
}

static struct argo_sock *argo_file_sock(struct file *file)
{
	return file->private_data;
}

static int argo_open(struct inode *inode, struct file *file)
{
	/* misc_open() left our struct miscdevice in private_data. */
	const struct argo_sock_ops *ops =
		file->private_data == &argo_dgram_dev ? &argo_dgram_ops :
							&argo_stream_ops;
	struct argo_sock *sk;

	sk = ops->create();
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	file->private_data = sk;
	return stream_open(inode, file);
}

static int argo_release(struct inode *inode, struct file *file)
{
	struct argo_sock *sk = argo_file_sock(file);

	sk->ops->release(sk);
	return 0;
}

static int argo_file_msg_flags(struct file *file, int flags)
{
	if (file->f_flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	return flags;
}

static ssize_t argo_read(struct file *file, char __user *buf, size_t len,
			 loff_t *ppos)
{
	struct argo_sock *sk = argo_file_sock(file);

	if (!sk->ops->recv)
		return -EOPNOTSUPP;
	return sk->ops->recv(sk, buf, min_t(size_t, len, MAX_RW_COUNT),
			     argo_file_msg_flags(file, 0), NULL);
}

static ssize_t argo_write(struct file *file, const char __user *buf,
			  size_t len, loff_t *ppos)
{
	struct argo_sock *sk = argo_file_sock(file);

	if (!sk->ops->send)
		return -EOPNOTSUPP;
	return sk->ops->send(sk, buf, min_t(size_t, len, MAX_RW_COUNT),
			     argo_file_msg_flags(file, MSG_NOSIGNAL), NULL);
}

static __poll_t argo_poll(struct file *file, poll_table *wait)
{
	struct argo_sock *sk = argo_file_sock(file);

	if (!sk->ops->poll)
		return EPOLLERR;
	return sk->ops->poll(sk, file, wait);
}

static bool argo_domid_valid(u16 domid)
{
	return domid < XEN_DOMID_FIRST_RESERVED;
}

/* SEND/RECV after the (native or compat) argument was unpacked. */
struct argo_msg_args {
	void __user *buf;
	size_t len;
	int flags;
	xen_argo_addr_t __user *addr;
};

static long argo_ioctl_send(struct file *file, struct argo_sock *sk,
			    const struct argo_msg_args *a)
{
	xen_argo_addr_t dst;

	if (a->flags & ~ARGO_SOCK_MSG_FLAGS)
		return -EINVAL;
	if (a->addr) {
		if (copy_from_user(&dst, a->addr, sizeof(dst)))
			return -EFAULT;
		if (!argo_domid_valid(dst.domain_id))
			return -EINVAL;
	}
	if (!sk->ops->send)
		return -EOPNOTSUPP;
	return sk->ops->send(sk, a->buf, min_t(size_t, a->len, MAX_RW_COUNT),
			     argo_file_msg_flags(file, a->flags),
			     a->addr ? &dst : NULL);
}

static long argo_ioctl_recv(struct file *file, struct argo_sock *sk,
			    const struct argo_msg_args *a)
{
	xen_argo_addr_t src = { 0 };
	ssize_t ret;

	if (a->flags & ~ARGO_SOCK_MSG_FLAGS)
		return -EINVAL;
	if (!sk->ops->recv)
		return -EOPNOTSUPP;
	ret = sk->ops->recv(sk, a->buf, min_t(size_t, a->len, MAX_RW_COUNT),
			    argo_file_msg_flags(file, a->flags),
			    a->addr ? &src : NULL);
	if (ret >= 0 && a->addr && copy_to_user(a->addr, &src, sizeof(src)))
		return -EFAULT;
	return ret;
}

static long argo_ioctl_accept(struct file *file, struct argo_sock *sk,
			      void __user *argp)
{
	xen_argo_addr_t peer = { 0 };
	struct argo_sock *newsk;
	struct file *newfile;
	int fd;

	if (!sk->ops->accept)
		return -EOPNOTSUPP;
	newsk = sk->ops->accept(sk, &peer, file->f_flags & O_NONBLOCK);
	if (IS_ERR(newsk))
		return PTR_ERR(newsk);

	fd = get_unused_fd_flags(0);
	if (fd < 0) {
		newsk->ops->release(newsk);
		return fd;
	}
	newfile = anon_inode_getfile("[argo_stream]", &argo_fops, newsk,
				     O_RDWR);
	if (IS_ERR(newfile)) {
		put_unused_fd(fd);
		newsk->ops->release(newsk);
		return PTR_ERR(newfile);
	}
	stream_open(file_inode(newfile), newfile);
	if (argp && copy_to_user(argp, &peer, sizeof(peer))) {
		fput(newfile);		/* releases newsk */
		put_unused_fd(fd);
		return -EFAULT;
	}
	fd_install(fd, newfile);
	return fd;
}

static long argo_do_ioctl(struct file *file, unsigned int cmd,
			  void __user *argp)
{
	struct argo_sock *sk = argo_file_sock(file);
	const struct argo_sock_ops *ops = sk->ops;
	bool nonblock = file->f_flags & O_NONBLOCK;
	struct argo_msg_args msg;
	struct argo_ring_id id;
	xen_argo_addr_t addr;
	struct argo_dev dev;
	u32 val;
	int ival;
	long ret;

	switch (cmd) {
	case ARGOIOCSETRINGSIZE:
		ret = -EFAULT;
		if (copy_from_user(&val, argp, sizeof(val)))
			break;
		ret = -EINVAL;
		if (val < ARGO_RING_SIZE_MIN || val > ARGO_RING_SIZE_MAX)
			break;
		ret = -EOPNOTSUPP;
		if (!ops->set_ring_size)
			break;
		ret = ops->set_ring_size(sk, ALIGN(val, XEN_ARGO_MSG_SLOT_SIZE));
		break;

	case ARGOIOCGETRINGSIZE:
		ret = -EOPNOTSUPP;
		if (!ops->get_ring_size)
			break;
		val = ops->get_ring_size(sk);
		ret = copy_to_user(argp, &val, sizeof(val)) ? -EFAULT : 0;
		break;

	case ARGOIOCBIND:
		ret = -EFAULT;
		if (copy_from_user(&id, argp, sizeof(id)))
			break;
		ret = -EINVAL;
		if (id.partner_id != ARGO_DOMID_ANY &&
		    !argo_domid_valid(id.partner_id))
			break;
		ret = -EOPNOTSUPP;
		if (!ops->bind)
			break;
		ret = ops->bind(sk, &id);
		break;

	case ARGOIOCGETSOCKNAME:
		ret = -EOPNOTSUPP;
		if (!ops->getsockname)
			break;
		memset(&id, 0, sizeof(id));
		ret = ops->getsockname(sk, &id);
		if (!ret && copy_to_user(argp, &id, sizeof(id)))
			ret = -EFAULT;
		break;

	case ARGOIOCGETPEERNAME:
		ret = -EOPNOTSUPP;
		if (!ops->getpeername)
			break;
		memset(&addr, 0, sizeof(addr));
		ret = ops->getpeername(sk, &addr);
		if (!ret && copy_to_user(argp, &addr, sizeof(addr)))
			ret = -EFAULT;
		break;

	case ARGOIOCCONNECT:
		ret = -EOPNOTSUPP;
		if (!ops->connect)
			break;
		if (!argp) {
			/* NULL: disconnect (datagram sockets). */
			ret = ops->connect(sk, NULL, nonblock);
			break;
		}
		ret = -EFAULT;
		if (copy_from_user(&addr, argp, sizeof(addr)))
			break;
		ret = -EINVAL;
		if (!argo_domid_valid(addr.domain_id))
			break;
		addr.pad = 0;
		ret = ops->connect(sk, &addr, nonblock);
		break;

	case ARGOIOCGETCONNECTERR:
		ret = -EOPNOTSUPP;
		if (!ops->get_error)
			break;
		ival = ops->get_error(sk);
		ret = copy_to_user(argp, &ival, sizeof(ival)) ? -EFAULT : 0;
		break;

	case ARGOIOCLISTEN:
		ret = -EFAULT;
		if (copy_from_user(&val, argp, sizeof(val)))
			break;
		ret = -EOPNOTSUPP;
		if (!ops->listen)
			break;
		ret = ops->listen(sk, val);
		break;

	case ARGOIOCACCEPT:
		ret = argo_ioctl_accept(file, sk, argp);
		break;

	case ARGOIOCSEND:
	case ARGOIOCRECV:
		ret = -EFAULT;
		if (copy_from_user(&dev, argp, sizeof(dev)))
			break;
		msg.buf = u64_to_user_ptr((u64)(uintptr_t)dev.buf);
		msg.len = dev.len;
		msg.flags = dev.flags;
		msg.addr = u64_to_user_ptr((u64)(uintptr_t)dev.addr);
		if (cmd == ARGOIOCSEND)
			ret = argo_ioctl_send(file, sk, &msg);
		else
			ret = argo_ioctl_recv(file, sk, &msg);
		break;

	case ARGOIOCGETSOCKTYPE:
		ival = ops->type;
		ret = copy_to_user(argp, &ival, sizeof(ival)) ? -EFAULT : 0;
		break;

	case ARGOIOCSHUTDOWN:
		ret = -EFAULT;
		if (copy_from_user(&ival, argp, sizeof(ival)))
			break;
		ret = -EINVAL;
		if (ival != SHUT_RD && ival != SHUT_WR && ival != SHUT_RDWR)
			break;
		ret = -EOPNOTSUPP;
		if (!ops->shutdown)
			break;
		ret = ops->shutdown(sk, ival);
		break;

	case ARGOIOCVIPTABLESADD:
	case ARGOIOCVIPTABLESDEL:
	case ARGOIOCVIPTABLESLIST:
		/* Access control is XSM/FLASK's job in upstream Xen. */
		ret = -EOPNOTSUPP;
		break;

	default:
		ret = -ENOTTY;
		break;
	}
	return ret;
}

static long argo_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return argo_do_ioctl(file, cmd, (void __user *)arg);
}

#ifdef CONFIG_COMPAT
static long argo_compat_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct argo_sock *sk = argo_file_sock(file);
	void __user *argp = compat_ptr(arg);
	struct argo_dev_32 dev32;
	struct argo_msg_args msg;

	switch (cmd) {
	case ARGOIOCSEND32:
	case ARGOIOCRECV32:
		if (copy_from_user(&dev32, argp, sizeof(dev32)))
			return -EFAULT;
		msg.buf = compat_ptr(dev32.buf);
		msg.len = dev32.len;
		msg.flags = dev32.flags;
		msg.addr = compat_ptr(dev32.addr);
		if (cmd == ARGOIOCSEND32)
			return argo_ioctl_send(file, sk, &msg);
		return argo_ioctl_recv(file, sk, &msg);
	case ARGOIOCSEND:
	case ARGOIOCRECV:
		/* The 64-bit layout cannot come from 32-bit userspace. */
		return -ENOTTY;
	default:
		/* VIPTABLESADD/DEL with a 32-bit struct viptables_rule_pos. */
		if (_IOC_TYPE(cmd) == ARGO_TYPE &&
		    (_IOC_NR(cmd) == 12 || _IOC_NR(cmd) == 13))
			return -EOPNOTSUPP;
		/* Every other argument has the same layout in both ABIs. */
		return argo_do_ioctl(file, cmd, argp);
	}
}
#endif

static const struct file_operations argo_fops = {
	.owner = THIS_MODULE,
	.open = argo_open,
	.release = argo_release,
	.read = argo_read,
	.write = argo_write,
	.poll = argo_poll,
	.unlocked_ioctl = argo_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = argo_compat_ioctl,
#endif
};

static struct miscdevice argo_dgram_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "argo_dgram",
	.fops = &argo_fops,
	.mode = 0660,
};

static struct miscdevice argo_stream_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "argo_stream",
	.fops = &argo_fops,
	.mode = 0660,
};

int argo_dev_init(void)
{
	int ret;

	ret = misc_register(&argo_dgram_dev);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", argo_dgram_dev.name,
		       ret);
		return ret;
	}
	ret = misc_register(&argo_stream_dev);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", argo_stream_dev.name,
		       ret);
		misc_deregister(&argo_dgram_dev);
		return ret;
	}
	return 0;
}

void argo_dev_exit(void)
{
	misc_deregister(&argo_stream_dev);
	misc_deregister(&argo_dgram_dev);
}
