// SPDX-License-Identifier: GPL-2.0
/*
 * The pure stream protocol of argo.ko.
 *
 * Implementation notes
 * ====================
 *
 * What this file is.  Everything about a stream connection that can be
 * decided from the packets alone: parsing and validating a message,
 * the connection state machine, credit (flow control) accounting and
 * building the control messages.  It includes only "argo_types.h" and is
 * compiled unchanged into argo.ko and into the userspace test bed, which
 * fuzzes it.  It never allocates, locks, sleeps or calls Xen: functions
 * return what the caller must do (ARGO_ACT_* bits, a message length) and
 * the caller (stream.c) does it.
 *
 * Who owns what.  The caller owns struct argo_conn (allocation, lifetime,
 * the lock that serialises every call on one connection), the receive
 * queue, the rings and the peer address.  This file owns the meaning of
 * every field of struct argo_conn; the caller reads them but changes them
 * only through these functions.
 *
 * States (enum argo_proto_state).
 *
 *   CLOSED       no connection: freshly allocated, or ended (err says how:
 *                0 = orderly, else -ECONNREFUSED, -ECONNRESET, ...)
 *   SYN_SENT     connect() sent a SYN and waits for ACK (or RST)
 *   ESTABLISHED  data flows both ways
 *   FIN_WAIT     we sent FIN (shutdown(SHUT_WR)); the peer may still send
 *   CLOSE_WAIT   the peer sent FIN; we may still send
 *
 *   connect:  CLOSED -send SYN-> SYN_SENT -ACK-> ESTABLISHED
 *                                         -RST-> CLOSED (-ECONNREFUSED)
 *   accept:   (unknown conn) -SYN, listening, backlog free-> ESTABLISHED
 *             and the caller answers ACK; otherwise it answers RST
 *   ESTABLISHED -we send FIN-> FIN_WAIT   -peer FIN-> CLOSED (0)
 *   ESTABLISHED -peer FIN-> CLOSE_WAIT    -we send FIN-> CLOSED (0)
 *   any live state -RST-> CLOSED (-ECONNRESET; legacy peer: EOF, 0)
 *   any live state -unexpected packet-> CLOSED (-ECONNRESET) + send RST
 *
 * There is no TIME_WAIT or retransmission: Argo delivers every message of
 * one sender to one ring exactly once and in order, so a packet is never
 * lost or duplicated, only ever late relative to the other direction.
 * The two-way handshake (SYN, ACK) is OpenXT's.
 *
 * The receive dispatcher argo_proto_rx() switches on the state and calls
 * one handler per state.  Whatever a state does not expect resets the
 * connection (answer RST, CLOSED with -ECONNRESET), except that an RST is
 * never answered with an RST, and that a CLOSED connection silently drops
 * RST and CREDIT (a late CREDIT is normal after both sides sent FIN).
 * Packets for connections the caller does not know go to
 * argo_proto_rx_unknown(): a SYN on a listening ring may be accepted,
 * an RST is dropped, anything else is answered with an RST.
 *
 * Extensions.  Our SYN always carries the ARG1 extension (magic and our
 * receive window); an OpenXT (legacy) peer ignores the extra bytes and
 * answers a plain ACK.  A connection is "ext" when the peer's SYN or ACK
 * carried ARG1; only then are FIN and CREDIT sent or accepted.  With a
 * legacy peer a close is an RST, which this side reads as EOF, and flow
 * control is only the ring's back-pressure.
 *
 * Credits (ext only).  Byte counters are free-running u32s.  Invariants:
 *
 *   sender:    tx_sent - peer_consumed <= peer_window
 *   receiver:  rx_queued - seen <= rx_window
 *              rx_credited <= rx_consumed <= rx_queued   (modulo 2^32)
 *
 * where "seen" is the newest credit the peer may have seen: rx_credited
 * (sent) or rx_advertised (built, being sent: the peer may act on it
 * before the sender returns from sendv and records it).  The receiver's
 * bound follows from the sender's, because the credit the sender has seen
 * is never newer than that; data that breaks it is a protocol violation
 * and resets the connection.  Hence the caller's
 * receive queue never holds more than rx_window bytes and never has to
 * refuse data, so a ring shared by many connections is always drained.
 * A CREDIT is due when the application has consumed at least half a
 * window since the last one; the sender blocks only with a full window
 * outstanding, so a reader that keeps reading always releases it.
 * Windows are at least ARGO_PROTO_WINDOW_MIN and are clamped to
 * ARGO_PROTO_WINDOW_MAX, which keeps the u32 differences unambiguous.
 */
