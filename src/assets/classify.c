/*
 * classify.c - a device type from what the device was seen doing, with
 * the evidence for it (the rule that fired, in words).
 *
 * Rules, first match wins (most specific first):
 *   switch      LLDP / CDP bridge capability, or it sends STP BPDUs
 *   plc         server side of S7comm / S7comm-plus, Modbus, EtherNet/IP,
 *               FINS, MELSEC; PROFINET IO controller; an S7 order number
 *   rtu         DNP3 outstation, IEC 104 controlled station
 *   ied         GOOSE / SV publisher, MMS server
 *   engineering-workstation
 *               S7 PG connection (TSAP type 1), MELSOFT / MC client,
 *               PROFINET supervisor, S7 SZL reads
 *   hmi-scada-client
 *               client / master / controlling side of an OT protocol
 *   field-device PROFINET IO device, HART-IP device
 *   it-host     anything else with IT protocols or names
 *   unknown     nothing telling seen
 */
#include <stdio.h>
#include <string.h>

#include "assets/assets_int.h"

static bool has_role(const struct device *d, enum proto_id p, enum proto_role r)
{
	for (unsigned i = 0; i < d->nprotos; i++)
		if (d->protos[i].name == (uint16_t)p && (d->protos[i].roles & (1u << r)))
			return true;
	return false;
}

static const char *field(const struct device *d, const char *key)
{
	for (unsigned i = 0; i < d->nfields; i++)
		if (!strcmp(d->fields[i].key, key))
			return d->fields[i].value;
	return NULL;
}

struct rule {
	enum asset_type type;
	enum proto_id proto;
	enum proto_role role;
};

static const struct rule rules[] = {
	{ ASSET_SWITCH, PROTO_LLDP, ROLE_BRIDGE },
	{ ASSET_SWITCH, PROTO_CDP, ROLE_BRIDGE },
	{ ASSET_SWITCH, PROTO_STP, ROLE_BRIDGE },
	{ ASSET_PLC, PROTO_S7COMM, ROLE_SERVER },
	{ ASSET_PLC, PROTO_S7COMMPLUS, ROLE_SERVER },
	{ ASSET_PLC, PROTO_MODBUS, ROLE_SERVER },
	{ ASSET_PLC, PROTO_ENIP, ROLE_SERVER },
	{ ASSET_PLC, PROTO_FINS, ROLE_SERVER },
	{ ASSET_PLC, PROTO_MELSEC, ROLE_SERVER },
	{ ASSET_PLC, PROTO_PROFINET, ROLE_IO_CONTROLLER },
	{ ASSET_RTU, PROTO_DNP3, ROLE_OUTSTATION },
	{ ASSET_RTU, PROTO_IEC104, ROLE_CONTROLLED },
	{ ASSET_IED, PROTO_GOOSE, ROLE_PUBLISHER },
	{ ASSET_IED, PROTO_SV, ROLE_PUBLISHER },
	{ ASSET_IED, PROTO_MMS, ROLE_SERVER },
	{ ASSET_EWS, PROTO_PROFINET, ROLE_SUPERVISOR },
	{ ASSET_EWS, PROTO_MELSEC, ROLE_CLIENT },
	{ ASSET_HMI, PROTO_S7COMM, ROLE_CLIENT },
	{ ASSET_HMI, PROTO_S7COMMPLUS, ROLE_CLIENT },
	{ ASSET_HMI, PROTO_MODBUS, ROLE_CLIENT },
	{ ASSET_HMI, PROTO_DNP3, ROLE_MASTER },
	{ ASSET_HMI, PROTO_IEC104, ROLE_CONTROLLING },
	{ ASSET_HMI, PROTO_ENIP, ROLE_CLIENT },
	{ ASSET_HMI, PROTO_MMS, ROLE_CLIENT },
	{ ASSET_HMI, PROTO_OPCUA, ROLE_CLIENT },
	{ ASSET_HMI, PROTO_FINS, ROLE_CLIENT },
	{ ASSET_HMI, PROTO_BACNET, ROLE_CLIENT },
	{ ASSET_FIELD_DEVICE, PROTO_PROFINET, ROLE_IO_DEVICE },
	{ ASSET_FIELD_DEVICE, PROTO_HARTIP, ROLE_SERVER },
	{ ASSET_PLC, PROTO_BACNET, ROLE_SERVER },
	{ ASSET_PLC, PROTO_OPCUA, ROLE_SERVER },
};

enum asset_type assets_classify(const struct assets *a, const struct device *d,
				char *evidence, size_t len)
{
	(void)a;
	evidence[0] = 0;
	enum asset_type best = ASSET__COUNT;
	const struct rule *why = NULL;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		const struct rule *r = &rules[i];
		if (r->type < best && has_role(d, r->proto, r->role)) {
			best = r->type;
			why = r;
		}
	}
	/* Identity fields that only an engineering station or a PLC shows. */
	const char *conn = field(d, "s7_connection");
	if (conn && !strcmp(conn, "pg") && best > ASSET_EWS) {
		snprintf(evidence, len, "opens S7 PG (programming) connections");
		return ASSET_EWS;
	}
	if (field(d, "order_number") && best > ASSET_PLC) {
		snprintf(evidence, len, "S7 module identification (order number)");
		return ASSET_PLC;
	}
	if (why) {
		snprintf(evidence, len, "%s %s", proto_name(why->proto),
			 proto_role_name(why->role));
		return best;
	}
	bool it = false, ot = false;
	for (unsigned i = 0; i < d->nprotos; i++) {
		uint16_t n = d->protos[i].name;
		it |= n != PROTO_ARP; /* ARP alone says nothing */
		ot |= n < PROTO__COUNT && proto_is_ot((enum proto_id)n);
	}
	if (ot) {
		snprintf(evidence, len, "OT protocols without a telling role");
		return ASSET_UNKNOWN;
	}
	if (it || field(d, "hostname") || field(d, "netbios_name") ||
	    field(d, "mdns_name")) {
		snprintf(evidence, len, "IT protocols only");
		return ASSET_IT_HOST;
	}
	snprintf(evidence, len, "no protocol evidence");
	return ASSET_UNKNOWN;
}
