/*
 * assets.h - the device inventory: what the protocol parsers (src/proto)
 * and nDPI learn about each device, kept in memory while packets flow and
 * merged into an SQLite file (storage.c) that successive runs share.
 *
 * A device is a MAC address, with its IPs, VLANs and the mirror sources it
 * was seen on, its vendor (IEEE OUI registry, read at run time), the
 * protocols it speaks and in which role, identity fields (vendor, product,
 * firmware, station name, ...), a device type with the evidence for it,
 * and first / last seen. Conversations say who talks to whom, with which
 * protocols and how much.
 *
 * Life cycle: assets_open() (loads what the file already holds), register
 * assets_observer() with the pipeline, assets_save() at the end (and
 * periodically in live mode), assets_close(). The inventory command opens
 * the same file read-only with assets_load().
 */
#ifndef MS_ASSETS_ASSETS_H
#define MS_ASSETS_ASSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/event.h"
#include "decode/packet.h"
#include "pipeline/pipeline.h"

#define ASSETS_MAX_DEVICES 65536     /* devices kept (more: assets.devices_full) */
#define ASSETS_MAX_CONVS 65536       /* conversations kept (more: assets.conversations_full) */
#define ASSETS_NDPI_FLOWS 16384      /* flows under nDPI classification at once */
#define ASSETS_NDPI_MAX_PACKETS 24   /* packets per flow before nDPI gives up */
#define ASSETS_SCHEMA_VERSION 1

/* Device types, most specific first (the classifier picks the first that
 * has evidence). */
enum asset_type {
	ASSET_SWITCH = 0,      /* bridge: LLDP/CDP bridge capability, STP BPDUs */
	ASSET_PLC,             /* answers S7, Modbus, EtherNet/IP, FINS, MELSEC; PROFINET controller */
	ASSET_RTU,             /* DNP3 outstation, IEC 104 controlled station */
	ASSET_IED,             /* GOOSE / SV publisher, MMS server */
	ASSET_EWS,             /* engineering workstation: S7 PG connection, MELSOFT, PN supervisor */
	ASSET_HMI,             /* HMI / SCADA client: OT client, master, controlling station */
	ASSET_FIELD_DEVICE,    /* PROFINET IO device, HART-IP */
	ASSET_IT_HOST,         /* only IT protocols and names */
	ASSET_UNKNOWN,
	ASSET__COUNT
};

const char *asset_type_name(enum asset_type t); /* "plc", "hmi", ... */

struct assets;

/* Open (creating if needed) the inventory file, load what it holds, and
 * prepare nDPI. NULL on error (reason in err). db_path NULL: memory only. */
struct assets *assets_open(const char *db_path, char *err, size_t errlen);
/* Open an existing file read-only for printing (no nDPI, no writes). */
struct assets *assets_load(const char *db_path, char *err, size_t errlen);
/* The pipeline observer: parsers on admitted, non-duplicate packets. */
struct pipeline_observer assets_observer(struct assets *a);
/* Feed one packet directly (what the observer does). dir: 0 initiator ->
 * responder; f may be NULL. */
void assets_packet(struct assets *a, const struct packet *p, const struct flow *f, int dir);
/* Merge the in-memory inventory into the file. 0, or -1 (reason printed
 * to stderr, assets.db_error counted). */
int assets_save(struct assets *a);
void assets_close(struct assets *a);

const struct event_counts *assets_events(const struct assets *a);
unsigned assets_device_count(const struct assets *a);

/* Per-subnet summary for the verify report. */
struct assets_subnet_info {
	unsigned devices;                    /* devices with an IP in the subnet */
	unsigned by_type[ASSET__COUNT];      /* of those, per type */
	char ot_protocols[160];              /* OT protocols spoken, comma-separated, sorted */
	char types[160];                     /* "plc 1, hmi-scada-client 2" (by_type as text) */
};
/* cidr "198.51.100.0/24" or "2001:db8::/32". 0, or -1 if cidr is bad. */
int assets_subnet_summary(const struct assets *a, const char *cidr,
			  struct assets_subnet_info *out);
/* Every IPv4 /24 (IPv6 /64) that holds a device, sorted, as "a.b.c.0/24";
 * returns the count written (at most max). */
unsigned assets_subnets(const struct assets *a, char (*out)[48], unsigned max);

/* Outputs of `mirrorsense inventory` (inventory_print.c). */
enum assets_format { ASSETS_TEXT = 0, ASSETS_JSON, ASSETS_CSV, ASSETS_CSV_CONV };
void assets_print(const struct assets *a, FILE *f, enum assets_format fmt);

#endif
