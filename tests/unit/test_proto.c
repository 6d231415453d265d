// SPDX-License-Identifier: GPL-2.0
/*
 * test_proto.c - src/module/proto.c (compiled unchanged): packet parsing,
 * then whole conversations between two endpoints (sim.c) covering setup,
 * teardown races, RST storms, unknown conids, duplicate SYNs, data before
 * ACK, half-close, credit accounting and legacy (OpenXT) peers.
 */
#include "harness.h"
#include "sim.h"
#include "testbed.h"

#include <stdio.h>

static struct sim S;

#define T_SIM_OK(s) do { T_EQ((s)->violation, 0); \
	if ((s)->violation) t_diag("sim: %s", (s)->why); } while (0)

static u32 mk(u8 *b, u32 flags, u32 conid, const u32 *extra, unsigned int n)
{
	unsigned int i;

	memcpy(b, &flags, 4);
	memcpy(b + 4, &conid, 4);
	for (i = 0; i < n; i++)
		memcpy(b + 8 + 4 * i, &extra[i], 4);
	return 8 + 4 * n;
}

static int parse(const u8 *b, u32 len, struct argo_pkt *p)
{
	return argo_proto_parse(b, len, len, p);
}

static void t_parse(void)
{
	u8 b[64];
	struct argo_pkt p;
	u32 ext[2] = { ARGO_PROTO_EXT_MAGIC, 65536 };
	u32 n;

	memset(b, 0, sizeof(b));
	T_EQ(parse(b, 0, &p), -EBADMSG);
	T_EQ(parse(b, 7, &p), -EBADMSG);
	/* head shorter than needed: caller bug */
	T_EQ(argo_proto_parse(b, 4, 100, &p), -EINVAL);
	T_EQ(argo_proto_parse(b, 15, 100, &p), -EINVAL);
	T_EQ(argo_proto_parse(b, 16, 100, &p), 0);
	T_EQ(p.data_len, 92);
	/* data */
	n = mk(b, 0, 7, NULL, 0);
	T_EQ(parse(b, n, &p), 0);
	T_EQ(p.conid, 7);
	T_EQ(p.data_len, 0);
	T_EQ(p.data_off, 8);
	/* unknown bits and combinations */
	n = mk(b, 0x20, 7, NULL, 0);
	T_EQ(parse(b, n, &p), -EPROTO);
	n = mk(b, 0x80000000, 7, NULL, 0);
	T_EQ(parse(b, n, &p), -EPROTO);
	n = mk(b, ARGO_PROTO_SYN | ARGO_PROTO_ACK, 7, NULL, 0);
	T_EQ(parse(b, n, &p), -EPROTO);
	n = mk(b, ARGO_PROTO_RST | ARGO_PROTO_FIN, 7, NULL, 0);
	T_EQ(parse(b, n, &p), -EPROTO);
	/* SYN/ACK legacy, ext, bad ext */
	n = mk(b, ARGO_PROTO_SYN, 7, NULL, 0);
	T_EQ(parse(b, n, &p), 0);
	T_EQ(p.ext, 0);
	n = mk(b, ARGO_PROTO_ACK, 7, ext, 2);
	T_EQ(parse(b, n, &p), 0);
	T_EQ(p.ext, 1);
	T_EQ(p.window, 65536);
	T_EQ(parse(b, 12, &p), -EBADMSG);
	T_EQ(parse(b, 20, &p), -EBADMSG);
	ext[1] = ARGO_PROTO_WINDOW_MIN - 1;
	n = mk(b, ARGO_PROTO_SYN, 7, ext, 2);
	T_EQ(parse(b, n, &p), -EBADMSG);
	ext[1] = 0xffffffff;
	n = mk(b, ARGO_PROTO_SYN, 7, ext, 2);
	T_EQ(parse(b, n, &p), 0);
	T_EQ(p.window, ARGO_PROTO_WINDOW_MAX);
	ext[0] = 0x12345678;	/* someone else's extension: legacy */
	n = mk(b, ARGO_PROTO_SYN, 7, ext, 2);
	T_EQ(parse(b, n, &p), 0);
	T_EQ(p.ext, 0);
	/* RST, FIN: header only */
	n = mk(b, ARGO_PROTO_RST, 7, NULL, 0);
	T_EQ(parse(b, n, &p), 0);
	T_EQ(parse(b, n + 1, &p), -EBADMSG);
	n = mk(b, ARGO_PROTO_FIN, 7, NULL, 0);
	T_EQ(parse(b, n, &p), 0);
	T_EQ(parse(b, n + 4, &p), -EBADMSG);
	/* CREDIT */
	ext[0] = 4096;
	ext[1] = 1234;
	n = mk(b, ARGO_PROTO_CREDIT, 7, ext, 2);
	T_EQ(parse(b, n, &p), 0);
	T_EQ(p.window, 4096);
	T_EQ(p.consumed, 1234);
	T_EQ(parse(b, n - 1, &p), -EBADMSG);
	T_EQ(parse(b, n + 1, &p), -EBADMSG);
	ext[0] = 5;
	n = mk(b, ARGO_PROTO_CREDIT, 7, ext, 2);
	T_EQ(parse(b, n, &p), -EBADMSG);
}

