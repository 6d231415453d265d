/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ping.h - argo-ping: options, the echo packet, round-trip statistics.
 *
 * The echo protocol is argo-ping's own, over Argo datagrams: a request is
 * a 24-byte header then filler, and the responder (argo-ping -l) sends the
 * same datagram back with the type changed to reply.  All header fields
 * are little-endian.
 */
#ifndef ARGO_UTILS_PING_H
#define ARGO_UTILS_PING_H

#include <stddef.h>
#include <stdint.h>
#include <libargo.h>

/* The responder's default port (RFC 862's echo port number). */
#define ARGO_PING_PORT		7U

#define PING_MAGIC		0x474e5041U	/* "APNG" little-endian */
#define PING_REQUEST		1U
#define PING_REPLY		2U
#define PING_HDR_LEN		24U
#define PING_DEFAULT_SIZE	56U
#define PING_MAX_SIZE		(1U << 20)

struct ping_hdr {
	uint32_t magic;
	uint32_t type;
	uint32_t id;
	uint32_t seq;
	uint64_t stamp_ns;	/* sender's CLOCK_MONOTONIC at send */
};

struct ping_opts {
	int listen;		/* -l: be the responder */
	int quiet;		/* -q */
	unsigned long count;	/* -c; 0 = until interrupted */
	double interval;	/* -i seconds */
	double deadline;	/* -w seconds; < 0 none */
	double timeout;		/* -W seconds to wait for the last reply */
	size_t size;		/* -s datagram bytes */
	uint16_t partner;	/* -P (responder) */
	argo_addr_t target;	/* client: DOMID[:PORT]; responder: port */
};

/* Parse argv.  Returns 0 to run, 1 when --help/--version was printed
 * (exit 0), -1 after printing a usage error (exit 2). */
int ping_parse_args(int argc, char **argv, struct ping_opts *o);

/* Encode a header into buf (len >= PING_HDR_LEN) and fill the rest. */
void ping_encode(void *buf, size_t len, const struct ping_hdr *h);
/* Decode; 0 if buf holds a well-formed packet of this protocol, else -1. */
int ping_decode(const void *buf, size_t len, struct ping_hdr *h);

/* Round-trip statistics in milliseconds. */
struct ping_stats {
	unsigned long sent, received, dups, errors;
	double min, max, sum, sum2;
};

void ping_stats_add(struct ping_stats *s, double rtt_ms);
/* Loss in percent (0 when nothing was sent). */
double ping_stats_loss(const struct ping_stats *s);
double ping_stats_avg(const struct ping_stats *s);
/* Mean deviation as ping(8) reports it: sqrt(E[x^2] - E[x]^2). */
double ping_stats_mdev(const struct ping_stats *s);

#endif /* ARGO_UTILS_PING_H */
