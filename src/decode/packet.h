/*
 * packet.h - one packet on its way through mirrorsense.
 *
 * The capture stage fills the raw part (bytes, two lengths, time, source).
 * The decoders fill the rest while they peel the mirror encapsulations off:
 * the mirror context (what the mirror itself says about the copy), then the
 * original frame and its inner layers. Later stages (admit, dedup, flow,
 * protocols, health) only read what the decoders wrote; nothing here owns
 * memory, every pointer refers to the capture buffer or to the decoder's
 * reassembly buffer, valid until the next packet.
 */
#ifndef MS_DECODE_PACKET_H
#define MS_DECODE_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#define PACKET_MAX_VLANS 4    /* 802.1Q/802.1ad tags kept per frame */
#define PACKET_MAX_LAYERS 24  /* layer names kept for --packets output */
#define PACKET_MAX_EVENTS 4   /* decode events remembered per packet */

/* How the copy reached the sensor: the outermost mirror method seen. */
enum transport {
	TRANSPORT_PLAIN = 0, /* SPAN / TAP / Hyper-V: the frame itself */
	TRANSPORT_RSPAN,     /* a configured RSPAN VLAN tag was stripped */
	TRANSPORT_ERSPAN1,   /* GRE 0x88BE, no sequence, no ERSPAN header */
	TRANSPORT_ERSPAN2,   /* GRE 0x88BE with sequence, 8-byte header */
	TRANSPORT_ERSPAN3,   /* GRE 0x22EB, 12-byte header (+8 platform) */
	TRANSPORT_GRE,       /* GRE transparent Ethernet bridging / IP in GRE */
	TRANSPORT_VXLAN,     /* UDP 4789 (or configured ports) */
	TRANSPORT_GENEVE,    /* UDP 6081 */
	TRANSPORT_TZSP,      /* UDP 37008 */
	TRANSPORT__COUNT
};

const char *transport_name(enum transport t); /* "erspan2", "vxlan", ... */

/* Direction of the copy as the mirror reports it. */
enum mirror_dir {
	MIRROR_DIR_UNKNOWN = 0,
	MIRROR_DIR_INGRESS, /* ERSPAN III D=0: copied as the port received it */
	MIRROR_DIR_EGRESS,  /* ERSPAN III D=1: copied as the port sent it */
};

/* An IPv4 or IPv6 address; IPv4 is stored in the first 4 bytes. */
struct ip_addr {
	uint8_t family; /* 0 = none, 4, 6 */
	uint8_t a[16];
};

/* What the mirror encapsulation says about this copy. */
struct mirror_ctx {
	enum transport transport;
	struct ip_addr outer_src;  /* tunnel source (switch / mirror) */
	struct ip_addr outer_dst;  /* tunnel destination (this sensor) */
	uint16_t outer_sport;      /* UDP tunnels: outer ports */
	uint16_t outer_dport;
	uint32_t session;          /* ERSPAN session ID, VXLAN/Geneve VNI, TZSP 0 */
	bool has_session;
	uint32_t gre_key;          /* GRE key when the K bit is set */
	bool has_gre_key;
	uint32_t gre_seq;          /* GRE sequence number when the S bit is set */
	bool has_gre_seq;
	uint16_t erspan_vlan;      /* VLAN field of the ERSPAN II/III header */
	uint8_t cos;               /* class of service (ERSPAN II/III) */
	uint8_t erspan_en;         /* ERSPAN II "En" / III "BSO" field */
	enum mirror_dir dir;       /* ERSPAN III D bit */
	uint32_t port_index;       /* ERSPAN II index (20 bits) */
	uint8_t hwid;              /* ERSPAN III hardware ID (6 bits) */
	uint8_t ft;                /* ERSPAN III frame type (0 = Ethernet) */
	uint8_t gra;               /* ERSPAN III timestamp granularity */
	bool truncated;            /* ERSPAN T bit: the switch cut the frame */
	uint64_t hw_ts;            /* ERSPAN III timestamp, raw units */
	bool has_hw_ts;
	uint64_t hw_ts_ns;         /* hw_ts in ns when the granularity allows */
	bool has_hw_ts_ns;
	uint16_t sgt;              /* ERSPAN III security group tag */
	uint16_t rspan_vlan;       /* stripped RSPAN VLAN (TRANSPORT_RSPAN) */
	bool outer_fragmented;     /* tunnel packet was rebuilt from fragments */
	uint8_t depth;             /* number of mirror encapsulations peeled */
};

