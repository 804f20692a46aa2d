/*
 * decode_int.h - what the decoders of src/decode share and nobody else sees.
 *
 * Every decoder has one signature (dec_fn): it gets the decoder, the packet
 * being built and one cursor over the whole captured packet whose offset is
 * the first byte of its layer. It checks the length, reads its header through
 * the cursor, records what it learnt in the packet, advances the cursor past
 * its header and returns the layer that follows (DL_DONE when there is none,
 * or when it raised an event that stops decoding). decode.c runs that loop
 * with a bound on the number of layers, so no decoder recurses.
 *
 * To add a layer: one file with dec_NAME(), one DL_ value, one line in
 * decode.c's table, events in core/events.def (group "decode.").
 */
#ifndef MS_DECODE_DECODE_INT_H
#define MS_DECODE_DECODE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/cursor.h"
#include "core/event.h"
#include "decode/decode.h"
#include "decode/packet.h"

/* The layers the dispatch loop knows; the value indexes decode.c's table. */
enum dl {
	DL_DONE = 0,   /* nothing more to decode */
	DL_HELD,       /* outer fragment kept for reassembly: packet consumed */
	DL_REBUILT,    /* reassembly completed a datagram: decode it afresh */
	DL_ETH,        /* Ethernet II / 802.3 header */
	DL_SLL,        /* Linux cooked capture v1 */
	DL_SLL2,       /* Linux cooked capture v2 */
	DL_NULL,       /* BSD loopback, AF in host byte order */
	DL_LOOP,       /* OpenBSD loopback, AF in network byte order */
	DL_RAWIP,      /* IPv4 or IPv6 chosen by the version nibble */
	DL_VLAN,       /* 802.1Q / 802.1ad tag */
	DL_MPLS,       /* MPLS label stack entry */
	DL_PWETH,      /* MPLS Ethernet pseudowire with control word */
	DL_ETAG,       /* 802.1BR E-Tag */
	DL_VNTAG,      /* Cisco VN-Tag */
	DL_PBB,        /* 802.1ah I-Tag (MAC-in-MAC) */
	DL_PPPOE,      /* PPPoE session + PPP protocol */
	DL_ARISTA,     /* Arista timestamp EtherType 0xD28B */
	DL_NSH,        /* Network Service Header (RFC 8300) */
	DL_IPV4,
	DL_IPV6,
	DL_TCP,
	DL_UDP,
	DL_ICMP,
	DL_ICMP6,
	DL_ARP,
	DL_GRE,
	DL_ERSPAN2,    /* ERSPAN type II header */
	DL_ERSPAN3,    /* ERSPAN type III header (+ platform sub-header) */
	DL_WCCP,       /* WCCP redirect header inside GRE 0x883E */
	DL_VXLAN,
	DL_VXLAN_GPE,
	DL_GENEVE,
	DL_TZSP,
	DL_CMD,        /* Cisco MetaData inside GRE 0x8909 */
	DL_WLAN,       /* IEEE 802.11 data frame (Aruba GRE 0x8200) */
	DL__COUNT
};

/* One fragment table (frag.c); opaque to the other decoders. */
struct frag_table;

struct decoder {
	struct decode_config cfg;   /* ports and VLANs, copied at creation */
	struct event_counts *ev;    /* caller's event counters */
	struct decode_stats st;     /* decoder's own counters */
	struct frag_table *frag;    /* outer fragment reassembly */
	uint8_t *rebuilt;           /* buffer of the last reassembled packet */
	uint32_t rebuilt_len;       /* its length */
	uint8_t vlan_depth;         /* tags read in the current frame */
	uint8_t mpls_depth;         /* labels read in the current frame */
	uint32_t l4_len;            /* IP payload length per the IP header(s),
				     * from the cursor's offset after IP */
	bool in_rebuilt;            /* decoding a reassembled packet */
};

typedef enum dl (*dec_fn)(struct decoder *d, struct packet *p, struct cursor *c);

/* Raise a named event against this packet (counted, kept in the packet). */
void dec_event(struct decoder *d, struct packet *p, enum event_id id);

/* Append a layer name for decode_describe (bounded, silently capped). */
void dec_layer(struct packet *p, const char *name, uint32_t bit);

/*
 * Bytes a decoder wanted are missing. When the cursor ends where the capture
 * ended and the capture (or the mirror, ERSPAN T bit) cut the frame, this is
 * a truncated capture: p->truncated and the layer's "truncated" event.
 * Otherwise the packet contradicts itself on the wire: the "bad" event.
 */
enum dl dec_short(struct decoder *d, struct packet *p, const struct cursor *c,
		  enum event_id truncated, enum event_id bad);

