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
#include <stdint.h>

#include "core/event.h"
#include "decode/packet.h"

#define DECODE_MAX_DEPTH 8        /* encapsulations peeled per packet */
#define DECODE_MAX_PORTS 8        /* configurable UDP ports per tunnel type */
#define DECODE_MAX_RSPAN 16       /* RSPAN VLANs to strip */

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

#endif
