/*
 * live.h - live capture on one or more interfaces (AF_PACKET TPACKET_V3
 * rings, see afpacket.h) behind the struct source interface of source.h.
 */
#ifndef MS_CAPTURE_LIVE_H
#define MS_CAPTURE_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/afpacket.h"
#include "capture/source.h"

#define LIVE_POLL_MS 100 /* next() returns SOURCE_TIMEOUT after this long quiet */

struct live_opts {
	const char *bpf;          /* libpcap filter, NULL = everything */
	enum afp_dir dir;         /* rx / tx / both (default both) */
	bool promisc;             /* promiscuous mode (default on) */
	bool ignore_outgoing;     /* skip this host's own transmissions */
	uint32_t ring_mb;         /* ring per interface in MiB (default 16) */
	uint32_t block_timeout_ms;/* ring block retire timeout (default 10) */
	int poll_ms;              /* wait in next() before SOURCE_TIMEOUT (default LIVE_POLL_MS) */
};

void live_opts_default(struct live_opts *o);

/*
 * Open rings on ifnames[0..n) (at most SOURCE_MAX_INPUTS), polled together;
 * next() hands out the oldest frame among the rings and returns
 * SOURCE_TIMEOUT when nothing arrived within poll_ms or a signal came.
 * Kernel drops and freezes reach source_input_stats through refresh_stats.
 * Returns 0, or -1 with the reason in errbuf and s->err_noinput (no such
 * interface) / s->err_usage (bad filter or options) set; errno tells the
 * kind as for afp_open() (EPERM: needs root or CAP_NET_RAW).
 */
int source_live_open(struct source *s, const char *const *ifnames, unsigned n,
		     const struct live_opts *opts, char *errbuf);

#endif
