/*
 * live.c - the live capture source: one AF_PACKET TPACKET_V3 ring per
 * interface (afpacket.c), all polled together, frames merged by kernel
 * timestamp.
 *
 * Each ring keeps one pending frame (valid until that ring is read again,
 * as in file.c); next() hands out the oldest pending frame. Merging is
 * best effort: a ring's block is only seen once the kernel retires it, so
 * frames of two interfaces within one block timeout of each other may come
 * out of order. When no ring has anything, next() waits in poll() for at
 * most poll_ms and then returns SOURCE_TIMEOUT, so the run loop can print
 * status, check --duration and notice signals (poll() returns at once on
 * a signal).
 */
#include "capture/live.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "capture/ifinfo.h"

struct live_input {
	struct afp_ring *ring;   /* the interface's ring */
	struct afp_frame pend;   /* its oldest unread frame */
	bool has_pend;           /* pend is filled */
};

struct live_state {
	struct live_input in[SOURCE_MAX_INPUTS];   /* one per interface */
	struct afp_ring *rings[SOURCE_MAX_INPUTS]; /* the same rings, for afp_poll() */
	int poll_ms;                               /* wait before SOURCE_TIMEOUT */
};

void live_opts_default(struct live_opts *o)
{
	memset(o, 0, sizeof *o);
	o->bpf = NULL;
	o->dir = AFP_DIR_BOTH;
	o->promisc = true;
	o->ignore_outgoing = false;
	o->ring_mb = 16;
	o->block_timeout_ms = 10;
	o->poll_ms = LIVE_POLL_MS;
}

/* Fill the pending slots; index of the oldest pending frame, or -1. */
static int live_oldest(struct source *s, struct live_state *st)
{
	int best = -1;
	for (unsigned i = 0; i < s->ninputs; i++) {
		struct live_input *li = &st->in[i];
		if (!li->has_pend)
			li->has_pend = afp_next(li->ring, &li->pend) == 1;
		if (!li->has_pend)
			continue;
		if (best < 0 || li->pend.ts_ns < st->in[best].pend.ts_ns)
			best = (int)i;
	}
	return best;
}

static enum source_status live_next(struct source *s, struct packet *pkt)
{
	struct live_state *st = s->priv;
	int best = live_oldest(s, st);

	if (best < 0) {
		int rc = afp_poll(st->rings, s->ninputs, st->poll_ms);
		if (rc < 0) {
			snprintf(s->err, sizeof s->err, "poll: %s", strerror(errno));
			return SOURCE_ERROR;
		}
		if (rc == 0)
			return SOURCE_TIMEOUT;
		best = live_oldest(s, st);
		if (best < 0)
			return SOURCE_TIMEOUT;
	}
	struct live_input *li = &st->in[best];
	memset(pkt, 0, sizeof *pkt);
	pkt->data = li->pend.data;
	pkt->caplen = li->pend.caplen;
	pkt->wirelen = li->pend.wirelen < li->pend.caplen ? li->pend.caplen : li->pend.wirelen;
	pkt->ts_ns = li->pend.ts_ns;
	pkt->source = (uint16_t)best;
	pkt->linktype = DLT_EN10MB;
	li->has_pend = false;
	s->in[best].packets++;
	s->in[best].bytes += pkt->wirelen;
	return SOURCE_OK;
}

static void live_refresh(struct source *s)
{
	struct live_state *st = s->priv;
	struct afp_stats as;

	for (unsigned i = 0; i < s->ninputs; i++) {
		afp_stats(st->in[i].ring, &as);
		s->in[i].kernel_drops = as.kernel_drops;
		s->in[i].kernel_freeze = as.kernel_freezes;
	}
}

static void live_close(struct source *s)
{
	struct live_state *st = s->priv;
	if (!st)
		return;
	for (unsigned i = 0; i < SOURCE_MAX_INPUTS; i++)
		afp_close(st->in[i].ring);
	free(st);
	s->priv = NULL;
}

static const struct source_ops live_ops = {
	.next = live_next,
	.refresh_stats = live_refresh,
	.close = live_close,
};

int source_live_open(struct source *s, const char *const *ifnames, unsigned n,
		     const struct live_opts *opts, char *errbuf)
{
	struct live_opts def;

	memset(s, 0, sizeof *s);
	if (!opts) {
		live_opts_default(&def);
		opts = &def;
	}
	if (n == 0 || n > SOURCE_MAX_INPUTS) {
		snprintf(errbuf, SOURCE_ERRBUF, "between 1 and %d interfaces, not %u",
			 SOURCE_MAX_INPUTS, n);
		s->err_usage = true;
		errno = EINVAL;
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(ifnames[i], ifnames[j])) {
				snprintf(errbuf, SOURCE_ERRBUF, "interface '%s' given twice", ifnames[i]);
				s->err_usage = true;
				errno = EINVAL;
				return -1;
			}
	struct live_state *st = calloc(1, sizeof *st);
	if (!st) {
		snprintf(errbuf, SOURCE_ERRBUF, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	s->priv = st;
	s->ops = &live_ops;
	st->poll_ms = opts->poll_ms > 0 ? opts->poll_ms : LIVE_POLL_MS;

	struct afp_opts ao;
	afp_opts_default(&ao);
	ao.dir = opts->dir;
	ao.promisc = opts->promisc;
	ao.ignore_outgoing = opts->ignore_outgoing;
	ao.bpf = opts->bpf;
	if (opts->block_timeout_ms)
		ao.timeout_ms = opts->block_timeout_ms;
	uint32_t ring_mb = opts->ring_mb ? opts->ring_mb : 16;
	if (ring_mb > 4096)
		ring_mb = 4096;
	/* 1 MiB blocks; a small ring gets smaller blocks so it keeps 8 of them. */
	ao.block_size = 1u << 20;
	ao.block_count = ring_mb;
	while (ao.block_count < 8 && ao.block_size > 64u * 1024) {
		ao.block_size /= 2;
		ao.block_count *= 2;
	}

	for (unsigned i = 0; i < n; i++) {
		char err[SOURCE_ERRBUF];
		struct afp_ring *r = afp_open(ifnames[i], &ao, err, sizeof err);
		s->ninputs = i + 1;
		snprintf(s->in[i].name, sizeof s->in[i].name, "%s", ifnames[i]);
		if (!r) {
			int e = errno;
			snprintf(errbuf, SOURCE_ERRBUF, "%s", err);
			s->err_noinput = e == ENODEV;
			s->err_usage = e == EINVAL;
			live_close(s);
			s->ops = NULL;
			errno = e;
			return -1;
		}
		st->in[i].ring = r;
		st->rings[i] = r;
		s->in[i].linktype = DLT_EN10MB;
		s->in[i].snaplen = afp_snaplen(r);
		s->in[i].live = true;
		s->in[i].link_speed_mbps = ifinfo_link_speed_mbps(ifnames[i]);
	}
	return 0;
}