static void t_builders_roundtrip(void)
{
	struct argo_conn c;
	struct argo_pkt p, syn;
	u8 b[ARGO_PROTO_CTRL_MAX];
	u32 n;

	argo_proto_connect(&c, 0x55, 1);	/* clamped up */
	T_EQ(c.rx_window, ARGO_PROTO_WINDOW_MIN);
	argo_proto_connect(&c, 0x55, 0xffffffff);	/* clamped down */
	T_EQ(c.rx_window, ARGO_PROTO_WINDOW_MAX);
	T_EQ(c.state, ARGO_PS_SYN_SENT);
	n = argo_proto_build_syn(&c, b);
	T_EQ(parse(b, n, &syn), 0);
	T_EQ(syn.flags, ARGO_PROTO_SYN);
	T_EQ(syn.conid, 0x55);
	T_EQ(syn.ext, 1);
	T_EQ(syn.window, ARGO_PROTO_WINDOW_MAX);
	argo_proto_accept(&c, &syn, 8192);
	n = argo_proto_build_ack(&c, b);
	T_EQ(parse(b, n, &p), 0);
	T_EQ(p.flags, ARGO_PROTO_ACK);
	T_EQ(p.ext, 1);
	T_EQ(p.window, 8192);
	n = argo_proto_build_fin(&c, b);
	T_EQ(parse(b, n, &p), 0);
	T_EQ(p.flags, ARGO_PROTO_FIN);
	n = argo_proto_build_credit(&c, b);
	T_EQ(parse(b, n, &p), 0);
	T_EQ(p.flags, ARGO_PROTO_CREDIT);
	T_EQ(p.window, 8192);
	n = argo_proto_build_data_hdr(&c, b);
	T_EQ(n, ARGO_PROTO_HDR_LEN);
	n = argo_proto_build_rst(0x99, b);
	T_EQ(parse(b, n, &p), 0);
	T_EQ(p.conid, 0x99);
	T_EQ(p.flags, ARGO_PROTO_RST);
	/* A legacy SYN is answered with a legacy ACK. */
	syn.ext = 0;
	argo_proto_accept(&c, &syn, 8192);
	T_EQ(argo_proto_build_ack(&c, b), ARGO_PROTO_HDR_LEN);
	T_OK(!strcmp(argo_proto_state_name(ARGO_PS_CLOSE_WAIT), "CLOSE_WAIT"));
	T_OK(!strcmp(argo_proto_state_name(200), "?"));
}

/* Client e0 sock a, server e1 sock b, established. */
static void establish(struct sim *s, int *a, int *b, bool l0, bool l1,
		      u32 w0, u32 w1)
{
	sim_init(s, l0, l1, w0, w1);
	*a = sim_connect(s, 0);
	sim_pump(s, 100);
	*b = sim_find(s, 1, s->e[0].s[*a].c.conid);
}

static void t_setup_data_orderly_close(void)
{
	int a, b;

	establish(&S, &a, &b, false, false, 4096, 4096);
	T_REQUIRE(a >= 0 && b >= 0);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_ESTABLISHED);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_ESTABLISHED);
	T_EQ(S.e[0].s[a].c.ext, 1);
	T_EQ(S.e[1].s[b].c.ext, 1);
	T_OK(S.e[0].s[a].acts & ARGO_ACT_CONNECTED);
	T_EQ(sim_write(&S, 0, a, 300), 300);
	T_EQ(sim_write(&S, 1, b, 200), 200);
	sim_pump(&S, 100);
	T_EQ(S.e[1].s[b].rx_seen, 300);
	T_EQ(S.e[0].s[a].rx_seen, 200);
	T_EQ(sim_read(&S, 1, b, 1000), 300);
	T_EQ(sim_read(&S, 0, a, 1000), 200);
	/* a closes (nothing unread): FIN; b reads EOF and closes too. */
	sim_close(&S, 0, a);
	sim_pump(&S, 100);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_CLOSE_WAIT);
	T_OK(argo_proto_rx_eof(&S.e[1].s[b].c));
	T_EQ(argo_proto_tx_check(&S.e[1].s[b].c), 0);
	sim_close(&S, 1, b);
	T_EQ(sim_pump(&S, 100), 2);	/* b's FIN, a's RST (a is gone) */
	T_EQ(S.rst_sent[0], 1);
	T_SIM_OK(&S);
}

