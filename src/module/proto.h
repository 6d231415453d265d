/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure stream protocol of argo.ko: wire format, packet
 * parsing, the per-connection state machine and credit accounting.
 *
 * Compiled into the module and, unchanged, into the userspace test bed.
 * See the implementation notes at the top of proto.c and the "Wire
 * protocol" section of docs/DESIGN.md.
 */
#ifndef ARGO_PROTO_H
#define ARGO_PROTO_H

#include "argo_types.h"

/* ---- Wire format ------------------------------------------------------ */

/* Argo message_type of stream messages (the same as ARGO_MSG_TYPE_STREAM). */
#define ARGO_PROTO_MSG_TYPE	0x3574526dU

/* Header flags.  SYN, ACK and RST are OpenXT's; FIN and CREDIT are ours. */
#define ARGO_PROTO_SYN		0x01U
#define ARGO_PROTO_ACK		0x02U
#define ARGO_PROTO_RST		0x04U
#define ARGO_PROTO_FIN		0x08U
#define ARGO_PROTO_CREDIT	0x10U
#define ARGO_PROTO_KNOWN_FLAGS	0x1fU

/* Every stream message starts with this header. */
struct argo_stream_hdr {
	__le32 flags;
	__le32 conid;
};

/* Optional extension after the header of a SYN and of its ACK. */
#define ARGO_PROTO_EXT_MAGIC	0x41524731U	/* "ARG1" */
struct argo_stream_ext {
	__le32 magic;
	__le32 rx_window;
};

/* Payload of a CREDIT message. */
struct argo_stream_credit {
	__le32 rx_window;
	__le32 consumed;
};

#define ARGO_PROTO_HDR_LEN	8U	/* sizeof(struct argo_stream_hdr) */
#define ARGO_PROTO_EXT_LEN	8U
/* Longest message that carries no user data (SYN/ACK + ext, CREDIT). */
#define ARGO_PROTO_CTRL_MAX	16U
/* Bytes of a message parse() needs to see: ARGO_PROTO_CTRL_MAX. */
#define ARGO_PROTO_PARSE_LEN	ARGO_PROTO_CTRL_MAX

/*
 * Receive windows a peer may advertise.  Smaller ones are refused (the
 * packet is malformed); larger ones are clamped so that the wrapping u32
 * arithmetic below stays unambiguous.
 */
#define ARGO_PROTO_WINDOW_MIN	1024U
#define ARGO_PROTO_WINDOW_MAX	0x40000000U	/* 1 GiB */

/* What parse() found in one message. */
struct argo_pkt {
	u32 flags;	/* ARGO_PROTO_* */
	u32 conid;
	u32 data_off;	/* data flags 0: user data starts here ... */
	u32 data_len;	/* ... and is this long (may be 0) */
	u32 window;	/* SYN/ACK with ext, CREDIT: peer's rx_window */
	u32 consumed;	/* CREDIT: bytes the peer has consumed */
	u8 ext;		/* SYN/ACK: the ARG1 extension was present */
};

int argo_proto_parse(const void *head, u32 head_len, u32 msg_len,
		     struct argo_pkt *pkt);

/* ---- Connection state -------------------------------------------------- */

enum argo_proto_state {
	ARGO_PS_CLOSED = 0,	/* not connected: new, or over (see err) */
	ARGO_PS_SYN_SENT,	/* connect: SYN sent, waiting for ACK or RST */
	ARGO_PS_ESTABLISHED,	/* data both ways */
	ARGO_PS_FIN_WAIT,	/* we sent FIN; the peer may still send */
	ARGO_PS_CLOSE_WAIT,	/* the peer sent FIN; we may still send */
	ARGO_PS_NR_STATES
};

/*
 * One connection.  The caller allocates it, serialises every call on it
 * with its own lock, and owns everything that is not here (queues, rings,
 * addresses, wait queues).  Counters are free-running u32 byte counts.
 */
struct argo_conn {
	u32 conid;
	u8 state;		/* enum argo_proto_state */
	u8 ext;			/* peer speaks ARG1: FIN and CREDIT allowed */
	u8 peer_fin;		/* peer sent FIN (or, legacy, RST): EOF */
	u8 local_fin;		/* we will send no more data (FIN or shutdown) */
	int err;		/* 0 or -ECONNREFUSED/-ECONNRESET/... */

	/* transmit side: what the peer lets us send */
	u32 tx_sent;		/* data bytes sent */
	u32 peer_consumed;	/* from the peer's last CREDIT */
	u32 peer_window;	/* the peer's rx_window */

	/* receive side: what we let the peer send */
	u32 rx_window;		/* our window, advertised in SYN/ACK/CREDIT */
	u32 rx_queued;		/* data bytes received and queued */
	u32 rx_consumed;	/* ... of which the application consumed */
	u32 rx_credited;	/* rx_consumed as last told to the peer */
	u32 rx_advertised;	/* ... or as in a CREDIT being sent now */

