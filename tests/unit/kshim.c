// SPDX-License-Identifier: GPL-2.0
/*
 * kshim.c - the few definitions behind shim/kshim.h.
 *
 * Logging of the shared code (pr_*) is off unless the environment variable
 * KSHIM_LOG is set to a non-empty value other than "0"; fuzzers stay quiet.
 */
#include "kshim.h"

#include <stdlib.h>

int kshim_log_enabled;
unsigned long kshim_warnings;

static void __attribute__((constructor)) kshim_init(void)
{
	const char *v = getenv("KSHIM_LOG");

	kshim_log_enabled = v && *v && *v != '0';
}
