// SPDX-License-Identifier: GPL-2.0
/* sim.c - see sim.h. */
#include "sim.h"

#include <stdarg.h>
#include <stdio.h>

static void violate(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (s->violation++)
		return;
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
}

static u8 pattern(u32 conid, u32 off)
{
	return (u8)(conid * 31 + off * 7 + (off >> 9));
}

void sim_init(struct sim *s, bool legacy0, bool legacy1, u32 win0, u32 win1)
{
	memset(s, 0, sizeof(*s));
	s->e[0].legacy = legacy0;
	s->e[1].legacy = legacy1;
	s->e[0].window = win0;
	s->e[1].window = win1;
	s->e[0].next_conid = 0x100;
	s->e[1].next_conid = 0x200;
	s->e[1].listening = true;
}

static int send_msg(struct sim *s, int from, const void *buf, u32 len,
		    bool forged)
{
	struct sim_q *q = &s->q[!from];
	struct sim_msg *m;

	if (q->count == SIM_QCAP || len > SIM_MSG_MAX) {
		s->send_fail++;
		return -EAGAIN;
	}
	m = &q->m[(q->head + q->count++) % SIM_QCAP];
	m->len = len;
	m->forged = forged;
	memcpy(m->data, buf, len);
	s->sent[from]++;
	return 0;
}

void sim_inject(struct sim *s, int e, const void *buf, u32 len)
{
	s->forged = true;
	send_msg(s, !e, buf, len, true);
}

static void send_rst(struct sim *s, int from, u32 conid)
{
	u8 b[ARGO_PROTO_CTRL_MAX];

	if (!send_msg(s, from, b, argo_proto_build_rst(conid, b), false))
		s->rst_sent[from]++;
	if (!sim_rst_seen(s, conid) &&
	    s->n_rst_conids < ARRAY_SIZE(s->rst_conids))
		s->rst_conids[s->n_rst_conids++] = conid;
}

bool sim_rst_seen(const struct sim *s, u32 conid)
{
	unsigned int i;

	for (i = 0; i < s->n_rst_conids; i++)
		if (s->rst_conids[i] == conid)
			return true;
	return false;
}

void sim_credit_flush(struct sim *s, int e)
{
	unsigned int i;

	for (i = 0; i < s->ndeferred[e]; i++) {
		struct sim_sock *k = &s->e[e].s[s->deferred[e][i].sock];

		if (k->used)
			argo_proto_credit_sent(&k->c, s->deferred[e][i].buf);
	}
	s->ndeferred[e] = 0;
}

static void send_credit(struct sim *s, int e, struct sim_sock *k)
{
	u8 b[ARGO_PROTO_CTRL_MAX];
	u32 n = argo_proto_build_credit(&k->c, b);

	if (send_msg(s, e, b, n, false))
		return;
	if (s->defer_credit[e]) {
		if (s->ndeferred[e] == ARRAY_SIZE(s->deferred[e]))
			sim_credit_flush(s, e);
		s->deferred[e][s->ndeferred[e]].sock = (int)(k - s->e[e].s);
		memcpy(s->deferred[e][s->ndeferred[e]].buf, b, n);
		s->ndeferred[e]++;
		return;
	}
	argo_proto_credit_sent(&k->c, b);
}

static struct sim_sock *alloc_sock(struct sim_end *end)
{
	unsigned int i;

	for (i = 0; i < SIM_CONNS; i++) {
		if (!end->s[i].used) {
			memset(&end->s[i], 0, sizeof(end->s[i]));
			end->s[i].used = true;
			return &end->s[i];
		}
	}
	return NULL;
}

int sim_find(struct sim *s, int e, u32 conid)
{
	unsigned int i;

	for (i = 0; i < SIM_CONNS; i++)
		if (s->e[e].s[i].used && s->e[e].s[i].routed &&
		    s->e[e].s[i].c.conid == conid)
			return (int)i;
	return -1;
}

int sim_connect(struct sim *s, int e)
{
	struct sim_end *end = &s->e[e];
	struct sim_sock *k = alloc_sock(end);
	u8 b[ARGO_PROTO_CTRL_MAX];
	u32 n;

	if (!k)
		return -1;
	argo_proto_connect(&k->c, end->next_conid++, end->window);
	k->routed = true;
	n = argo_proto_build_syn(&k->c, b);
	if (end->legacy)
		n = ARGO_PROTO_HDR_LEN;	/* OpenXT: no ARG1 */
	if (send_msg(s, e, b, n, false)) {
		k->used = false;
		return -1;
	}
	return (int)(k - end->s);
}

