/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim.h - two stream endpoints driven by src/module/proto.c, joined by two
 * in-order message queues (Argo delivers each sender's messages to a ring
 * exactly once and in order).  The glue here is what stream.c does with
 * proto.c's ARGO_ACT_* results: route by conid, accept, answer RST, queue
 * data, send CREDIT/FIN.  Used by the unit tests and the fuzzer.
 *
 * A "legacy" endpoint behaves as an OpenXT peer: it sends SYN and ACK
 * without the ARG1 extension and ignores the extension it receives.
 *
 * Oracles (sim->violation set, sim->why says what):
 *  - an RST is never answered with an RST;
 *  - a delivered data packet is exactly the message minus its header;
 *  - when nothing was forged: every data byte delivered is the byte the
 *    peer wrote at that stream offset, and data arriving on an open
 *    connection of an ARG1 pair is always delivered (credits are honoured);
 *  - a receive queue (unread bytes) never exceeds its window (ARG1).
 */
#ifndef ARGO_TEST_SIM_H
#define ARGO_TEST_SIM_H

#include "argo_types.h"
#include "proto.h"

#define SIM_CONNS	8
#define SIM_QCAP	1024
#define SIM_DATA_MAX	512
#define SIM_MSG_MAX	(ARGO_PROTO_HDR_LEN + SIM_DATA_MAX)

struct sim_msg {
	u32 len;
	bool forged;
	u8 data[SIM_MSG_MAX];
};

struct sim_q {
	unsigned int head, count;
	struct sim_msg m[SIM_QCAP];
};

struct sim_sock {
	bool used;		/* slot allocated (the application holds it) */
	bool routed;		/* in the conid table: packets reach it */
	bool accepted;		/* created by accept (server side) */
	struct argo_conn c;
	u32 rx_seen;		/* data bytes delivered so far */
	u32 tx_written;		/* data bytes written so far */
	unsigned int acts;	/* OR of all ARGO_ACT_* it returned */
};

struct sim_end {
	bool legacy;
	bool listening;
	bool backlog_full;
	u32 window;
	u32 next_conid;
	struct sim_sock s[SIM_CONNS];
};

struct sim {
	/*
	 * Keep CLOSED connections in the conid table until the application
	 * closes the socket (packets then reach proto.c's CLOSED handler
	 * instead of argo_proto_rx_unknown()).
	 */
	bool route_closed;
	/*
	 * The kernel calls argo_proto_credit_sent() after sendv returns; the
	 * peer may have read the CREDIT and answered with data before that.
	 * With defer_credit[e], endpoint e records its CREDITs as sent only
	 * at sim_credit_flush().
	 */
	bool defer_credit[2];
	unsigned int ndeferred[2];
	struct { int sock; u8 buf[ARGO_PROTO_CTRL_MAX]; } deferred[2][16];
	struct sim_end e[2];
	struct sim_q q[2];		/* q[i]: messages on their way to e[i] */
	bool forged;			/* something not from proto.c was sent */
	unsigned long delivered;	/* messages taken off the queues */
	unsigned long sent[2];		/* messages sent by e[i] */
	unsigned long rst_sent[2];
	u32 rst_conids[64];		/* the first conids an RST was sent for */
	unsigned int n_rst_conids;
	unsigned long parse_errors;
	unsigned long send_fail;
	int violation;
	char why[256];
};

void sim_init(struct sim *s, bool legacy0, bool legacy1, u32 win0, u32 win1);
/* Endpoint e connects: returns the socket index or -1. */
int sim_connect(struct sim *s, int e);
/* Deliver the next queued message to endpoint e: 1 if one was, else 0. */
int sim_step(struct sim *s, int e);
/* Deliver until both queues are empty or max messages: messages delivered. */
unsigned long sim_pump(struct sim *s, unsigned long max);
/* The application: write/read n bytes, shutdown(SHUT_WR), close(). */
u32 sim_write(struct sim *s, int e, int sock, u32 n);
u32 sim_read(struct sim *s, int e, int sock, u32 n);
void sim_shutdown(struct sim *s, int e, int sock);
void sim_close(struct sim *s, int e, int sock);
/* The keep-alive prober / a retry: send a CREDIT now if allowed. */
void sim_probe(struct sim *s, int e, int sock);
/* The peer domain died etc. */
void sim_abort(struct sim *s, int e, int sock, int err);
/* Put arbitrary bytes on the way to endpoint e (a forged message). */
void sim_inject(struct sim *s, int e, const void *buf, u32 len);
/* Endpoint index of the socket with that conid, or -1. */
int sim_find(struct sim *s, int e, u32 conid);
/* Run the deferred argo_proto_credit_sent() calls of endpoint e. */
void sim_credit_flush(struct sim *s, int e);
/* Was an RST sent (by either side) for this conid? */
bool sim_rst_seen(const struct sim *s, u32 conid);
/* Check the invariants of every socket (sets violation). */
void sim_check(struct sim *s);

#endif /* ARGO_TEST_SIM_H */
