/*
 * assets_int.h - the in-memory inventory shared by the files of
 * src/assets (model.c, storage.c, oui.c, classify.c, ndpi_glue.c,
 * print.c). Not for use outside src/assets.
 *
 * Everything is bounded: devices, conversations, and per device its IPs,
 * VLANs, mirror sources, protocols and identity fields; what does not fit
 * is counted (assets.* events). Devices are allocated once when first
 * seen (never per packet); lookups are open-addressed hashes.
 */
#ifndef MS_ASSETS_ASSETS_INT_H
#define MS_ASSETS_ASSETS_INT_H

#include <sqlite3.h>

#include "assets/assets.h"
#include "proto/proto.h"

#define DEV_MAX_IPS 8
#define DEV_MAX_VLANS 8
#define DEV_MAX_SOURCES 4
#define DEV_MAX_PROTOS 16
#define DEV_MAX_FIELDS 24
#define CONV_MAX_PROTOS 6
#define NAME_MAX_LEN 24          /* protocol names (ours and nDPI's) */
#define NAMES_MAX 512            /* distinct protocol names */
#define FIELD_KEY_LEN 24
#define SOURCE_LEN 64
#define ASSETS_INPUTS 16         /* inputs of one run counted apart (SOURCE_MAX_INPUTS) */

/* A protocol a device speaks: name index + roles seen. */
struct dev_proto {
	uint16_t name;             /* index into assets.names */
	uint16_t roles;            /* bit (1 << enum proto_role); bit 0 = no role */
	uint64_t msgs;             /* messages (or flows, for nDPI) this run */
};

struct dev_field {
	char key[FIELD_KEY_LEN];   /* "vendor", "station_name", ... */
	char value[PROTO_VALUE_MAX];
};

struct device {
	uint8_t mac[6];
	bool in_use;                          /* slot holds a device */
	bool dirty;                           /* changed since the last save */
	struct ip_addr ips[DEV_MAX_IPS];      /* addresses it uses (bound by ARP, DHCP, TTL) */
	uint8_t nips;
	uint16_t vlans[DEV_MAX_VLANS];        /* VLAN IDs its frames carried */
	uint8_t nvlans;
	char sources[DEV_MAX_SOURCES][SOURCE_LEN]; /* mirror sources ("erspan2 198.51.100.1 session 5") */
	uint8_t nsources;
	struct dev_proto protos[DEV_MAX_PROTOS];
	uint8_t nprotos;
	struct dev_field fields[DEV_MAX_FIELDS];
	uint8_t nfields;
	uint64_t first_ns, last_ns;           /* capture time first / last seen (0 = never) */
	uint64_t packets, bytes;              /* sent, this run */
	uint64_t in_packets[ASSETS_INPUTS];   /* of those, per input of the run */
	uint64_t in_bytes[ASSETS_INPUTS];
	uint64_t prior_packets, prior_bytes;  /* sent, other inputs (from the file) */
	uint32_t last_source_hash;            /* cheap "same mirror source as last time" */
};

/* One end of a conversation: an IP address, or a MAC for non-IP frames. */
struct conv_ep {
	uint8_t kind;              /* 4, 6 (IP) or 0 (MAC, in a[0..5]) */
	uint8_t a[16];
};

struct conv {
	struct conv_ep ep[2];      /* ep[0] < ep[1] (canonical order) */
	bool in_use;
	bool dirty;                /* changed since the last save */
	uint16_t protos[CONV_MAX_PROTOS];  /* name indexes */
	uint8_t nprotos;
	uint64_t packets, bytes;   /* this run */
	uint64_t in_packets[ASSETS_INPUTS]; /* of those, per input of the run */
	uint64_t in_bytes[ASSETS_INPUTS];
	uint64_t prior_packets, prior_bytes; /* other inputs (from the file) */
	uint64_t first_ns, last_ns;
};

/* Per-flow state of the protocol stage and of nDPI (ndpi_glue.c). */
struct flow_state {
	uint64_t hash;             /* packet.flow_hash; 0 = free slot */
	void *ndpi;                /* struct ndpi_flow_struct, NULL when done */
	uint16_t packets;          /* packets given to nDPI */
	uint16_t ndpi_name;        /* name index of nDPI's answer (0 = none yet) */
	uint8_t hint;              /* enum proto_id our parsers recognised (PROTO_NONE) */
	bool done;                 /* nDPI answered or gave up */
	int32_t conv;              /* conversation of the flow (-1 none), for a late guess */
};

