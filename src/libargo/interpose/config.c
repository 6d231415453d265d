/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * config.c - the interposer's environment variables, read once.
 *
 *   INET_IS_ARGO=1          switch it on (exactly "1"; anything else: off)
 *   ARGO_MAP=RULES          which addresses go to Argo (see rule.h)
 *   ARGO_FALLBACK=tcp       use TCP/IP when Argo is not available
 *   ARGO_INET6=1            AF_INET6 sockets too (::, ::1, ::ffff:IPv4)
 *   ARGO_LOCAL_DOMID=N      this domain's id (else asked of the driver)
 *   ARGO_INTERPOSE_DEBUG=N  log calls on stderr (1: decisions, 2: calls)
 *
 * The environment is inherited across fork and exec, so children are
 * interposed too.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "interpose.h"

static struct argo_ip_config cfg;
static pthread_once_t cfg_once = PTHREAD_ONCE_INIT;
static int map_warned;

static int env_is(const char *name, const char *value)
{
	const char *v = getenv(name);

	return v && strcmp(v, value) == 0;
}

static void read_map(void)
{
	char err[160];

	if (argo_rules_parse(getenv("ARGO_MAP"), &cfg.rules, err,
			     sizeof(err)) == 0)
		return;
	cfg.map_error = 1;
	argo_ip_warn_once(&map_warned,
			  "argo-interpose: ARGO_MAP: %s; IPv4 sockets refused "
			  "(see argo-interpose(7))", err);
}

static void read_config(void)
{
	const char *v;
	uint32_t n;

	cfg.enabled = env_is("INET_IS_ARGO", "1");
	cfg.fallback_tcp = env_is("ARGO_FALLBACK", "tcp");
	cfg.inet6 = env_is("ARGO_INET6", "1");
	v = getenv("ARGO_INTERPOSE_DEBUG");
	if (v && argoi_parse_u32(v, 9, &n) == 0)
		cfg.debug = (int)n;
	v = getenv("ARGO_LOCAL_DOMID");
	if (v && argoi_parse_u32(v, ARGO_DOMID_FIRST_RESERVED - 1, &n) == 0) {
		cfg.have_local_domid = 1;
		cfg.local_domid = (uint16_t)n;
	}
	if (cfg.enabled)
		read_map();
}

const struct argo_ip_config *argo_ip_config(void)
{
	int saved = errno;

	pthread_once(&cfg_once, read_config);
	errno = saved;
	return &cfg;
}

int argo_ip_enabled(void)
{
	return argo_ip_config()->enabled;
}
