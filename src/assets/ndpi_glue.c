/*
 * ndpi_glue.c - the long tail of IT protocols through nDPI (ntop's
 * classification library, Debian libndpi), and the per-flow state of the
 * protocol stage.
 *
 * One detection module for the whole run. Per flow, a slot in a bounded
 * open-addressed table keyed by the pipeline's flow hash (packet.flow_hash;
 * its low 32 bits are flow.hash32, so a flow's end finds its slot): our
 * parsers' protocol hint, and nDPI's flow state taken from a pool
 * allocated once (no allocation per packet or per flow). nDPI sees a
 * flow's packets until it answers or ASSETS_NDPI_MAX_PACKETS have passed
 * (then it is asked for its best guess and the state is released); flows
 * our own parsers recognised are not given to nDPI at all. When the probe
 * window of a new flow is full, its home slot is evicted and counted
 * (assets.ndpi_flows_full). nDPI runs only when the inventory is on.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi/ndpi_api.h>

#include "assets/assets_int.h"

#define FLOW_PROBE 8    /* slots looked at from a flow's home slot */

static uint16_t ndpi_name(struct assets *a, uint16_t id);

int assets_ndpi_init(struct assets *a)
{
	a->flows = calloc(ASSETS_NDPI_FLOWS, sizeof *a->flows);
	if (!a->flows)
		return -1;
	a->ndpi_flow_size = ndpi_detection_get_sizeof_ndpi_flow_struct();
	a->ndpi_pool = calloc(ASSETS_NDPI_FLOWS, a->ndpi_flow_size);
	struct ndpi_detection_module_struct *m = ndpi_init_detection_module(ndpi_no_prefs);
	if (!a->ndpi_pool || !m) {
		if (m)
			ndpi_exit_detection_module(m);
		return -1;
	}
	NDPI_PROTOCOL_BITMASK all;
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(m, &all);
	ndpi_finalize_initialization(m);
	a->ndpi = m;
	a->ndpi_nprotos = ndpi_get_num_supported_protocols(m);
	a->ndpi_names = calloc(a->ndpi_nprotos + 1, sizeof *a->ndpi_names);
	return a->ndpi_names ? 0 : -1;
}

static void release(struct assets *a, struct flow_state *fs)
{
	if (fs->ndpi) {
		ndpi_free_flow_data(fs->ndpi);
		fs->ndpi = NULL;
	}
	(void)a;
}

void assets_ndpi_free(struct assets *a)
{
	if (a->flows) {
		for (uint32_t i = 0; i < ASSETS_NDPI_FLOWS; i++)
			release(a, &a->flows[i]);
		free(a->flows);
		a->flows = NULL;
	}
	if (a->ndpi)
		ndpi_exit_detection_module(a->ndpi);
	a->ndpi = NULL;
	free(a->ndpi_names);
	a->ndpi_names = NULL;
	free(a->ndpi_pool);
	a->ndpi_pool = NULL;
}

struct flow_state *assets_flow_state(struct assets *a, uint64_t hash, bool create)
{
	if (!a->flows || !hash)
		return NULL;
	const uint32_t mask = ASSETS_NDPI_FLOWS - 1;
	uint32_t home = (uint32_t)hash & mask;
	struct flow_state *empty = NULL;
	for (uint32_t k = 0; k < FLOW_PROBE; k++) {
		struct flow_state *fs = &a->flows[(home + k) & mask];
		if (fs->hash == hash)
			return fs;
		if (!fs->hash && !empty)
			empty = fs;
	}
	if (!create)
		return NULL;
	if (!empty) {
		empty = &a->flows[home];
		release(a, empty);
		event_count(&a->ev, EV_ASSETS_NDPI_FLOWS_FULL);
	}
	memset(empty, 0, sizeof *empty);
	empty->hash = hash;
	empty->conv = -1;
	return empty;
}