struct assets {
	char *db_path;             /* NULL: memory only */
	bool read_only;
	sqlite3 *db;
	/* Counters are stored per input, keyed by the capture time of the
	 * input's first packet, so that an input read again replaces its
	 * earlier counts instead of adding to them. */
	char input_key[ASSETS_INPUTS][24]; /* "" until the input's first packet */
	bool input_forgotten[ASSETS_INPUTS]; /* its earlier counts taken out of prior */

	struct device *dev;        /* ASSETS_MAX_DEVICES slots */
	uint32_t ndev;             /* devices in use */
	int32_t *dev_index;        /* hash of MAC -> dev slot, -1 empty */
	uint32_t dev_index_mask;

	int32_t *ip_index;         /* hash of IP -> dev slot (first device seen with it), -1 empty */
	uint32_t ip_index_mask;
	uint32_t nip_index;        /* entries used (at most half the slots) */

	struct conv *conv;         /* ASSETS_MAX_CONVS slots */
	uint32_t nconv;
	int32_t *conv_index;
	uint32_t conv_index_mask;

	char names[NAMES_MAX][NAME_MAX_LEN]; /* protocol names; [id] = ours for id < PROTO__COUNT */
	uint16_t nnames;

	struct flow_state *flows;  /* ASSETS_NDPI_FLOWS slots, open addressing */
	uint32_t nflows;
	void *ndpi;                /* struct ndpi_detection_module_struct */
	uint8_t *ndpi_pool;        /* nDPI flow structs, one per flows[] slot */
	size_t ndpi_flow_size;     /* bytes of one nDPI flow struct */
	uint16_t *ndpi_names;      /* nDPI protocol id -> name index (0 = not yet) */
	unsigned ndpi_nprotos;

	struct event_counts ev;    /* proto.* and assets.* counters */
	struct proto_msg msg;      /* scratch message (no allocation per packet) */
};

/* model.c */
struct device *assets_dev_get(struct assets *a, const uint8_t mac[6], bool create);
struct conv *assets_conv_get(struct assets *a, const struct conv_ep *x,
			     const struct conv_ep *y, bool create);
uint16_t assets_name(struct assets *a, const char *name);  /* intern; 0 if full */
void assets_dev_add_ip(struct assets *a, struct device *d, const struct ip_addr *ip);
struct device *assets_dev_by_ip(struct assets *a, const struct ip_addr *ip);
void assets_dev_add_vlan(struct assets *a, struct device *d, uint16_t vlan);
void assets_dev_add_source(struct assets *a, struct device *d, const char *s);
void assets_dev_add_proto(struct assets *a, struct device *d, uint16_t name,
			  unsigned role, uint64_t msgs);
void assets_dev_add_field(struct assets *a, struct device *d, const char *key,
			  const char *value);
void assets_conv_add_proto(struct conv *c, uint16_t name);
int assets_ip_parse(const char *s, struct ip_addr *ip);
void assets_ip_format(const struct ip_addr *ip, char *out, size_t len);
void assets_mac_format(const uint8_t mac[6], char *out);     /* 18 bytes */
int assets_mac_parse(const char *s, uint8_t mac[6]);
void assets_ep_format(const struct conv_ep *e, char *out, size_t len);
int assets_ep_parse(const char *s, struct conv_ep *e);

/* classify.c */
enum asset_type assets_classify(const struct assets *a, const struct device *d,
				char *evidence, size_t len);

/* oui.c: vendor of a MAC from the IEEE registry ("" if unknown). */
const char *assets_oui_vendor(const uint8_t mac[6]);

/* storage.c */
int assets_db_open(struct assets *a, bool read_only, char *err, size_t errlen);
int assets_db_load(struct assets *a, char *err, size_t errlen);
int assets_db_save(struct assets *a);
void assets_db_close(struct assets *a);

/* ndpi_glue.c */
int assets_ndpi_init(struct assets *a);
void assets_ndpi_free(struct assets *a);
struct flow_state *assets_flow_state(struct assets *a, uint64_t hash, bool create);
void assets_flow_end(struct assets *a, uint64_t hash32);
/* Run nDPI on p if its flow is still undecided; returns the name index of
 * the protocol when it was decided by this packet, 0 otherwise. */
uint16_t assets_ndpi_packet(struct assets *a, struct flow_state *fs,
			    const struct packet *p);

#endif
