// SPDX-License-Identifier: GPL-2.0
/*
 * What an administrator (and the tests' leak checks) can read:
 *   /sys/kernel/debug/argo/rings     one line per registered ring
 *   /sys/kernel/debug/argo/sockets   one line per open socket
 *   /sys/kernel/debug/argo/counters  "rings N" and "sockets N"
 *   /sys/kernel/debug/argo/stats     event counts since load (VIRQs,
 *                                    hypercalls, space waits, stream
 *                                    messages), "name value" per line
 */
#define pr_fmt(fmt) "argo: " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "admin.h"
#include "ringtab.h"
#include "sock.h"
#include "stream.h"

static struct dentry *argo_debugfs;

static int rings_show(struct seq_file *m, void *v)
{
	argo_rings_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rings);

static int sockets_show(struct seq_file *m, void *v)
{
	argo_socks_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sockets);

static int counters_show(struct seq_file *m, void *v)
{
	seq_printf(m, "rings %d\nsockets %d\ndomid %u\n", argo_rings_live(),
		   argo_socks_live(), argo_local_domid());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

static int stats_show(struct seq_file *m, void *v)
{
	argo_ringtab_stats_show(m);
	argo_stream_stats_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

int argo_admin_init(void)
{
	/* debugfs failures are not fatal (and the API hides them). */
	argo_debugfs = debugfs_create_dir("argo", NULL);
	debugfs_create_file("rings", 0400, argo_debugfs, NULL, &rings_fops);
	debugfs_create_file("sockets", 0400, argo_debugfs, NULL,
			    &sockets_fops);
	debugfs_create_file("counters", 0444, argo_debugfs, NULL,
			    &counters_fops);
	debugfs_create_file("stats", 0444, argo_debugfs, NULL, &stats_fops);
	return 0;
}

void argo_admin_exit(void)
{
	debugfs_remove_recursive(argo_debugfs);
	argo_debugfs = NULL;
}