static void t_half_close(void)
{
	int a, b;

	establish(&S, &a, &b, false, false, 4096, 4096);
	T_REQUIRE(a >= 0 && b >= 0);
	sim_shutdown(&S, 0, a);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_FIN_WAIT);
	T_EQ(argo_proto_tx_check(&S.e[0].s[a].c), -EPIPE);
	T_EQ(sim_write(&S, 0, a, 10), 0);
	sim_pump(&S, 10);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_CLOSE_WAIT);
	T_OK(argo_proto_rx_eof(&S.e[1].s[b].c));
	/* The other direction still flows, with credits. */
	T_EQ(sim_write(&S, 1, b, 500), 500);
	sim_pump(&S, 10);
	T_EQ(S.e[0].s[a].rx_seen, 500);
	T_EQ(sim_read(&S, 0, a, 500), 500);
	T_OK(!argo_proto_rx_eof(&S.e[0].s[a].c));
	sim_shutdown(&S, 1, b);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[1].s[b].c.err, 0);
	sim_pump(&S, 10);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[0].s[a].c.err, 0);
	T_OK(argo_proto_rx_eof(&S.e[0].s[a].c));
	T_EQ(argo_proto_tx_check(&S.e[0].s[a].c), -EPIPE);
	/* Closing afterwards sends nothing. */
	sim_close(&S, 0, a);
	sim_close(&S, 1, b);
	T_EQ(sim_pump(&S, 10), 0);
	T_EQ(S.rst_sent[0] + S.rst_sent[1], 0);
	T_SIM_OK(&S);
}

static void t_simultaneous_shutdown(void)
{
	int a, b;

	establish(&S, &a, &b, false, false, 4096, 4096);
	T_REQUIRE(a >= 0 && b >= 0);
	sim_shutdown(&S, 0, a);
	sim_shutdown(&S, 1, b);		/* the FINs cross */
	sim_pump(&S, 10);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[0].s[a].c.err, 0);
	T_EQ(S.e[1].s[b].c.err, 0);
	T_EQ(S.rst_sent[0] + S.rst_sent[1], 0);
	T_SIM_OK(&S);
}

static void t_simultaneous_close(void)
{
	int a, b;
	unsigned long n;

	establish(&S, &a, &b, false, false, 4096, 4096);
	T_REQUIRE(a >= 0 && b >= 0);
	T_EQ(sim_write(&S, 0, a, 100), 100);
	T_EQ(sim_write(&S, 1, b, 100), 100);
	sim_close(&S, 0, a);	/* nothing unread yet: FIN */
	sim_close(&S, 1, b);
	n = sim_pump(&S, 1000);
	/*
	 * data+FIN each way reach closed sockets: each is answered by one
	 * RST (as TCP does), RSTs are never answered: 8 messages, then quiet.
	 */
	T_EQ(n, 8);
	T_OK(S.rst_sent[0] <= 2 && S.rst_sent[1] <= 2);
	T_EQ(S.q[0].count + S.q[1].count, 0);
	T_SIM_OK(&S);
}

static void t_close_with_unread_resets(void)
{
	int a, b;

	establish(&S, &a, &b, false, false, 4096, 4096);
	T_REQUIRE(a >= 0 && b >= 0);
	T_EQ(sim_write(&S, 0, a, 100), 100);
	sim_pump(&S, 10);
	sim_close(&S, 1, b);	/* 100 bytes unread: RST, as TCP */
	sim_pump(&S, 10);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[0].s[a].c.err, -ECONNRESET);
	T_EQ(argo_proto_tx_check(&S.e[0].s[a].c), -ECONNRESET);
	T_SIM_OK(&S);
}

static void t_refused(void)
{
	int a;

	sim_init(&S, false, false, 4096, 4096);
	S.e[1].listening = false;
	a = sim_connect(&S, 0);
	sim_pump(&S, 10);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[0].s[a].c.err, -ECONNREFUSED);
	T_EQ(argo_proto_tx_check(&S.e[0].s[a].c), -ECONNREFUSED);
	/* Listening but backlog full: refused as well. */
	S.e[1].listening = true;
	S.e[1].backlog_full = true;
	a = sim_connect(&S, 0);
	sim_pump(&S, 10);
	T_EQ(S.e[0].s[a].c.err, -ECONNREFUSED);
	T_SIM_OK(&S);
}

static void t_rst_during_connect(void)
{
	int a;
	u8 b[16];
	u32 n;

	sim_init(&S, false, false, 4096, 4096);
	a = sim_connect(&S, 0);
	T_EQ(argo_proto_tx_check(&S.e[0].s[a].c), -ENOTCONN);
	n = argo_proto_build_rst(S.e[0].s[a].c.conid, b);
	sim_inject(&S, 0, b, n);
	sim_step(&S, 0);	/* RST arrives before the ACK */
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[0].s[a].c.err, -ECONNREFUSED);
	/* The server's ACK then hits a dead conid: answered with RST. */
	sim_pump(&S, 10);
	T_EQ(S.rst_sent[0], 1);
	T_EQ(S.e[1].s[0].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[1].s[0].c.err, -ECONNRESET);
	T_EQ(S.q[0].count + S.q[1].count, 0);
	/* Closing while SYN_SENT: RST. */
	a = sim_connect(&S, 0);
	sim_close(&S, 0, a);
	sim_pump(&S, 10);
	T_EQ(S.q[0].count + S.q[1].count, 0);
	T_SIM_OK(&S);
}