#include "argo_types.h"
#include "proto.h"

/* ---- Parsing ------------------------------------------------------------ */

static u32 get_le32(const u8 *p)
{
	__le32 v;

	memcpy(&v, p, sizeof(v));
	return le32_to_cpu(v);
}

static void put_le32(u8 *p, u32 v)
{
	__le32 le = cpu_to_le32(v);

	memcpy(p, &le, sizeof(le));
}

static int parse_window(u32 window, u32 *out)
{
	if (window < ARGO_PROTO_WINDOW_MIN)
		return -EBADMSG;
	*out = min_t(u32, window, ARGO_PROTO_WINDOW_MAX);
	return 0;
}

/**
 * argo_proto_parse() - validate one stream message and describe it
 * @head: the first min(@msg_len, ARGO_PROTO_PARSE_LEN) bytes of the message
 * @head_len: how many bytes @head holds
 * @msg_len: the length of the whole message (Argo payload, no Xen header)
 * @pkt: filled in on success
 *
 * Return: 0, -EBADMSG (bad length or value), -EPROTO (unknown flag bits
 * or combination) or -EINVAL (@head too short: a caller bug).  The caller
 * drops the message on any error and never answers it.
 */
int argo_proto_parse(const void *head, u32 head_len, u32 msg_len,
		     struct argo_pkt *pkt)
{
	const u8 *h = head;
	u32 magic;

	memset(pkt, 0, sizeof(*pkt));
	if (msg_len < ARGO_PROTO_HDR_LEN)
		return -EBADMSG;
	if (head_len < min_t(u32, msg_len, ARGO_PROTO_PARSE_LEN))
		return -EINVAL;

	pkt->flags = get_le32(h);
	pkt->conid = get_le32(h + 4);
	if (pkt->flags & ~ARGO_PROTO_KNOWN_FLAGS)
		return -EPROTO;

	switch (pkt->flags) {
	case 0:
		pkt->data_off = ARGO_PROTO_HDR_LEN;
		pkt->data_len = msg_len - ARGO_PROTO_HDR_LEN;
		return 0;
	case ARGO_PROTO_SYN:
	case ARGO_PROTO_ACK:
		if (msg_len == ARGO_PROTO_HDR_LEN)
			return 0;	/* legacy (OpenXT) peer */
		if (msg_len != ARGO_PROTO_HDR_LEN + ARGO_PROTO_EXT_LEN)
			return -EBADMSG;
		magic = get_le32(h + ARGO_PROTO_HDR_LEN);
		if (magic != ARGO_PROTO_EXT_MAGIC)
			return 0;	/* an extension we do not know: legacy */
		pkt->ext = 1;
		return parse_window(get_le32(h + ARGO_PROTO_HDR_LEN + 4),
				    &pkt->window);
	case ARGO_PROTO_RST:
	case ARGO_PROTO_FIN:
		return msg_len == ARGO_PROTO_HDR_LEN ? 0 : -EBADMSG;
	case ARGO_PROTO_CREDIT:
		if (msg_len != ARGO_PROTO_HDR_LEN + 8)
			return -EBADMSG;
		pkt->consumed = get_le32(h + ARGO_PROTO_HDR_LEN + 4);
		return parse_window(get_le32(h + ARGO_PROTO_HDR_LEN),
				    &pkt->window);
	default:
		return -EPROTO;
	}
}

/* ---- State changes ---------------------------------------------------- */

static u32 window_clamp(u32 window)
{
	return min_t(u32, max_t(u32, window, ARGO_PROTO_WINDOW_MIN),
		     ARGO_PROTO_WINDOW_MAX);
}

void argo_proto_connect(struct argo_conn *c, u32 conid, u32 rx_window)
{
	memset(c, 0, sizeof(*c));
	c->conid = conid;
	c->rx_window = window_clamp(rx_window);
	c->state = ARGO_PS_SYN_SENT;
}

void argo_proto_accept(struct argo_conn *c, const struct argo_pkt *pkt,
		       u32 rx_window)
{
	memset(c, 0, sizeof(*c));
	c->conid = pkt->conid;
	c->rx_window = window_clamp(rx_window);
	c->ext = pkt->ext;
	c->peer_window = pkt->window;
	c->state = ARGO_PS_ESTABLISHED;
}

