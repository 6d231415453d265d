/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * guard.c - per-thread "inside libargo" depth.
 *
 * The policy layer calls libargo, whose own close(2)/fcntl(2) calls (and a
 * test's fake device's socket calls) land in our exported wrappers again.
 * Those must reach libc directly, or an Argo descriptor would recurse
 * through the policy forever.  A thread-local counter says "pass through".
 */
#include "config.h"

#include "interpose.h"

static __thread int depth __attribute__((tls_model("initial-exec")));

int argo_ip_active(void)
{
	return depth == 0 && argo_ip_enabled();
}

void argo_ip_enter(void)
{
	depth++;
}

void argo_ip_leave(void)
{
	depth--;
}
