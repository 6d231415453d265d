/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ping-proto.c - argo-ping's echo packet and its statistics.
 */
#include "config.h"

#include <endian.h>
#include <math.h>
#include <string.h>

#include "ping.h"

void ping_encode(void *buf, size_t len, const struct ping_hdr *h)
{
	unsigned char *p = buf;
	uint32_t w[4];
	uint64_t stamp = htole64(h->stamp_ns);
	size_t i;

	w[0] = htole32(h->magic);
	w[1] = htole32(h->type);
	w[2] = htole32(h->id);
	w[3] = htole32(h->seq);
	memcpy(p, w, sizeof(w));
	memcpy(p + sizeof(w), &stamp, sizeof(stamp));
	/* A recognisable filler, as ping(8) does, to spot corruption. */
	for (i = PING_HDR_LEN; i < len; i++)
		p[i] = (unsigned char)(i & 0xff);
}

int ping_decode(const void *buf, size_t len, struct ping_hdr *h)
{
	const unsigned char *p = buf;
	uint32_t w[4];
	uint64_t stamp;
	size_t i;

	if (len < PING_HDR_LEN)
		return -1;
	memcpy(w, p, sizeof(w));
	memcpy(&stamp, p + sizeof(w), sizeof(stamp));
	h->magic = le32toh(w[0]);
	h->type = le32toh(w[1]);
	h->id = le32toh(w[2]);
	h->seq = le32toh(w[3]);
	h->stamp_ns = le64toh(stamp);
	if (h->magic != PING_MAGIC ||
	    (h->type != PING_REQUEST && h->type != PING_REPLY))
		return -1;
	for (i = PING_HDR_LEN; i < len; i++)
		if (p[i] != (unsigned char)(i & 0xff))
			return -1;
	return 0;
}

void ping_stats_add(struct ping_stats *s, double rtt_ms)
{
	if (s->received == 0 || rtt_ms < s->min)
		s->min = rtt_ms;
	if (s->received == 0 || rtt_ms > s->max)
		s->max = rtt_ms;
	s->received++;
	s->sum += rtt_ms;
	s->sum2 += rtt_ms * rtt_ms;
}

double ping_stats_loss(const struct ping_stats *s)
{
	if (!s->sent)
		return 0.0;
	if (s->received >= s->sent)
		return 0.0;
	return 100.0 * (double)(s->sent - s->received) / (double)s->sent;
}

double ping_stats_avg(const struct ping_stats *s)
{
	return s->received ? s->sum / (double)s->received : 0.0;
}

double ping_stats_mdev(const struct ping_stats *s)
{
	double avg = ping_stats_avg(s), var;

	if (!s->received)
		return 0.0;
	var = s->sum2 / (double)s->received - avg * avg;
	return var > 0 ? sqrt(var) : 0.0;
}
