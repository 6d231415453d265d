/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Datagram sockets (dgram.c): argo_dgram_ops is declared in sock.h.
 */
#ifndef ARGO_DGRAM_H
#define ARGO_DGRAM_H

#include "sock.h"

#endif /* ARGO_DGRAM_H */