u32 argo_proto_abort(struct argo_conn *c, int err)
{
	if (c->state == ARGO_PS_CLOSED)
		return 0;
	c->state = ARGO_PS_CLOSED;
	c->err = err;
	return ARGO_ACT_CLOSED | ARGO_ACT_WAKE_RX | ARGO_ACT_WAKE_TX;
}

/* Something the state did not expect: answer RST and end the connection. */
static u32 reset(struct argo_conn *c)
{
	c->rx_dropped++;
	return argo_proto_abort(c, -ECONNRESET) | ARGO_ACT_SEND_RST |
	       ARGO_ACT_DROPPED;
}

/* An RST from the peer on a live connection. */
static u32 peer_reset(struct argo_conn *c)
{
	if (c->ext)
		return argo_proto_abort(c, -ECONNRESET);
	/* OpenXT closes with an RST: that is its orderly end, so EOF. */
	c->peer_fin = 1;
	return argo_proto_abort(c, 0);
}

/* ---- Receive: one handler per state ----------------------------------- */

static u32 rx_closed(struct argo_conn *c, const struct argo_pkt *p)
{
	c->rx_dropped++;
	if (p->flags == ARGO_PROTO_RST || p->flags == ARGO_PROTO_CREDIT)
		return ARGO_ACT_DROPPED;
	return ARGO_ACT_SEND_RST | ARGO_ACT_DROPPED;
}

static u32 rx_syn_sent(struct argo_conn *c, const struct argo_pkt *p)
{
	switch (p->flags) {
	case ARGO_PROTO_ACK:
		c->ext = p->ext;
		c->peer_window = p->window;
		c->state = ARGO_PS_ESTABLISHED;
		return ARGO_ACT_CONNECTED | ARGO_ACT_WAKE_TX | ARGO_ACT_WAKE_RX;
	case ARGO_PROTO_RST:
		return argo_proto_abort(c, -ECONNREFUSED);
	default:
		return reset(c);
	}
}

/* The newest credit the peer may know of (see the notes). */
static u32 credit_seen(const struct argo_conn *c)
{
	/* Both trail rx_consumed; the nearer one is the newer. */
	if (c->rx_consumed - c->rx_advertised <
	    c->rx_consumed - c->rx_credited)
		return c->rx_advertised;
	return c->rx_credited;
}

static u32 rx_data(struct argo_conn *c, const struct argo_pkt *p)
{
	u32 seen = credit_seen(c);

	if (!p->data_len)
		return 0;
	if (c->ext && c->rx_queued + p->data_len - seen > c->rx_window) {
		pr_warn_ratelimited("stream conid %#x: peer overran its credit (%u bytes past a window of %u)\n",
				    c->conid,
				    c->rx_queued + p->data_len - seen -
				    c->rx_window, c->rx_window);
		return reset(c);
	}
	c->rx_queued += p->data_len;
	return ARGO_ACT_DELIVER | ARGO_ACT_WAKE_RX;
}

static u32 rx_credit(struct argo_conn *c, const struct argo_pkt *p)
{
	/* The new consumed count lies between the old one and tx_sent. */
	if (!c->ext ||
	    p->consumed - c->peer_consumed > c->tx_sent - c->peer_consumed)
		return reset(c);
	c->peer_consumed = p->consumed;
	c->peer_window = p->window;
	return ARGO_ACT_WAKE_TX;
}

static u32 rx_fin(struct argo_conn *c)
{
	if (!c->ext)
		return reset(c);
	c->peer_fin = 1;
	if (c->state == ARGO_PS_FIN_WAIT)
		return argo_proto_abort(c, 0);
	c->state = ARGO_PS_CLOSE_WAIT;
	return ARGO_ACT_WAKE_RX;
}

/* ESTABLISHED and FIN_WAIT: the peer may still send data. */
static u32 rx_open(struct argo_conn *c, const struct argo_pkt *p)
{
	switch (p->flags) {
	case 0:
		return rx_data(c, p);
	case ARGO_PROTO_CREDIT:
		return rx_credit(c, p);
	case ARGO_PROTO_FIN:
		return rx_fin(c);
	case ARGO_PROTO_RST:
		return peer_reset(c);
	default:
		return reset(c);
	}
}

/* CLOSE_WAIT: the peer sent FIN; only its credits and an RST may come. */
static u32 rx_close_wait(struct argo_conn *c, const struct argo_pkt *p)
{
	switch (p->flags) {
	case ARGO_PROTO_CREDIT:
		return rx_credit(c, p);
	case ARGO_PROTO_RST:
		return argo_proto_abort(c, -ECONNRESET);
	default:
		return reset(c);
	}
}

