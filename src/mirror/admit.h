/*
 * admit.h - tunnel termination rules: which mirror sessions and which
 * tunnel sources the sensor accepts.
 *
 * Only tunnelled copies (ERSPAN, GRE, VXLAN, Geneve, TZSP) are judged;
 * plain and RSPAN frames always pass. With a session list, a tunnelled copy
 * passes only if its session identifier (ERSPAN session, VNI, GRE key) is
 * in the list; a copy without an identifier (ERSPAN I, unkeyed GRE, TZSP)
 * is then refused. With a source list, the outer source address must match
 * one of the entries (address or address/prefix). Both lists empty = accept
 * everything.
 */
#ifndef MS_MIRROR_ADMIT_H
#define MS_MIRROR_ADMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/packet.h"

#define ADMIT_MAX 64 /* entries per list */

struct admit_config {
	uint32_t sessions[ADMIT_MAX];    /* first identifier of each range */
	uint32_t sessions_hi[ADMIT_MAX]; /* last identifier of each range (inclusive) */
	unsigned nsessions;              /* ranges in use */
	struct ip_addr sources[ADMIT_MAX]; /* accepted tunnel sources */
	uint8_t source_plen[ADMIT_MAX];  /* prefix length of each (0 = host) */
	unsigned nsources;               /* entries in use */
};

/* Empty config (accept everything). */
void admit_config_init(struct admit_config *cfg);

/* True when p passes the rules (plain frames always pass). */
bool admit_accept(const struct admit_config *cfg, const struct packet *p);

/*
 * Append option values. Sessions: "1,5,7-9" (decimal, 0..4294967295,
 * ranges inclusive). Sources: "203.0.113.7,2001:db8::/32" (addresses or
 * prefixes). 0 on success, -1 with a message in err on a bad value or when
 * a list would exceed ADMIT_MAX entries (nothing appended then).
 */
int admit_parse_sessions(struct admit_config *cfg, const char *arg, char *err,
			 size_t errlen);
int admit_parse_source(struct admit_config *cfg, const char *arg, char *err,
		       size_t errlen);

#endif
