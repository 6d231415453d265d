/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The debugfs listing /sys/kernel/debug/argo/{rings,sockets,counters}.
 */
#ifndef ARGO_ADMIN_H
#define ARGO_ADMIN_H

int argo_admin_init(void);
void argo_admin_exit(void);

#endif /* ARGO_ADMIN_H */