/* True when the cursor's end is the capture's end and bytes were cut there. */
bool dec_cut_here(const struct packet *p, const struct cursor *c);

/* EtherType -> next layer (sets p->ethertype). */
enum dl dec_ethertype(struct decoder *d, struct packet *p, uint16_t type);

/*
 * A mirror/tunnel header was read and the encapsulated frame starts at the
 * cursor: record the outer addresses (outermost only), the transport, count
 * the depth, reset the inner fields. Returns next, or DL_DONE with an event
 * when DECODE_MAX_DEPTH was reached.
 */
enum dl dec_tunnel_enter(struct decoder *d, struct packet *p,
			 const struct cursor *c, enum transport t, enum dl next);

/*
 * The original frame starts at the cursor (inside a tunnel, or after a
 * capture pseudo header such as Linux cooked or BSD loopback, so that a
 * non-Ethernet frame always starts with its network header). Sets frame,
 * its two lengths, frame_is_eth and, for IP/MPLS, the EtherType.
 */
void dec_frame_here(struct packet *p, const struct cursor *c, enum dl next);

/* IP protocol number of the next header -> layer (ipv4.c, used by IPv6). */
enum dl dec_ip_proto_next(struct decoder *d, struct packet *p, uint8_t proto);

/* UDP destination port -> tunnel layer, or DL_DONE. */
enum dl dec_udp_tunnel(const struct decoder *d, uint16_t dport);

/* Outer fragment handling (frag.c). */
struct frag_table *dec_frag_new(void);
void dec_frag_free(struct frag_table *ft);
unsigned dec_frag_inflight(const struct frag_table *ft); /* datagrams held */
/*
 * An outer fragment: hdr_off = where the packet's bytes up to the IP payload
 * end (the part kept from the first fragment), l3_off = IP header offset,
 * frag_off/len = place of this piece in the datagram, more = MF.
 * Returns DL_HELD, DL_REBUILT (d->rebuilt holds the whole packet), or DL_DONE
 * when the fragment must be decoded as an ordinary (inner) fragment.
 */
struct frag_key {
	uint8_t family;   /* 4 or 6 */
	uint8_t proto;    /* upper-layer protocol (GRE, UDP) */
	uint32_t id;      /* IPv4 16-bit / IPv6 32-bit identification */
	uint8_t src[16];  /* outer source address */
	uint8_t dst[16];  /* outer destination address */
};
struct frag_piece {
	const uint8_t *pkt;   /* whole captured packet */
	uint32_t l3_off;      /* IP header offset in pkt */
	uint32_t hdr_len;     /* bytes from pkt start to the fragmentable part */
	uint32_t nh_off;      /* IPv6: offset of the next-header byte naming the
			       * fragment header; IPv4: 0 */
	uint8_t next_hdr;     /* IPv6: the fragment header's next header */
	uint32_t off;         /* fragment offset in bytes */
	const uint8_t *data;  /* fragment's payload */
	uint32_t len;         /* its length */
	bool more;            /* MF: more fragments follow */
	bool tunnel;          /* first fragment: payload is a tunnel */
};
enum dl dec_frag_input(struct decoder *d, struct packet *p,
		   const struct frag_key *k, const struct frag_piece *fp);

/* An inner IP fragment that is not reassembled: mark the packet and raise
 * the event. True when decoding stops here (not the first fragment). */
bool dec_inner_fragment(struct decoder *d, struct packet *p, bool first);

/* Is this (first-fragment) payload a tunnel we reassemble? */
bool dec_payload_is_tunnel(const struct decoder *d, uint8_t proto,
			   const uint8_t *data, uint32_t len);

/* The decoders, one per file. */
enum dl dec_eth(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_sll(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_sll2(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_null(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_loop(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_rawip(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_vlan(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_mpls(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_pweth(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_etag(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_vntag(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_pbb(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_pppoe(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_arista(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_nsh(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_ipv4(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_ipv6(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_tcp(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_udp(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_icmp(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_icmp6(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_arp(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_gre(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_erspan2(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_erspan3(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_wccp(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_vxlan(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_vxlan_gpe(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_geneve(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_tzsp(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_cmd(struct decoder *d, struct packet *p, struct cursor *c);
enum dl dec_wlan(struct decoder *d, struct packet *p, struct cursor *c);

/* Well-known ports of tunnels that are not configurable. */
#define DEC_PORT_GRE_UDP 4754   /* RFC 8086 GRE-in-UDP */
#define DEC_PORT_VXLAN_GPE 4790 /* draft-ietf-nvo3-vxlan-gpe */

#endif