	/* statistics */
	u32 rx_dropped;		/* packets dropped (stale or bad) */
};

/* Actions returned by the receive functions (a bit mask). */
#define ARGO_ACT_DELIVER	0x01U	/* queue pkt->data_len bytes */
#define ARGO_ACT_SEND_RST	0x02U	/* answer with an RST (same conid) */
#define ARGO_ACT_SEND_ACK	0x04U	/* answer the SYN with an ACK */
#define ARGO_ACT_ACCEPT		0x08U	/* unknown conn: SYN to accept */
#define ARGO_ACT_WAKE_RX	0x10U	/* readability changed (data/EOF/err) */
#define ARGO_ACT_WAKE_TX	0x20U	/* writability changed */
#define ARGO_ACT_CONNECTED	0x40U	/* SYN_SENT -> ESTABLISHED */
#define ARGO_ACT_CLOSED		0x80U	/* the connection has ended */
#define ARGO_ACT_DROPPED	0x100U	/* the packet was ignored */

/* Start an outgoing connection: state SYN_SENT; then send build_syn(). */
void argo_proto_connect(struct argo_conn *c, u32 conid, u32 rx_window);
/*
 * Accept the SYN @pkt (after rx_unknown() said ARGO_ACT_ACCEPT): state
 * ESTABLISHED; then send build_ack().
 */
void argo_proto_accept(struct argo_conn *c, const struct argo_pkt *pkt,
		       u32 rx_window);

/* A packet for a connection we have no record of. */
u32 argo_proto_rx_unknown(const struct argo_pkt *pkt, bool listening,
			  bool backlog_full);
/* A packet for connection @c: the dispatcher on c->state. */
u32 argo_proto_rx(struct argo_conn *c, const struct argo_pkt *pkt);

/*
 * The connection failed locally (the peer's ring is gone, the peer domain
 * died, a control message could not be sent): CLOSED with @err.
 */
u32 argo_proto_abort(struct argo_conn *c, int err);

/* ---- Transmit ---------------------------------------------------------- */

/* 0 when data may be sent now (space permitting), else the -errno. */
int argo_proto_tx_check(const struct argo_conn *c);
/* Data bytes the peer's credit lets us send now (legacy: ~0U). */
u32 argo_proto_tx_space(const struct argo_conn *c);
/*
 * @n data bytes are being sent.  Call it before the send: the peer may
 * consume them and answer with a CREDIT before the send returns.
 */
void argo_proto_tx_sent(struct argo_conn *c, u32 n);
/* The send of those @n bytes failed after all. */
void argo_proto_tx_cancel(struct argo_conn *c, u32 n);

/* ---- Receive-side accounting ------------------------------------------- */

/*
 * The application consumed @n queued bytes.  Returns true when a CREDIT
 * should be sent now (build_credit()).
 */
bool argo_proto_rx_consumed(struct argo_conn *c, u32 n);
/* Whether a CREDIT is due (also to retry one that could not be sent). */
bool argo_proto_credit_due(const struct argo_conn *c);
/* Bytes queued and not consumed. */
u32 argo_proto_rx_pending(const struct argo_conn *c);
/* No more data will arrive: EOF once the queue is empty. */
bool argo_proto_rx_eof(const struct argo_conn *c);
/* Whether the keep-alive prober may send a CREDIT on this connection. */
bool argo_proto_can_probe(const struct argo_conn *c);

/* ---- Closing ----------------------------------------------------------- */

/*
 * shutdown(SHUT_WR): returns true when a FIN should be sent (build_fin()).
 * Legacy peers have no FIN: the local side just stops writing.
 */
bool argo_proto_shutdown_wr(struct argo_conn *c);

/* What close() must send. */
#define ARGO_CLOSE_NOTHING	0
#define ARGO_CLOSE_FIN		1
#define ARGO_CLOSE_RST		2
/*
 * The socket is being released; @unread: data was left unread (that
 * resets the connection, as in TCP).  The connection is CLOSED after.
 */
int argo_proto_close(struct argo_conn *c, bool unread);

/* ---- Building messages (the caller's buffer, >= ARGO_PROTO_CTRL_MAX) --- */

u32 argo_proto_build_syn(const struct argo_conn *c, void *buf);
u32 argo_proto_build_ack(const struct argo_conn *c, void *buf);
u32 argo_proto_build_fin(const struct argo_conn *c, void *buf);
/*
 * Also notes the credit as possibly seen by the peer: a peer may act on a
 * CREDIT before the sender gets to argo_proto_credit_sent().
 */
u32 argo_proto_build_credit(struct argo_conn *c, void *buf);
/* The CREDIT built in @buf was sent: the peer now knows its values. */
void argo_proto_credit_sent(struct argo_conn *c, const void *buf);
u32 argo_proto_build_data_hdr(const struct argo_conn *c, void *buf);
u32 argo_proto_build_rst(u32 conid, void *buf);

const char *argo_proto_state_name(u8 state);

#endif /* ARGO_PROTO_H */
