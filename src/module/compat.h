/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels argo.ko builds for
 * (Debian 12's 6.1, trixie's 6.12, sid's 7.x).  Force-included by Kbuild
 * before each file, so the rest of the module never tests versions.
 */
#ifndef ARGO_COMPAT_H
#define ARGO_COMPAT_H

/*
 * Before any kernel header (this file is included first): every file logs
 * with this prefix.  Files that also define it use the identical text.
 */
#define pr_fmt(fmt) "argo: " fmt

#include <linux/version.h>

/*
 * The 5-argument hypercall helper: x86 has had xen_single_call() since
 * 4.x; there is no generic _hypercall5 in Debian's headers.  Used only by
 * hypercall.c, which includes <asm/xen/hypercall.h> itself.
 */
#define argo_compat_hypercall5(nr, a1, a2, a3, a4, a5) \
	xen_single_call((nr), (a1), (a2), (a3), (a4), (a5))

/* no_llseek() was removed in 6.12, where a NULL .llseek means the same. */
#ifndef ARGO_HAVE_NO_LLSEEK
#define no_llseek NULL
#endif

/*
 * Resume after Xen save/restore (and checkpoint, and ACPI resume): a
 * syscore resume callback (Xen's xen_suspend() calls syscore_resume() on
 * every path).  xen_resume_notifier_unregister() is gone in 7.x, so the Xen
 * notifier cannot be used by a module; syscore can, but its API changed:
 * 7.x registers a struct syscore with ops taking a data pointer (Kbuild
 * defines ARGO_HAVE_STRUCT_SYSCORE), older kernels a struct syscore_ops
 * taking none.  The callback runs with interrupts off: queue work only.
 */
#include <linux/syscore_ops.h>

struct argo_syscore {
	void (*resume)(void);		/* set by the user */
#ifdef ARGO_HAVE_STRUCT_SYSCORE
	struct syscore_ops ops;
	struct syscore sc;
#else
	struct syscore_ops ops;
#endif
};

#ifdef ARGO_HAVE_STRUCT_SYSCORE
static inline void argo_syscore_resume_cb(void *data)
{
	struct argo_syscore *s = data;

	s->resume();
}

static inline void argo_register_syscore(struct argo_syscore *s)
{
	s->ops.resume = argo_syscore_resume_cb;
	s->sc.ops = &s->ops;
	s->sc.data = s;
	register_syscore(&s->sc);
}

static inline void argo_unregister_syscore(struct argo_syscore *s)
{
	unregister_syscore(&s->sc);
}
#else
static inline void argo_register_syscore(struct argo_syscore *s)
{
	s->ops.resume = s->resume;
	register_syscore_ops(&s->ops);
}

static inline void argo_unregister_syscore(struct argo_syscore *s)
{
	unregister_syscore_ops(&s->ops);
}
#endif

#endif /* ARGO_COMPAT_H */