static void t_rst_storm(void)
{
	int a, b, i;
	u8 m[16];
	uint64_t seed = 3;

	establish(&S, &a, &b, false, false, 4096, 4096);
	T_REQUIRE(a >= 0 && b >= 0);
	for (i = 0; i < 500; i++) {
		u32 conid = (u32)tb_rand(&seed) | 0x10000;	/* unknown */

		sim_inject(&S, i & 1, m, argo_proto_build_rst(conid, m));
	}
	sim_pump(&S, 10000);
	T_EQ(S.rst_sent[0] + S.rst_sent[1], 0);	/* never RST for RST */
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_ESTABLISHED);
	/* RSTs for the live conid: it resets once, later ones are dropped */
	for (i = 0; i < 50; i++)
		sim_inject(&S, 1, m, argo_proto_build_rst(S.e[1].s[b].c.conid, m));
	sim_pump(&S, 1000);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[1].s[b].c.err, -ECONNRESET);
	T_EQ(S.rst_sent[0] + S.rst_sent[1], 0);
	T_EQ(S.q[0].count + S.q[1].count, 0);
	T_SIM_OK(&S);
}

static void t_unknown_conids(void)
{
	u8 m[16];
	u32 ext[2] = { 4096, 0 };
	u32 before;

	sim_init(&S, false, false, 4096, 4096);
	S.e[1].listening = false;
	sim_inject(&S, 1, m, mk(m, 0, 0xdead, NULL, 0));	/* data */
	sim_inject(&S, 1, m, mk(m, ARGO_PROTO_FIN, 0xdead, NULL, 0));
	sim_inject(&S, 1, m, mk(m, ARGO_PROTO_CREDIT, 0xdead, ext, 2));
	sim_inject(&S, 1, m, mk(m, ARGO_PROTO_ACK, 0xdead, NULL, 0));
	sim_inject(&S, 1, m, mk(m, ARGO_PROTO_SYN, 0xdead, NULL, 0));
	sim_inject(&S, 1, m, mk(m, ARGO_PROTO_RST, 0xdead, NULL, 0));
	sim_inject(&S, 1, m, mk(m, 0x40, 0xdead, NULL, 0));	/* bad */
	before = S.parse_errors;
	sim_pump(&S, 100);
	/* Five RSTs (not for the RST, not for the unparsable one). */
	T_EQ(S.rst_sent[1], 5);
	T_EQ(S.parse_errors - before, 1);
	T_EQ(S.rst_sent[0], 0);
	T_SIM_OK(&S);
}

static void t_duplicate_syn(void)
{
	int a, b, c2;
	u8 m[16];
	u32 n;

	establish(&S, &a, &b, false, false, 4096, 4096);
	T_REQUIRE(a >= 0 && b >= 0);
	/* The same SYN again on a live connection: protocol violation. */
	n = argo_proto_build_syn(&S.e[0].s[a].c, m);
	sim_inject(&S, 1, m, n);
	sim_pump(&S, 100);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[1].s[b].c.err, -ECONNRESET);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_CLOSED);	/* got the RST */
	T_EQ(S.e[0].s[a].c.err, -ECONNRESET);
	T_EQ(S.q[0].count + S.q[1].count, 0);
	/* Two SYNs with distinct conids: two connections. */
	c2 = sim_connect(&S, 0);
	T_OK(sim_connect(&S, 0) >= 0);
	sim_pump(&S, 100);
	T_EQ(S.e[0].s[c2].c.state, ARGO_PS_ESTABLISHED);
	T_SIM_OK(&S);
}

static void t_data_before_ack(void)
{
	int a;
	u8 m[32];
	u32 n;

	sim_init(&S, false, false, 4096, 4096);
	a = sim_connect(&S, 0);
	n = mk(m, 0, S.e[0].s[a].c.conid, (u32[]){ 1, 2 }, 2);
	sim_inject(&S, 0, m, n);
	sim_step(&S, 0);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[0].s[a].c.err, -ECONNRESET);
	T_EQ(S.e[0].s[a].rx_seen, 0);
	T_EQ(S.rst_sent[0], 1);
	sim_pump(&S, 100);
	T_EQ(S.q[0].count + S.q[1].count, 0);
	T_SIM_OK(&S);
}