/* Bits of packet.layers: which layers the decoders reached. */
enum layer_bit {
	LAYER_ETH = 1u << 0,
	LAYER_VLAN = 1u << 1,
	LAYER_MPLS = 1u << 2,
	LAYER_IPV4 = 1u << 3,
	LAYER_IPV6 = 1u << 4,
	LAYER_TCP = 1u << 5,
	LAYER_UDP = 1u << 6,
	LAYER_ICMP = 1u << 7,
	LAYER_ICMP6 = 1u << 8,
	LAYER_ARP = 1u << 9,
	LAYER_FRAGMENT = 1u << 10, /* inner IP fragment (not first) */
	LAYER_GRE = 1u << 11,
	LAYER_ERSPAN = 1u << 12,
	LAYER_VXLAN = 1u << 13,
	LAYER_GENEVE = 1u << 14,
	LAYER_TZSP = 1u << 15,
};

struct packet {
	/* ---- filled by the capture stage ---- */
	const uint8_t *data;  /* first captured byte */
	uint32_t caplen;      /* bytes captured */
	uint32_t wirelen;     /* bytes on the wire */
	uint64_t ts_ns;       /* capture time, ns since the epoch */
	uint16_t source;      /* index of the file / interface it came from */
	int linktype;         /* DLT_* of the source */

	/* ---- filled by the decoders ---- */
	struct mirror_ctx mirror;

	/* The original frame, after every mirror encapsulation was removed. */
	const uint8_t *frame;
	uint32_t frame_caplen;
	uint32_t frame_wirelen;
	bool frame_is_eth;        /* frame starts with an Ethernet header */
	bool truncated;           /* the capture cut bytes the decoders wanted */

	uint8_t eth_src[6], eth_dst[6];
	uint16_t ethertype;       /* after the VLAN tags */
	uint16_t vlans[PACKET_MAX_VLANS]; /* VLAN IDs, outermost first */
	uint8_t vlan_pcp[PACKET_MAX_VLANS];
	uint8_t nvlans;
	uint8_t mpls_labels;      /* MPLS labels popped */

	/* Inner network layer. */
	struct ip_addr src, dst;
	uint8_t ip_proto;         /* TCP 6, UDP 17, ... (after v6 ext headers) */
	uint8_t ttl;              /* TTL / hop limit */
	uint32_t l3_off;          /* offset of the IP header in frame */
	uint32_t l3_len;          /* IP total length as the header says */
	bool ip_fragment;         /* inner packet is an IP fragment */
	bool ip_first_fragment;

	/* Inner transport layer. */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint32_t tcp_seq, tcp_ack;
	uint16_t tcp_win;
	uint8_t icmp_type, icmp_code;
	const uint8_t *payload;   /* L4 payload (captured part) */
	uint32_t payload_caplen;
	uint32_t payload_len;     /* L4 payload length per the headers */

	uint32_t layers;          /* enum layer_bit */
	const char *layer_names[PACKET_MAX_LAYERS]; /* "eth","vlan","ip","gre",... */
	uint8_t nlayer_names;
	uint8_t nevents;          /* events raised while decoding this packet */
	uint16_t first_event;     /* the first of them (enum event_id) */
	uint16_t events[PACKET_MAX_EVENTS]; /* the first PACKET_MAX_EVENTS of them */

	/* ---- filled by later stages ---- */
	uint64_t flow_hash;       /* symmetric hash of the inner 5-tuple */
	bool flow_hashed;         /* flow_hash computed ahead (flow_prepare) */
	uint8_t dedup_kind;       /* dedup_prepare: 0 not done, 1 IP key, 2 frame key, 3 unkeyable */
	uint64_t dedup_key;       /* dedup fingerprint computed ahead */
	bool duplicate;           /* dedup judged it a copy */
	bool rejected;            /* admit rules refused the mirror session */
};

#endif