static void deliver_data(struct sim *s, int e, struct sim_sock *k,
			 const struct sim_msg *m, const struct argo_pkt *p)
{
	u32 i;

	if (p->data_off != ARGO_PROTO_HDR_LEN ||
	    p->data_off + p->data_len != m->len) {
		violate(s, "end %d conid %#x: data at %u+%u in a %u-byte message",
			e, p->conid, p->data_off, p->data_len, m->len);
		return;
	}
	if (!s->forged) {
		for (i = 0; i < p->data_len; i++) {
			if (m->data[p->data_off + i] !=
			    pattern(k->c.conid, k->rx_seen + i)) {
				violate(s, "end %d conid %#x: byte %u corrupt",
					e, k->c.conid, k->rx_seen + i);
				break;
			}
		}
	}
	k->rx_seen += p->data_len;
}

int sim_step(struct sim *s, int e)
{
	struct sim_end *end = &s->e[e];
	struct sim_q *q = &s->q[e];
	struct sim_msg m;
	struct argo_pkt p;
	struct sim_sock *k = NULL;
	u32 act;
	int idx;
	u8 before = ARGO_PS_CLOSED;

	if (!q->count)
		return 0;
	m = q->m[q->head];
	q->head = (q->head + 1) % SIM_QCAP;
	q->count--;
	s->delivered++;

	if (argo_proto_parse(m.data, m.len, m.len, &p)) {
		s->parse_errors++;
		if (!m.forged)
			violate(s, "end %d: proto.c refused its own message (%u bytes, flags %#x)",
				e, m.len, m.len >= 4 ? m.data[0] : 0);
		return 1;
	}
	if (end->legacy && (p.flags == ARGO_PROTO_SYN ||
			    p.flags == ARGO_PROTO_ACK)) {
		p.ext = 0;	/* OpenXT ignores the bytes after the header */
		p.window = 0;
	}
	idx = sim_find(s, e, p.conid);
	/* stream.c: a CLOSED connection in the table gives way to a SYN. */
	if (idx >= 0 && p.flags == ARGO_PROTO_SYN &&
	    end->s[idx].c.state == ARGO_PS_CLOSED) {
		end->s[idx].routed = false;
		idx = -1;
	}
	if (idx >= 0) {
		k = &end->s[idx];
		before = k->c.state;
		act = argo_proto_rx(&k->c, &p);
		k->acts |= act;
	} else {
		act = argo_proto_rx_unknown(&p, end->listening,
					    end->backlog_full);
	}
	if ((act & ARGO_ACT_ACCEPT) && p.flags != ARGO_PROTO_SYN)
		violate(s, "end %d: ACCEPT for flags %#x", e, p.flags);
	if (act & ARGO_ACT_ACCEPT) {
		u8 b[ARGO_PROTO_CTRL_MAX];

		k = alloc_sock(end);
		if (!k) {
			send_rst(s, e, p.conid);
			return 1;
		}
		argo_proto_accept(&k->c, &p, end->window);
		k->routed = true;
		k->accepted = true;
		if (send_msg(s, e, b, argo_proto_build_ack(&k->c, b), false))
			k->used = false;	/* as if the SYN was refused */
	}
	if (act & ARGO_ACT_SEND_RST) {
		if (p.flags == ARGO_PROTO_RST)
			violate(s, "end %d conid %#x: RST answered with RST",
				e, p.conid);
		send_rst(s, e, p.conid);
	}
	if ((act & ARGO_ACT_SEND_ACK) && k) {
		u8 b[ARGO_PROTO_CTRL_MAX];

		send_msg(s, e, b, argo_proto_build_ack(&k->c, b), false);
	}
	if (act & ARGO_ACT_DELIVER) {
		if (!k || p.flags)
			violate(s, "end %d: DELIVER without a connection or for flags %#x",
				e, p.flags);
		else
			deliver_data(s, e, k, &m, &p);
	} else if (!s->forged && k && p.flags == 0 && p.data_len &&
		   k->c.ext && (before == ARGO_PS_ESTABLISHED ||
				before == ARGO_PS_FIN_WAIT)) {
		violate(s, "end %d conid %#x: %u data bytes refused in %s (acts %#x): credit broken",
			e, p.conid, p.data_len, argo_proto_state_name(before),
			act);
	}
	if ((act & ARGO_ACT_CLOSED) && k && !s->route_closed)
		k->routed = false;
	sim_check(s);
	return 1;
}