static void t_credit_flow(void)
{
	int a, b, i;
	u32 w = ARGO_PROTO_WINDOW_MIN, total = 0;

	establish(&S, &a, &b, false, false, 4096, w);
	T_REQUIRE(a >= 0 && b >= 0);
	T_EQ(argo_proto_tx_space(&S.e[0].s[a].c), w);
	while (sim_write(&S, 0, a, 300))
		;
	T_EQ(S.e[0].s[a].tx_written, w);
	T_EQ(argo_proto_tx_space(&S.e[0].s[a].c), 0);
	/* A failed send gives its credit back. */
	argo_proto_tx_cancel(&S.e[0].s[a].c, 300);
	T_EQ(argo_proto_tx_space(&S.e[0].s[a].c), 300);
	argo_proto_tx_sent(&S.e[0].s[a].c, 300);
	sim_pump(&S, 100);
	/* Reading less than half a window sends no CREDIT. */
	T_EQ(sim_read(&S, 1, b, w / 2 - 1), w / 2 - 1);
	T_OK(!argo_proto_credit_due(&S.e[1].s[b].c));
	T_EQ(S.q[0].count, 0);
	T_EQ(sim_read(&S, 1, b, 1), 1);
	T_EQ(S.q[0].count, 1);
	sim_pump(&S, 10);
	T_EQ(argo_proto_tx_space(&S.e[0].s[a].c), w / 2);
	/* A long random transfer never overruns the window. */
	for (i = 0; i < 20000; i++) {
		total += sim_write(&S, 0, a, (u32)(i * 37) % 700);
		if (i % 3)
			sim_step(&S, 1);
		if (i % 5 == 0)
			sim_read(&S, 1, b, (u32)(i * 13) % 900);
		sim_step(&S, 0);
		if (S.violation)
			break;
	}
	sim_pump(&S, 100000);
	sim_read(&S, 1, b, 0xffffffff);
	T_EQ(S.e[1].s[b].rx_seen, S.e[0].s[a].tx_written);
	T_OK(total > 100000);
	T_SIM_OK(&S);
}

static void t_credit_violations(void)
{
	int a, b;
	u8 m[600];
	u32 n;

	/* Data past the window resets. */
	establish(&S, &a, &b, false, false, 4096, ARGO_PROTO_WINDOW_MIN);
	T_REQUIRE(a >= 0 && b >= 0);
	T_EQ(sim_write(&S, 0, a, 512), 512);
	T_EQ(sim_write(&S, 0, a, 512), 512);
	n = mk(m, 0, S.e[0].s[a].c.conid, NULL, 0);
	memset(m + n, 0, 1);
	sim_inject(&S, 1, m, n + 1);	/* one byte too many */
	sim_pump(&S, 100);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[1].s[b].c.err, -ECONNRESET);
	T_EQ(S.e[1].s[b].rx_seen, 1024);

	/* A CREDIT for bytes never sent resets. */
	establish(&S, &a, &b, false, false, 4096, 4096);
	T_EQ(sim_write(&S, 0, a, 100), 100);
	n = mk(m, ARGO_PROTO_CREDIT, S.e[0].s[a].c.conid,
	       (u32[]){ 4096, 101 }, 2);
	sim_inject(&S, 0, m, n);
	sim_step(&S, 0);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[0].s[a].c.err, -ECONNRESET);

	/* A CREDIT for exactly what was sent is fine; window may shrink. */
	establish(&S, &a, &b, false, false, 4096, 4096);
	T_EQ(sim_write(&S, 0, a, 100), 100);
	n = mk(m, ARGO_PROTO_CREDIT, S.e[0].s[a].c.conid,
	       (u32[]){ 1024, 100 }, 2);
	sim_inject(&S, 0, m, n);
	sim_step(&S, 0);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_ESTABLISHED);
	T_EQ(argo_proto_tx_space(&S.e[0].s[a].c), 1024);
	/* A stale CREDIT (going backwards) is a violation too. */
	n = mk(m, ARGO_PROTO_CREDIT, S.e[0].s[a].c.conid,
	       (u32[]){ 1024, 50 }, 2);
	sim_inject(&S, 0, m, n);
	sim_step(&S, 0);
	T_EQ(S.e[0].s[a].c.err, -ECONNRESET);
}

/*
 * The race the lab found: the receiver's CREDIT reaches the sender, which
 * answers with data, before the receiver recorded the CREDIT as sent.
 */
static void t_credit_acted_on_before_recorded(void)
{
	int a, b, i;
	const u32 w = ARGO_PROTO_WINDOW_MIN;

	establish(&S, &a, &b, false, false, 4096, w);
	T_REQUIRE(a >= 0 && b >= 0);
	S.defer_credit[1] = true;
	for (i = 0; i < 200 && !S.violation; i++) {
		while (sim_write(&S, 0, a, 256))
			;
		sim_pump(&S, 100);
		/* b reads a window's worth: CREDIT sent, not yet recorded */
		T_EQ(sim_read(&S, 1, b, w), w);
		/* a gets the CREDIT, writes a full window, b receives it */
		sim_step(&S, 0);
		while (sim_write(&S, 0, a, 256))
			;
		sim_pump(&S, 100);
		T_EQ(S.e[1].s[b].c.state, ARGO_PS_ESTABLISHED);
		sim_credit_flush(&S, 1);
	}
	T_EQ(S.e[1].s[b].rx_seen, S.e[0].s[a].tx_written);
	T_OK(S.e[1].s[b].rx_seen > 100 * w);
	T_SIM_OK(&S);
}

