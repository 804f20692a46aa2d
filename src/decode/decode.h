/*
 * decode.h - the decoder stack: from the captured bytes, through every
 * mirror encapsulation, to the original frame and its inner layers.
 *
 * One decoder per file (eth.c, vlan.c, ipv4.c, gre.c, erspan.c, vxlan.c,
 * ...), all with the same signature, dispatched from decode.c. Malformed
 * input raises a named event (core/events.def) and the packet keeps what
 * could be decoded. Nesting depth is bounded (DECODE_MAX_DEPTH).
 */
#ifndef MS_DECODE_DECODE_H
#define MS_DECODE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "decode/packet.h"

#define DECODE_MAX_DEPTH 8        /* encapsulations peeled per packet */
#define DECODE_MAX_PORTS 8        /* configurable UDP ports per tunnel type */
#define DECODE_MAX_RSPAN 16       /* RSPAN VLANs to strip */
#define DECODE_MAX_LAYERS 48      /* headers read per packet, all kinds */
#define DECODE_MAX_MPLS 8         /* MPLS labels popped per frame */
#define DECODE_MAX_IP6_EXT 8      /* IPv6 extension headers per packet */
#define DECODE_FRAG_SLOTS 256     /* outer datagrams in reassembly */
#define DECODE_FRAG_MAX 65535     /* largest reassembled IP payload */
#define DECODE_FRAG_TIMEOUT_NS 1000000000ull /* 1 s of packet time */

struct decode_config {
	uint16_t vxlan_ports[DECODE_MAX_PORTS];  /* default {4789} */
	unsigned nvxlan_ports;
	uint16_t geneve_ports[DECODE_MAX_PORTS]; /* default {6081} */
	unsigned ngeneve_ports;
	uint16_t tzsp_ports[DECODE_MAX_PORTS];   /* default {37008} */
	unsigned ntzsp_ports;
	uint16_t rspan_vlans[DECODE_MAX_RSPAN];  /* stripped, transport RSPAN */
	unsigned nrspan_vlans;
	bool reassemble_outer;                   /* rebuild fragmented tunnels (default on) */
};

struct decoder; /* opaque: config, counters, fragment table, buffers */

void decode_config_default(struct decode_config *cfg);

/* Events are counted into *events (owned by the caller). NULL on OOM. */
struct decoder *decoder_new(const struct decode_config *cfg,
			    struct event_counts *events);
void decoder_free(struct decoder *d);

/*
 * Decode pkt (raw part filled by the capture). Returns true when the packet
 * should go on through the pipeline, false when it was consumed (an outer
 * fragment held for reassembly). A packet completed by reassembly is
 * returned through pkt with data pointing into the decoder's buffer.
 */
bool decode_packet(struct decoder *d, struct packet *pkt);

/* Counters about the decoder itself (the events are counted separately). */
struct decode_stats {
	uint64_t packets;          /* decode_packet calls */
	uint64_t decoded;          /* packets handed on (returned true) */
	uint64_t truncated;        /* packets the capture cut short */
	uint64_t by_transport[TRANSPORT__COUNT]; /* handed on, by transport */
	uint64_t nested;           /* packets with more than one mirror layer */
	uint64_t frag_seen;        /* outer tunnel fragments received */
	uint64_t frag_held;        /* fragments kept in the table */
	uint64_t frag_rebuilt;     /* datagrams completed and decoded */
	uint64_t frag_expired;     /* datagrams dropped after the timeout */
	uint64_t frag_table_full;  /* fragments dropped: no free slot */
	uint64_t frag_overlap;     /* fragments dropped: overlapping bytes */
	uint64_t frag_duplicates;  /* fragments seen twice (same place, bytes) */
	uint64_t frag_too_big;     /* fragments dropped: datagram > 64 KiB */
	uint64_t frag_not_tunnel;  /* held fragments dropped: the first fragment
				    * showed the datagram is not a tunnel */
	uint64_t frag_inflight;    /* datagrams in the table now (gauge) */
};

const struct decode_stats *decoder_stats(const struct decoder *d);

/*
 * One deterministic line about a decoded packet: layer chain, mirror
 * context fields that are set, inner VLANs, addresses, protocol, ports and
 * the decode events raised. No trailing newline; truncated to len - 1.
 */
void decode_describe(const struct packet *p, char *buf, size_t len);

#endif
