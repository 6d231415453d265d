// SPDX-License-Identifier: GPL-2.0
/*
 * xm-trace.c - run a ring scenario on the Xen model and print every result
 * and the ring's bytes, so that the same scenario run on the real
 * hypervisor (in the lab, by a program that reads the same script and
 * prints the same lines) can be compared with diff: "same inputs, same
 * ring bytes".
 *
 * Script (stdin), one command per line, '#' comments:
 *   ring LEN [PARTNER|any]   dom 0 registers port 1 (partner: dom 1), after
 *                            unregistering the previous ring
 *   send LEN [TYPE [NIOV]]   dom 1, port 7 -> dom 0 port 1; payload byte i of
 *                            message n is (n * 13 + i) & 0xff
 *   recv                     dom 0 consumes one message (prints its header)
 *   setrx OFF | settx OFF    dom 0 writes its ring header (garbage tests)
 *   reregister               dom 0 registers the same ring again
 *   notify SPACE             dom 1 asks about dom 0 port 1 (prints flags)
 *   rxnotify                 dom 0 notifies (prints VIRQs raised at dom 1)
 *   dump                     rx_ptr, tx_ptr and the ring's bytes (hex)
 * Output: one line per command.
 *
 * "xm-trace -s DOMID" gives dom 1 the id DOMID (the trace's partner 1 means
 * it too), so that the output can be compared byte for byte with the real
 * Xen's (tests/lab/xen-model.sh), where the sending guest's id is whatever
 * the toolstack gave it and appears in every message header.
 */
#include "testbed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct xm_config cfg = { .argo = true, .mac_permissive = true };

int main(int argc, char **argv)
{
	struct xm *xm;
	struct tb_ring r = { 0 };
	uint16_t sender = 1, partner;
	char line[256];
	unsigned int seq = 0, lineno = 0;
	static uint8_t buf[XM_MAX_RING_SIZE];
	int opt;

	while ((opt = getopt(argc, argv, "s:")) != -1) {
		unsigned long id = opt == 's' ? strtoul(optarg, NULL, 0) : 0;

		if (opt != 's' || !id || id >= XM_DOMID_ANY) {
			fprintf(stderr, "usage: xm-trace [-s SENDER_DOMID] < TRACE\n");
			return 2;
		}
		sender = (uint16_t)id;
	}
	partner = sender;
	xm = xm_new(&cfg);
	xm_domain_create(xm, 0, 0, NULL, NULL);
	xm_domain_create(xm, sender, 0, NULL, NULL);
	while (fgets(line, sizeof(line), stdin)) {
		char cmd[32], a1[32] = "", a2[32] = "", a3[32] = "";
		int n;

		lineno++;
		n = sscanf(line, "%31s %31s %31s %31s", cmd, a1, a2, a3);
		if (n < 1 || cmd[0] == '#')
			continue;
		if (!strcmp(cmd, "ring")) {
			struct xm_unregister_ring u = { .aport = 1,
							.partner_id = partner };

			/* A new ring replaces the old one (never freed while
			 * registered). */
			if (r.mem)
				xm_unregister_ring(xm, 0, &u);
			tb_ring_free(&r);
			if (n > 2)
				partner = !strcmp(a2, "any") ? XM_DOMID_ANY :
					  (uint16_t)strtoul(a2, NULL, 0);
			if (n > 2 && partner == 1)
				partner = sender;
			tb_ring_alloc(&r, (uint32_t)strtoul(a1, NULL, 0));
			printf("ring %u partner %u -> %ld\n", r.len, partner,
			       tb_register(xm, 0, &r, 1, partner));
		} else if (!strcmp(cmd, "reregister")) {
			long rc = tb_register(xm, 0, &r, 1, partner);

			printf("reregister -> %ld tx_ptr %u\n", rc,
			       tb_hdr(&r)->tx_ptr);
		} else if (!strcmp(cmd, "send")) {
			uint32_t len = (uint32_t)strtoul(a1, NULL, 0), i, per;
			uint32_t type = n > 2 ? (uint32_t)strtoul(a2, NULL, 0) : 0;
			unsigned long niov = n > 3 ? strtoul(a3, NULL, 0) : 1;
			struct xm_iov iov[XM_MAXIOV + 1];
			struct xm_send_addr a = { .src = { 7, sender, 0 },
						  .dst = { 1, 0, 0 } };
			long rc;

			if (len > sizeof(buf) || niov > XM_MAXIOV + 1 || !niov) {
				printf("line %u: bad send\n", lineno);
				continue;
			}
			for (i = 0; i < len; i++)
				buf[i] = (uint8_t)(seq * 13 + i);
			per = len / niov;
			for (i = 0; i < niov; i++) {
				iov[i].base = buf + i * per;
				iov[i].len = i + 1 == niov ? len - i * per : per;
				iov[i].pad = 0;
			}
			rc = xm_sendv(xm, sender, &a, iov, niov, type);
			if (rc >= 0)
				seq++;
			printf("send %u type %#x niov %lu -> %ld tx_ptr %u\n", len,
			       type, niov, rc, r.mem ? tb_hdr(&r)->tx_ptr : 0);
		} else if (!strcmp(cmd, "recv")) {
			struct xm_msg_hdr mh;
			long rc = r.mem ? tb_recv(&r, &mh, buf, sizeof(buf)) :
				  -ENOENT;

			if (rc < 0)
				printf("recv -> %ld\n", rc);
			else
				printf("recv -> %ld len %u src %u:%u type %#x rx_ptr %u\n",
				       rc, mh.len, mh.source.domain_id,
				       mh.source.aport, mh.message_type,
				       tb_hdr(&r)->rx_ptr);
		} else if (!strcmp(cmd, "setrx") || !strcmp(cmd, "settx")) {
			uint32_t v = (uint32_t)strtoul(a1, NULL, 0);

			if (cmd[3] == 'r')
				tb_hdr(&r)->rx_ptr = v;
			else
				tb_hdr(&r)->tx_ptr = v;
			printf("%s %u\n", cmd, v);
		} else if (!strcmp(cmd, "notify")) {
			struct tb_rd q;
			long rc;

			TB_RD_INIT(q);
			q.rd->nent = 1;
			q.e[0].ring.aport = 1;
			q.e[0].ring.domain_id = 0;
			q.e[0].space_required = (uint32_t)strtoul(a1, NULL, 0);
			rc = xm_notify(xm, sender, q.rd);
			printf("notify %u -> %ld flags %#x max_message_size %u\n",
			       q.e[0].space_required, rc, q.e[0].flags,
			       q.e[0].max_message_size);
		} else if (!strcmp(cmd, "rxnotify")) {
			unsigned long before = xm_virq_count(xm, sender);
			long rc = xm_notify(xm, 0, NULL);

			printf("rxnotify -> %ld virqs to sender %lu\n", rc,
			       xm_virq_count(xm, sender) - before);
		} else if (!strcmp(cmd, "dump")) {
			uint32_t i;

			printf("dump rx_ptr %u tx_ptr %u\n", tb_hdr(&r)->rx_ptr,
			       tb_hdr(&r)->tx_ptr);
			for (i = 0; i < r.len; i += 16) {
				uint32_t j;

				printf("  %06x:", i);
				for (j = 0; j < 16; j++)
					printf(" %02x", r.mem[64 + i + j]);
				printf("\n");
			}
		} else {
			printf("line %u: unknown command %s\n", lineno, cmd);
		}
	}
	tb_ring_free(&r);
	xm_free(xm);
	return 0;
}