/* Counters crossing 2^32 mid-transfer. */
static void t_credit_wrap(void)
{
	int a, b, i;
	const u32 base = 0xfffff000;

	establish(&S, &a, &b, false, false, 4096, 2048);
	T_REQUIRE(a >= 0 && b >= 0);
	S.e[0].s[a].c.tx_sent = S.e[0].s[a].c.peer_consumed = base;
	S.e[1].s[b].c.rx_queued = S.e[1].s[b].c.rx_consumed =
		S.e[1].s[b].c.rx_credited = base;
	for (i = 0; i < 5000 && !S.violation; i++) {
		sim_write(&S, 0, a, 100 + i % 400);
		sim_pump(&S, 10);
		sim_read(&S, 1, b, 50 + i % 500);
	}
	sim_pump(&S, 100);
	T_OK(S.e[0].s[a].c.tx_sent < base);	/* wrapped */
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_ESTABLISHED);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_ESTABLISHED);
	T_SIM_OK(&S);
}

static void legacy_pair(bool legacy_client)
{
	int a, b;

	establish(&S, &a, &b, legacy_client, !legacy_client, 4096, 4096);
	T_REQUIRE(a >= 0 && b >= 0);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_ESTABLISHED);
	T_EQ(S.e[0].s[a].c.ext, 0);
	T_EQ(S.e[1].s[b].c.ext, 0);
	/* No credit limit: only the ring's back-pressure. */
	T_EQ(argo_proto_tx_space(&S.e[0].s[a].c), ~0U);
	T_EQ(sim_write(&S, 0, a, 512), 512);
	T_EQ(sim_write(&S, 0, a, 512), 512);
	T_EQ(sim_write(&S, 0, a, 512), 512);
	sim_pump(&S, 100);
	T_EQ(S.e[1].s[b].rx_seen, 1536);
	sim_read(&S, 1, b, 1536);
	T_EQ(S.q[0].count, 0);		/* no CREDIT to a legacy peer */
	/* shutdown sends no FIN to a legacy peer */
	sim_shutdown(&S, 1, b);
	T_EQ(S.q[0].count, 0);
	T_EQ(argo_proto_tx_check(&S.e[1].s[b].c), -EPIPE);
	/* close is an RST, which the other side reads as EOF */
	sim_close(&S, 1, b);
	sim_pump(&S, 10);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[0].s[a].c.err, 0);
	T_OK(argo_proto_rx_eof(&S.e[0].s[a].c));
	T_EQ(argo_proto_tx_check(&S.e[0].s[a].c), -EPIPE);
	/* FIN or CREDIT from a legacy peer is a violation */
	establish(&S, &a, &b, legacy_client, !legacy_client, 4096, 4096);
	{
		u8 m[16];

		sim_inject(&S, 1, m, mk(m, ARGO_PROTO_FIN,
					S.e[0].s[a].c.conid, NULL, 0));
		sim_pump(&S, 10);
		T_EQ(S.e[1].s[b].c.err, -ECONNRESET);
	}
}

static void t_legacy_server(void)
{
	legacy_pair(false);
	T_SIM_OK(&S);
}

static void t_legacy_client(void)
{
	legacy_pair(true);
	T_SIM_OK(&S);
}

static void t_abort_and_states(void)
{
	unsigned long warn;
	struct argo_conn c;
	struct argo_pkt p = { .flags = ARGO_PROTO_CREDIT };

	memset(&c, 0, sizeof(c));
	T_EQ(argo_proto_tx_check(&c), -ENOTCONN);
	T_EQ(argo_proto_tx_space(&c), 0);
	T_EQ(argo_proto_abort(&c, -EPIPE), 0);	/* already closed */
	T_EQ(argo_proto_close(&c, false), ARGO_CLOSE_NOTHING);
	T_EQ(argo_proto_rx(&c, &p), ARGO_ACT_DROPPED);	/* late CREDIT */
	p.flags = 0;
	T_EQ(argo_proto_rx(&c, &p), ARGO_ACT_DROPPED | ARGO_ACT_SEND_RST);
	argo_proto_connect(&c, 1, 4096);
	T_EQ(argo_proto_abort(&c, -EHOSTDOWN) & ARGO_ACT_CLOSED,
	     ARGO_ACT_CLOSED);
	T_EQ(c.err, -EHOSTDOWN);
	T_EQ(argo_proto_tx_check(&c), -EHOSTDOWN);
	T_OK(argo_proto_rx_eof(&c));
	T_OK(!argo_proto_can_probe(&c));
	T_OK(!argo_proto_shutdown_wr(&c));
	T_OK(!argo_proto_shutdown_wr(&c));
	/* Consuming more than queued is clamped (and warns). */
	argo_proto_connect(&c, 1, 4096);
	warn = kshim_warnings;
	T_OK(!argo_proto_rx_consumed(&c, 10));
	T_EQ(c.rx_consumed, 0);
	T_EQ(kshim_warnings, warn + 1);
	/* FIN_WAIT close with unread data: RST. */
	{
		int a, b;

		establish(&S, &a, &b, false, false, 4096, 4096);
		sim_write(&S, 1, b, 10);
		sim_shutdown(&S, 0, a);
		sim_pump(&S, 10);
		T_EQ(argo_proto_close(&S.e[0].s[a].c, true), ARGO_CLOSE_RST);
		T_SIM_OK(&S);
	}
}

