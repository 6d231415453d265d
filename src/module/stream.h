/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stream sockets (stream.c): argo_stream_ops is declared in
 * sock.h.  main.c calls argo_stream_init() after argo_ringtab_init() and
 * argo_admin_init() (it adds debugfs argo/stream_inject), and
 * argo_stream_exit() before argo_admin_exit() and argo_ringtab_exit(): the
 * stream code owns a workqueue (control-message retries, dead-peer
 * probes) whose last items may free sockets and so unregister rings.
 */
#ifndef ARGO_STREAM_H
#define ARGO_STREAM_H

#include "sock.h"

struct seq_file;

int argo_stream_init(void);
void argo_stream_exit(void);
/* Message counts since load, one "name value" per line (debugfs stats). */
void argo_stream_stats_show(struct seq_file *m);

#endif /* ARGO_STREAM_H */