/**
 * argo_proto_rx() - a packet arrived for connection @c
 * @c: the connection its (source, conid) matched
 * @p: the packet, from argo_proto_parse()
 *
 * Return: ARGO_ACT_* bits.  With ARGO_ACT_DELIVER the caller queues the
 * p->data_len bytes at p->data_off; with ARGO_ACT_SEND_RST it sends
 * argo_proto_build_rst(p->conid); with ARGO_ACT_CLOSED it stops routing
 * packets to @c (later ones go to argo_proto_rx_unknown()).
 */
u32 argo_proto_rx(struct argo_conn *c, const struct argo_pkt *p)
{
	switch (c->state) {
	case ARGO_PS_SYN_SENT:
		return rx_syn_sent(c, p);
	case ARGO_PS_ESTABLISHED:
	case ARGO_PS_FIN_WAIT:
		return rx_open(c, p);
	case ARGO_PS_CLOSE_WAIT:
		return rx_close_wait(c, p);
	case ARGO_PS_CLOSED:
	default:
		return rx_closed(c, p);
	}
}

/**
 * argo_proto_rx_unknown() - a packet arrived for no known connection
 * @p: the packet
 * @listening: the ring belongs to a listening socket
 * @backlog_full: that listener cannot take another connection now
 *
 * Return: ARGO_ACT_ACCEPT (create a connection, argo_proto_accept(),
 * send the ACK), ARGO_ACT_SEND_RST or ARGO_ACT_DROPPED.
 */
u32 argo_proto_rx_unknown(const struct argo_pkt *p, bool listening,
			  bool backlog_full)
{
	if (p->flags == ARGO_PROTO_RST)
		return ARGO_ACT_DROPPED;
	if (p->flags == ARGO_PROTO_SYN && listening && !backlog_full)
		return ARGO_ACT_ACCEPT;
	return ARGO_ACT_SEND_RST | ARGO_ACT_DROPPED;
}

/* ---- Transmit --------------------------------------------------------- */

int argo_proto_tx_check(const struct argo_conn *c)
{
	if (c->local_fin)
		return -EPIPE;
	switch (c->state) {
	case ARGO_PS_ESTABLISHED:
	case ARGO_PS_CLOSE_WAIT:
		return 0;
	case ARGO_PS_SYN_SENT:
		return -ENOTCONN;
	case ARGO_PS_FIN_WAIT:
		return -EPIPE;
	case ARGO_PS_CLOSED:
	default:
		if (c->err)
			return c->err;
		return c->peer_fin ? -EPIPE : -ENOTCONN;
	}
}

u32 argo_proto_tx_space(const struct argo_conn *c)
{
	u32 out;

	if (argo_proto_tx_check(c))
		return 0;
	if (!c->ext)
		return ~0U;
	out = c->tx_sent - c->peer_consumed;
	return out >= c->peer_window ? 0 : c->peer_window - out;
}

void argo_proto_tx_sent(struct argo_conn *c, u32 n)
{
	c->tx_sent += n;
}

/* Nothing can have credited bytes that never left. */
void argo_proto_tx_cancel(struct argo_conn *c, u32 n)
{
	c->tx_sent -= n;
}

/* ---- Receive-side accounting ---------------------------------------- */

bool argo_proto_credit_due(const struct argo_conn *c)
{
	if (!c->ext || (c->state != ARGO_PS_ESTABLISHED &&
			c->state != ARGO_PS_FIN_WAIT))
		return false;
	return c->rx_consumed - c->rx_credited >= c->rx_window / 2;
}

bool argo_proto_rx_consumed(struct argo_conn *c, u32 n)
{
	if (WARN_ON_ONCE(n > argo_proto_rx_pending(c)))
		n = argo_proto_rx_pending(c);
	c->rx_consumed += n;
	return argo_proto_credit_due(c);
}

u32 argo_proto_rx_pending(const struct argo_conn *c)
{
	return c->rx_queued - c->rx_consumed;
}

bool argo_proto_rx_eof(const struct argo_conn *c)
{
	return c->peer_fin || c->state == ARGO_PS_CLOSED;
}

bool argo_proto_can_probe(const struct argo_conn *c)
{
	return c->ext && (c->state == ARGO_PS_ESTABLISHED ||
			  c->state == ARGO_PS_FIN_WAIT ||
			  c->state == ARGO_PS_CLOSE_WAIT);
}

/* ---- Closing ---------------------------------------------------------- */