/* What the peer may still send after its FIN, and zero-length data. */
static void t_close_wait_rx(void)
{
	int a, b;
	u8 m[16];

	establish(&S, &a, &b, false, false, 4096, 4096);
	T_REQUIRE(a >= 0 && b >= 0);
	/* Zero-length data is a no-op. */
	sim_inject(&S, 1, m, mk(m, 0, S.e[0].s[a].c.conid, NULL, 0));
	T_EQ(sim_pump(&S, 10), 1);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_ESTABLISHED);
	sim_shutdown(&S, 0, a);
	sim_pump(&S, 10);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_CLOSE_WAIT);
	/* Data after the FIN: reset. */
	sim_inject(&S, 1, m, mk(m, 0, S.e[0].s[a].c.conid, (u32[]){ 7 }, 1));
	sim_pump(&S, 10);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[1].s[b].c.err, -ECONNRESET);
	T_EQ(S.e[0].s[a].c.err, -ECONNRESET);	/* got the RST */
	/* An RST in CLOSE_WAIT. */
	establish(&S, &a, &b, false, false, 4096, 4096);
	sim_shutdown(&S, 0, a);
	sim_pump(&S, 10);
	sim_inject(&S, 1, m, argo_proto_build_rst(S.e[0].s[a].c.conid, m));
	sim_pump(&S, 10);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_CLOSED);
	T_EQ(S.e[1].s[b].c.err, -ECONNRESET);
	T_EQ(S.rst_sent[1], 0);
	/* shutdown of an aborted ARG1 connection sends nothing. */
	establish(&S, &a, &b, false, false, 4096, 4096);
	sim_abort(&S, 0, a, -EHOSTDOWN);
	T_OK(!argo_proto_shutdown_wr(&S.e[0].s[a].c));
	T_EQ(argo_proto_tx_check(&S.e[0].s[a].c), -EPIPE);
}

/* A connection kept in the table after it ended (until close()). */
static void t_closed_conn_still_routed(void)
{
	int a, b;
	u8 m[16];
	u32 conid;

	sim_init(&S, false, false, 4096, 4096);
	S.route_closed = true;
	a = sim_connect(&S, 0);
	sim_pump(&S, 10);
	b = sim_find(&S, 1, S.e[0].s[a].c.conid);
	T_REQUIRE(a >= 0 && b >= 0);
	conid = S.e[0].s[a].c.conid;
	sim_abort(&S, 0, a, -EHOSTDOWN);
	T_EQ(sim_find(&S, 0, conid), a);
	/* RST and CREDIT are dropped quietly, anything else gets an RST. */
	sim_inject(&S, 0, m, argo_proto_build_rst(conid, m));
	sim_inject(&S, 0, m, mk(m, ARGO_PROTO_CREDIT, conid,
				(u32[]){ 4096, 0 }, 2));
	T_EQ(sim_pump(&S, 10), 2);
	T_EQ(S.rst_sent[0], 0);
	T_EQ(S.e[0].s[a].c.err, -EHOSTDOWN);
	sim_inject(&S, 0, m, mk(m, 0, conid, (u32[]){ 1 }, 1));
	sim_inject(&S, 0, m, mk(m, ARGO_PROTO_FIN, conid, NULL, 0));
	sim_step(&S, 0);
	sim_step(&S, 0);
	T_EQ(S.rst_sent[0], 2);
	T_EQ(S.e[0].s[a].rx_seen, 0);
	sim_pump(&S, 10);
	T_EQ(S.e[1].s[b].c.err, -ECONNRESET);
	T_SIM_OK(&S);
}

static void t_keepalive_probe(void)
{
	int a, b;

	establish(&S, &a, &b, false, false, 4096, 4096);
	T_REQUIRE(a >= 0 && b >= 0);
	sim_probe(&S, 0, a);
	sim_probe(&S, 1, b);
	T_EQ(sim_pump(&S, 10), 2);
	T_EQ(S.e[0].s[a].c.state, ARGO_PS_ESTABLISHED);
	T_EQ(S.e[1].s[b].c.state, ARGO_PS_ESTABLISHED);
	/* A probe after both FINs (late CREDIT on a closed conn): dropped. */
	sim_shutdown(&S, 0, a);
	sim_probe(&S, 0, a);
	sim_pump(&S, 10);
	sim_probe(&S, 1, b);
	sim_shutdown(&S, 1, b);
	sim_pump(&S, 10);
	T_EQ(S.e[0].s[a].c.err, 0);
	T_EQ(S.e[1].s[b].c.err, 0);
	T_SIM_OK(&S);
}

/*
 * Random honest conversations: whatever the interleaving of connects,
 * writes, reads, shutdowns, closes and deliveries, once both applications
 * have read everything and closed, the queues drain, and on every
 * connection that saw no RST each side received exactly what the other
 * wrote.
 */
