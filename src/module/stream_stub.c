// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-in for stream.c until the stream sockets exist:
 * opening /dev/argo_stream fails with -EOPNOTSUPP.  Kbuild drops this file
 * as soon as stream.c is present.
 */
#define pr_fmt(fmt) "argo: " fmt

#include <linux/err.h>
#include "sock.h"

static struct argo_sock *argo_stream_stub_create(void)
{
	return ERR_PTR(-EOPNOTSUPP);
}

const struct argo_sock_ops argo_stream_ops = {
	.type = ARGO_PTYPE_STREAM,
	.name = "stream",
	.create = argo_stream_stub_create,
};
