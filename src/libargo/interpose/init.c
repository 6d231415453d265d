/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * init.c - set-up when the preload object is loaded: bind libc, register
 * the fork handlers, adopt Argo descriptors inherited across exec.
 * Nothing happens unless INET_IS_ARGO=1.
 */
#include "config.h"

#include "interpose.h"

__attribute__((constructor)) static void argo_ip_init(void)
{
	argo_real();
	if (!argo_ip_enabled())
		return;
	argo_ip_reg_atfork_init();
	argo_ip_adopt_inherited();
	ARGO_IP_DBG(2, "interposer active");
}