unsigned long sim_pump(struct sim *s, unsigned long max)
{
	unsigned long n = 0;

	while (n < max && (s->q[0].count || s->q[1].count)) {
		n += sim_step(s, 0);
		n += sim_step(s, 1);
	}
	return n;
}

static struct sim_sock *sock(struct sim *s, int e, int i)
{
	if (i < 0 || i >= SIM_CONNS || !s->e[e].s[i].used)
		return NULL;
	return &s->e[e].s[i];
}

u32 sim_write(struct sim *s, int e, int i, u32 n)
{
	struct sim_sock *k = sock(s, e, i);
	u8 b[SIM_MSG_MAX];
	u32 j, hl;

	if (!k || argo_proto_tx_check(&k->c))
		return 0;
	n = min_t(u32, n, argo_proto_tx_space(&k->c));
	n = min_t(u32, n, SIM_DATA_MAX);
	/* Keep queue room for control messages, like a ring never full. */
	if (!n || s->q[!e].count > SIM_QCAP - 64)
		return 0;
	hl = argo_proto_build_data_hdr(&k->c, b);
	for (j = 0; j < n; j++)
		b[hl + j] = pattern(k->c.conid, k->tx_written + j);
	/* As stream.c: counted before the send, the peer may CREDIT at once. */
	argo_proto_tx_sent(&k->c, n);
	if (send_msg(s, e, b, hl + n, false)) {
		argo_proto_tx_cancel(&k->c, n);
		return 0;
	}
	k->tx_written += n;
	return n;
}

u32 sim_read(struct sim *s, int e, int i, u32 n)
{
	struct sim_sock *k = sock(s, e, i);

	if (!k)
		return 0;
	n = min_t(u32, n, argo_proto_rx_pending(&k->c));
	if (argo_proto_rx_consumed(&k->c, n))
		send_credit(s, e, k);
	return n;
}

void sim_shutdown(struct sim *s, int e, int i)
{
	struct sim_sock *k = sock(s, e, i);
	u8 b[ARGO_PROTO_CTRL_MAX];

	if (k && argo_proto_shutdown_wr(&k->c))
		send_msg(s, e, b, argo_proto_build_fin(&k->c, b), false);
	if (k && k->c.state == ARGO_PS_CLOSED && !s->route_closed)
		k->routed = false;
}

void sim_close(struct sim *s, int e, int i)
{
	struct sim_sock *k = sock(s, e, i);
	u8 b[ARGO_PROTO_CTRL_MAX];
	u32 conid;

	if (!k)
		return;
	conid = k->c.conid;
	switch (argo_proto_close(&k->c, argo_proto_rx_pending(&k->c) != 0)) {
	case ARGO_CLOSE_FIN:
		send_msg(s, e, b, argo_proto_build_fin(&k->c, b), false);
		break;
	case ARGO_CLOSE_RST:
		send_rst(s, e, conid);
		break;
	}
	sim_credit_flush(s, e);
	k->used = false;
	k->routed = false;
}

void sim_probe(struct sim *s, int e, int i)
{
	struct sim_sock *k = sock(s, e, i);

	if (k && argo_proto_can_probe(&k->c))
		send_credit(s, e, k);
}

void sim_abort(struct sim *s, int e, int i, int err)
{
	struct sim_sock *k = sock(s, e, i);

	if (k && (argo_proto_abort(&k->c, err) & ARGO_ACT_CLOSED) &&
	    !s->route_closed)
		k->routed = false;
}

void sim_check(struct sim *s)
{
	int e;
	unsigned int i;

	for (e = 0; e < 2; e++) {
		for (i = 0; i < SIM_CONNS; i++) {
			struct sim_sock *k = &s->e[e].s[i];

			if (!k->used)
				continue;
			if (k->c.state >= ARGO_PS_NR_STATES)
				violate(s, "end %d sock %u: state %u", e, i,
					k->c.state);
			if (argo_proto_rx_pending(&k->c) >
			    k->c.rx_queued - k->c.rx_credited)
				violate(s, "end %d sock %u: consumed > queued",
					e, i);
			/* The design's promise: a queue never exceeds the window. */
			if (k->c.ext && argo_proto_rx_pending(&k->c) >
					k->c.rx_window)
				violate(s, "end %d sock %u: %u bytes queued, window %u",
					e, i, argo_proto_rx_pending(&k->c),
					k->c.rx_window);
			if (k->c.state == ARGO_PS_CLOSED &&
			    !argo_proto_tx_check(&k->c))
				violate(s, "end %d sock %u: CLOSED but writable",
					e, i);
		}
	}
}
