/*
 * tunnel_sink.h - keep the host quiet while the sensor terminates mirror
 * tunnels on an interface that has an address.
 *
 * Without a listener, the kernel answers every GRE packet with ICMP
 * "protocol unreachable" (ICMPv6 "unrecognized next header") and every
 * VXLAN / Geneve / TZSP datagram with ICMP "port unreachable": a flood back
 * at the switch for each mirrored frame. The sink claims those protocols
 * with sockets whose BPF filter accepts nothing, so nothing is queued and
 * the kernel stays silent. The capture itself is done by AF_PACKET and is
 * not affected.
 */
#ifndef MS_CAPTURE_TUNNEL_SINK_H
#define MS_CAPTURE_TUNNEL_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"

#define TUNNEL_SINK_MAX_CLAIMS (2 + 2 * 3 * DECODE_MAX_PORTS) /* GRE v4/v6 + UDP ports v4/v6 */

enum tunnel_claim_state {
	TUNNEL_CLAIMED = 0,  /* our socket holds it */
	TUNNEL_IN_USE,       /* another program holds it (it answers, not the kernel) */
	TUNNEL_FAILED,       /* could not claim it (see err) */
};

/* One protocol or port claimed for one address family. */
struct tunnel_claim {
	const char *what;              /* "gre", "vxlan", "geneve", "tzsp" */
	uint8_t family;                /* 4 or 6 */
	uint8_t ipproto;               /* IPPROTO_GRE or IPPROTO_UDP */
	uint16_t port;                 /* UDP port, 0 for GRE */
	enum tunnel_claim_state state; /* outcome */
	int fd;                        /* our socket, -1 unless claimed */
	char err[64];                  /* why it failed (strerror) */
};

struct tunnel_sink {
	struct tunnel_claim c[TUNNEL_SINK_MAX_CLAIMS]; /* every claim tried */
	unsigned n;                                    /* entries used in c */
	unsigned claimed;                              /* how many are TUNNEL_CLAIMED */
};

/* Claim GRE (IPv4 and IPv6) and the UDP ports of cfg (VXLAN, Geneve, TZSP;
 * each port once). Never fails as a whole: each claim records its outcome.
 * Returns the number of claims held. */
unsigned tunnel_sink_open(struct tunnel_sink *ts, const struct decode_config *cfg);
void tunnel_sink_close(struct tunnel_sink *ts);

/* One line for the summary, e.g. "gre/ipv4 gre/ipv6 vxlan/4789 ... claimed;
 * udp/4789 ipv4 in use by another program". Returns snprintf's count. */
int tunnel_sink_format(const struct tunnel_sink *ts, char *buf, size_t len);

/* The claims in one state, for one summary line each: "tunnel sink claimed
 * gre/ipv4 gre/ipv6 vxlan/4789/ipv4 ...", "tunnel sink: in use by another
 * program: ...", "tunnel sink could not claim: ... (reason)". Returns 0
 * (buf empty) when no claim is in that state. */
int tunnel_sink_format_state(const struct tunnel_sink *ts, enum tunnel_claim_state st,
			     char *buf, size_t len);

const char *tunnel_claim_state_name(enum tunnel_claim_state s); /* "claimed", "in_use", "failed" */

#endif