static void t_random_honest_runs(void)
{
	uint64_t seed = 1;
	unsigned int run, checked = 0, lossless = 0;

	for (run = 0; run < 3000 && !t_case_failures(); run++) {
		unsigned int i, step;
		bool leg = run % 5 == 1, leg_srv = run % 5 == 2;

		sim_init(&S, leg, leg_srv, 1024 + (run % 4) * 1000,
			 1024 + (run % 3) * 3000);
		S.defer_credit[0] = run % 7 == 3;
		S.defer_credit[1] = run % 3 == 1;
		for (step = 0; step < 300; step++) {
			uint64_t r = tb_rand(&seed);
			int e = r & 1, k = (r >> 1) % SIM_CONNS;
			u32 n = (u32)(r >> 8) % 700;

			switch ((r >> 4) % 16) {
			case 0:
				if (!e && S.e[0].next_conid < 0x100 + SIM_CONNS)
					sim_connect(&S, 0);
				break;
			case 1: case 2: case 3:
				sim_write(&S, e, k, n);
				break;
			case 4: case 5: case 6:
				sim_read(&S, e, k, n);
				break;
			case 7:
				if (!(r & 0x7000))
					sim_shutdown(&S, e, k);
				break;
			case 8:
				if (!(r & 0xf000))
					sim_close(&S, e, k);
				break;
			case 9:
				sim_credit_flush(&S, e);
				break;
			default:
				sim_step(&S, e);
				break;
			}
		}
		/* The applications drain and close everything. */
		for (i = 0; i < 4; i++) {
			for (step = 0; step < SIM_CONNS; step++) {
				sim_read(&S, 0, step, ~0U);
				sim_read(&S, 1, step, ~0U);
				if (i == 1) {
					sim_shutdown(&S, 0, step);
					sim_shutdown(&S, 1, step);
				}
				if (i == 3) {
					sim_close(&S, 0, step);
					sim_close(&S, 1, step);
				}
			}
			T_OK(sim_pump(&S, 100000) < 100000);
		}
		T_EQ(S.q[0].count + S.q[1].count, 0);
		T_SIM_OK(&S);
		for (i = 0; i < SIM_CONNS; i++) {
			struct sim_sock *a = &S.e[0].s[i];
			int j;

			if (!a->c.conid || sim_rst_seen(&S, a->c.conid))
				continue;
			for (j = 0; j < SIM_CONNS; j++) {
				struct sim_sock *b = &S.e[1].s[j];

				if (!b->accepted || b->c.conid != a->c.conid)
					continue;
				checked++;
				T_EQ(b->rx_seen, a->tx_written);
				T_EQ(a->rx_seen, b->tx_written);
				if (a->tx_written || b->tx_written)
					lossless++;
			}
		}
	}
	t_diag("%u connections closed without RST, %u of them carried data",
	       checked, lossless);
	T_OK(lossless > 500);
}

static void t_no_warnings(void)
{
	T_EQ(kshim_warnings, 1);
}

int main(void)
{
	t_case("proto: parse accepts/refuses each packet shape", t_parse);
	t_case("proto: builders round-trip through parse", t_builders_roundtrip);
	t_case("proto: setup, data both ways, orderly close",
	       t_setup_data_orderly_close);
	t_case("proto: half-close", t_half_close);
	t_case("proto: simultaneous shutdown (FINs cross)",
	       t_simultaneous_shutdown);
	t_case("proto: simultaneous close is quiet and bounded",
	       t_simultaneous_close);
	t_case("proto: close with unread data resets the peer",
	       t_close_with_unread_resets);
	t_case("proto: refused (not listening, backlog full)", t_refused);
	t_case("proto: RST during connect", t_rst_during_connect);
	t_case("proto: RST storm", t_rst_storm);
	t_case("proto: unknown conids", t_unknown_conids);
	t_case("proto: duplicate SYN", t_duplicate_syn);
	t_case("proto: data before ACK", t_data_before_ack);
	t_case("proto: credit flow control", t_credit_flow);
	t_case("proto: credit violations reset", t_credit_violations);
	t_case("proto: credit counters wrap at 2^32", t_credit_wrap);
	t_case("proto: CREDIT acted on before credit_sent() (lab race)",
	       t_credit_acted_on_before_recorded);
	t_case("proto: legacy (OpenXT) server", t_legacy_server);
	t_case("proto: legacy (OpenXT) client", t_legacy_client);
	t_case("proto: abort, closed-state answers", t_abort_and_states);
	t_case("proto: keep-alive CREDIT probes", t_keepalive_probe);
	t_case("proto: CLOSED connection still routed",
	       t_closed_conn_still_routed);
	t_case("proto: CLOSE_WAIT receive, zero-length data",
	       t_close_wait_rx);
	t_case("proto: random honest runs lose no data without an RST",
	       t_random_honest_runs);
	/* Only the deliberate misuse above may WARN. */
	t_case("proto: no other WARN_ON fired", t_no_warnings);
	return t_done();
}