bool argo_proto_shutdown_wr(struct argo_conn *c)
{
	bool was = c->local_fin;

	c->local_fin = 1;
	if (was || !c->ext)
		return false;
	switch (c->state) {
	case ARGO_PS_ESTABLISHED:
		c->state = ARGO_PS_FIN_WAIT;
		return true;
	case ARGO_PS_CLOSE_WAIT:
		c->state = ARGO_PS_CLOSED;
		c->err = 0;
		return true;
	default:
		return false;
	}
}

int argo_proto_close(struct argo_conn *c, bool unread)
{
	int what;

	switch (c->state) {
	case ARGO_PS_SYN_SENT:
		what = ARGO_CLOSE_RST;
		break;
	case ARGO_PS_ESTABLISHED:
	case ARGO_PS_CLOSE_WAIT:
		if (unread || !c->ext)
			what = ARGO_CLOSE_RST;
		else
			what = ARGO_CLOSE_FIN;
		break;
	case ARGO_PS_FIN_WAIT:
		/* our FIN is out; data still arriving will be answered RST */
		what = unread ? ARGO_CLOSE_RST : ARGO_CLOSE_NOTHING;
		break;
	case ARGO_PS_CLOSED:
	default:
		return ARGO_CLOSE_NOTHING;
	}
	c->local_fin = 1;
	c->state = ARGO_PS_CLOSED;
	return what;
}

/* ---- Building messages ------------------------------------------------ */

static u32 put_hdr(void *buf, u32 flags, u32 conid)
{
	u8 *b = buf;

	put_le32(b, flags);
	put_le32(b + 4, conid);
	return ARGO_PROTO_HDR_LEN;
}

static u32 put_ext(void *buf, u32 window)
{
	u8 *b = buf;

	put_le32(b + ARGO_PROTO_HDR_LEN, ARGO_PROTO_EXT_MAGIC);
	put_le32(b + ARGO_PROTO_HDR_LEN + 4, window);
	return ARGO_PROTO_HDR_LEN + ARGO_PROTO_EXT_LEN;
}

u32 argo_proto_build_syn(const struct argo_conn *c, void *buf)
{
	put_hdr(buf, ARGO_PROTO_SYN, c->conid);
	return put_ext(buf, c->rx_window);
}

/* The ACK carries ARG1 only when the peer's SYN did. */
u32 argo_proto_build_ack(const struct argo_conn *c, void *buf)
{
	u32 len = put_hdr(buf, ARGO_PROTO_ACK, c->conid);

	return c->ext ? put_ext(buf, c->rx_window) : len;
}

u32 argo_proto_build_fin(const struct argo_conn *c, void *buf)
{
	return put_hdr(buf, ARGO_PROTO_FIN, c->conid);
}

u32 argo_proto_build_credit(struct argo_conn *c, void *buf)
{
	u8 *b = buf;

	c->rx_advertised = c->rx_consumed;
	put_hdr(buf, ARGO_PROTO_CREDIT, c->conid);
	put_le32(b + ARGO_PROTO_HDR_LEN, c->rx_window);
	put_le32(b + ARGO_PROTO_HDR_LEN + 4, c->rx_consumed);
	return ARGO_PROTO_HDR_LEN + 8;
}

void argo_proto_credit_sent(struct argo_conn *c, const void *buf)
{
	u32 consumed = get_le32((const u8 *)buf + ARGO_PROTO_HDR_LEN + 4);

	/* Only move forward: a CREDIT built earlier may be sent late. */
	if (consumed - c->rx_credited <= c->rx_consumed - c->rx_credited)
		c->rx_credited = consumed;
}

u32 argo_proto_build_data_hdr(const struct argo_conn *c, void *buf)
{
	return put_hdr(buf, 0, c->conid);
}

u32 argo_proto_build_rst(u32 conid, void *buf)
{
	return put_hdr(buf, ARGO_PROTO_RST, conid);
}

const char *argo_proto_state_name(u8 state)
{
	static const char * const names[ARGO_PS_NR_STATES] = {
		[ARGO_PS_CLOSED] = "CLOSED",
		[ARGO_PS_SYN_SENT] = "SYN_SENT",
		[ARGO_PS_ESTABLISHED] = "ESTABLISHED",
		[ARGO_PS_FIN_WAIT] = "FIN_WAIT",
		[ARGO_PS_CLOSE_WAIT] = "CLOSE_WAIT",
	};

	return state < ARGO_PS_NR_STATES ? names[state] : "?";
}