void assets_flow_end(struct assets *a, uint64_t hash32)
{
	if (!a->flows)
		return;
	const uint32_t mask = ASSETS_NDPI_FLOWS - 1;
	uint32_t home = (uint32_t)hash32 & mask;
	for (uint32_t k = 0; k < FLOW_PROBE; k++) {
		struct flow_state *fs = &a->flows[(home + k) & mask];
		if (fs->hash && (uint32_t)fs->hash == (uint32_t)hash32) {
			/* A flow that ends before nDPI decided: its best guess
			 * (often by port) names the conversation only; a guess
			 * says nothing reliable about roles, and never overrides
			 * a protocol our own parsers check. */
			if (fs->ndpi && !fs->done && !fs->hint && fs->conv >= 0) {
				uint8_t guessed = 0;
				ndpi_protocol r = ndpi_detection_giveup(a->ndpi, fs->ndpi, 1, &guessed);
				uint16_t id = r.app_protocol != NDPI_PROTOCOL_UNKNOWN ? r.app_protocol
										       : r.master_protocol;
				uint16_t name = ndpi_name(a, id);
				if (name >= PROTO__COUNT) {
					assets_conv_add_proto(&a->conv[fs->conv], name);
					a->conv[fs->conv].dirty = true;
				}
			}
			release(a, fs);
			memset(fs, 0, sizeof *fs);
			return;
		}
	}
}

/* Name index of an nDPI protocol ID, lower-cased ("TLS" -> "tls"), so
 * that names we also parse ("dns", "modbus") merge with ours. */
static uint16_t ndpi_name(struct assets *a, uint16_t id)
{
	if (id == NDPI_PROTOCOL_UNKNOWN || id > a->ndpi_nprotos)
		return 0;
	if (a->ndpi_names[id])
		return a->ndpi_names[id];
	const char *n = ndpi_get_proto_name(a->ndpi, id);
	if (!n)
		return 0;
	char buf[NAME_MAX_LEN];
	size_t i = 0;
	for (; n[i] && i + 1 < sizeof buf; i++)
		buf[i] = (char)tolower((unsigned char)n[i]);
	buf[i] = 0;
	a->ndpi_names[id] = assets_name(a, buf);
	return a->ndpi_names[id];
}

uint16_t assets_ndpi_packet(struct assets *a, struct flow_state *fs,
			    const struct packet *p)
{
	if (!a->ndpi || fs->done || !p->frame || p->l3_off >= p->frame_caplen)
		return 0;
	if (!fs->ndpi) {
		if (fs->packets)
			return 0; /* state was released: nothing more to learn */
		size_t slot = (size_t)(fs - a->flows);
		fs->ndpi = a->ndpi_pool + slot * a->ndpi_flow_size;
		memset(fs->ndpi, 0, a->ndpi_flow_size);
	}
	uint32_t len = p->frame_caplen - p->l3_off;
	if (len > 65535)
		len = 65535;
	ndpi_protocol r = ndpi_detection_process_packet(a->ndpi, fs->ndpi,
							p->frame + p->l3_off,
							(unsigned short)len,
							p->ts_ns / 1000000u);
	fs->packets++;
	uint16_t id = r.app_protocol != NDPI_PROTOCOL_UNKNOWN ? r.app_protocol
							       : r.master_protocol;
	if (id == NDPI_PROTOCOL_UNKNOWN && fs->packets >= ASSETS_NDPI_MAX_PACKETS) {
		uint8_t guessed = 0;
		r = ndpi_detection_giveup(a->ndpi, fs->ndpi, 1, &guessed);
		id = r.app_protocol != NDPI_PROTOCOL_UNKNOWN ? r.app_protocol
							      : r.master_protocol;
		fs->done = true;
	}
	if (id != NDPI_PROTOCOL_UNKNOWN)
		fs->done = true;
	if (fs->done) {
		release(a, fs);
		fs->ndpi_name = ndpi_name(a, id);
		return fs->ndpi_name;
	}
	return 0;
}
