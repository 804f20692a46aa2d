/*
 * source.h - where packets come from: files or live interfaces.
 *
 * Each capture mechanism is one file behind this small table of
 * operations (as libpcap does it): file.c (pcap / pcapng / stdin through
 * libpcap, several files merged by timestamp) and live.c (AF_PACKET
 * TPACKET_V3 rings). The pipeline only sees struct source.
 */
#ifndef MS_CAPTURE_SOURCE_H
#define MS_CAPTURE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/packet.h"

#define SOURCE_MAX_INPUTS 16   /* files or interfaces in one run */
#define SOURCE_ERRBUF 256

enum source_status {
	SOURCE_OK = 0,       /* *pkt holds the next packet */
	SOURCE_EOF = 1,      /* no more packets (files) */
	SOURCE_TIMEOUT = 2,  /* nothing arrived in time (live) or interrupted */
	SOURCE_ERROR = -1,   /* see source.err */
};

/* Counters of one input (file or interface), kept by the source. */
struct source_input_stats {
	char name[64];           /* file name or interface name */
	int linktype;            /* DLT_* */
	uint32_t snaplen;
	uint64_t packets;        /* handed to the pipeline */
	uint64_t bytes;          /* wire bytes handed on */
	uint64_t kernel_drops;   /* live: dropped by the kernel ring */
	uint64_t kernel_freeze;  /* live: ring queue freezes */
	uint64_t link_speed_mbps;/* live: from ethtool, 0 if unknown */
	bool live;
};

struct source;

struct source_ops {
	/* Fill *pkt with the next packet (raw part only). */
	enum source_status (*next)(struct source *s, struct packet *pkt);
	/* Refresh the per-input counters (kernel drops for live). */
	void (*refresh_stats)(struct source *s);
	void (*close)(struct source *s);
};

struct source {
	const struct source_ops *ops;
	struct source_input_stats in[SOURCE_MAX_INPUTS];
	unsigned ninputs;
	char err[SOURCE_ERRBUF]; /* last input error (truncated file, ...) */
	unsigned nerrors;        /* inputs that ended with an error */
	bool err_noinput;        /* open failed: input missing (exit 66) */
	bool err_usage;          /* open failed: bad filter / options (exit 64) */
	void *priv;              /* mechanism's own state */
};

/* Open one or more files ("-" is stdin), merged by timestamp. BPF filter
 * optional (NULL). Returns 0, or -1 with the reason in errbuf. */
int source_file_open(struct source *s, const char *const *paths, unsigned n,
		     const char *bpf, char *errbuf);

static inline enum source_status source_next(struct source *s, struct packet *p)
{
	return s->ops->next(s, p);
}

static inline void source_close(struct source *s)
{
	if (s->ops)
		s->ops->close(s);
	s->ops = NULL;
}

#endif
