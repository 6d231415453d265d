/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim.h - userspace stand-ins for the kernel primitives that the pure
 * module files (ring.c, proto.c) use.  Only what they need; add a mapping
 * here rather than an #ifdef in the shared code.
 */
#ifndef ARGO_KSHIM_H
#define ARGO_KSHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
/*
 * __le16/32/64 (and __u8..__u64) come from the system's <linux/types.h>,
 * which the uapi header includes too: one definition for both.
 */
#include <linux/types.h>

/* The test bed runs on little-endian x86 like the module's targets. */
#define cpu_to_le16(x) ((uint16_t)(x))
#define cpu_to_le32(x) ((uint32_t)(x))
#define cpu_to_le64(x) ((uint64_t)(x))
#define le16_to_cpu(x) ((uint16_t)(x))
#define le32_to_cpu(x) ((uint32_t)(x))
#define le64_to_cpu(x) ((uint64_t)(x))

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virt_rmb() smp_rmb()
#define virt_wmb() smp_wmb()
#define virt_mb() smp_mb()

#define ALIGN(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __packed __attribute__((packed))
#define __always_unused __attribute__((unused))
#define __maybe_unused __attribute__((unused))
#define fallthrough __attribute__((fallthrough))

/* Logging: quiet by default so fuzzers run fast; KSHIM_LOG=1 to see it. */
extern int kshim_log_enabled;
#define kshim_log(fmt, ...) \
	do { if (kshim_log_enabled) fprintf(stderr, fmt, ##__VA_ARGS__); } while (0)
#define pr_err(fmt, ...) kshim_log(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) kshim_log(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) kshim_log(fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) kshim_log(fmt, ##__VA_ARGS__)
#define pr_err_ratelimited(fmt, ...) kshim_log(fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...) kshim_log(fmt, ##__VA_ARGS__)
#define pr_info_ratelimited(fmt, ...) kshim_log(fmt, ##__VA_ARGS__)
#define pr_debug_ratelimited(fmt, ...) kshim_log(fmt, ##__VA_ARGS__)
/*
 * A WARN in the kernel fails a lab run: count them here so that tests and
 * fuzzers can insist on none (the test bed's own misuse tests expect one).
 */
extern unsigned long kshim_warnings;
#define WARN_ON_ONCE(c) ({ bool __c = !!(c); if (__c) { kshim_warnings++; \
	kshim_log("WARN_ON_ONCE(%s) at %s:%d\n", #c, __FILE__, __LINE__); } __c; })
#define WARN_ON(c) WARN_ON_ONCE(c)

#endif /* ARGO_KSHIM_H */
