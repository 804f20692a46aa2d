/*
 * report.h - the verdicts of `mirrorsense verify`: the checks built from
 * the health accumulator, grouped by scope (each monitoring input, each
 * mirror session, then overall). The renderers (output/verify_*.c) print a
 * report; they do not judge anything themselves.
 *
 * A check has a stable id (used in --json and in tests), a verdict, the
 * figures behind it (one readable line plus named numbers) and one plain
 * sentence on the likely cause and the fix, phrased for the mirroring
 * method of the scope.
 */
#ifndef MS_HEALTH_REPORT_H
#define MS_HEALTH_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "health/expect.h"
#include "health/health.h"

enum verdict {
	VERDICT_NA = 0, /* not applicable: nothing to judge */
	VERDICT_PASS,
	VERDICT_WARN,
	VERDICT_FAIL,
};

const char *verdict_name(enum verdict v);  /* "pass", "warn", "fail", "n/a" */
const char *verdict_upper(enum verdict v); /* "PASS", "WARN", "FAIL", "N/A" */

#define CHECK_MAX_FIGS 12

/* One named number behind a verdict (for --json). */
struct check_fig {
	const char *key;  /* static string: "packets", "lost_pct", ... */
	double value;
	bool integer;     /* print without decimals */
};

struct health_check {
	const char *id;          /* stable: "traffic", "directions", "loss.upstream", ... */
	const char *title;       /* "Traffic present" */
	enum verdict v;
	char figures[400];       /* one readable line */
	char advice[600];        /* cause and fix, one or two plain sentences */
	struct check_fig figs[CHECK_MAX_FIGS];
	unsigned nfigs;
};

enum scope_kind {
	SCOPE_INPUT = 0,  /* one monitoring interface or file */
	SCOPE_SESSION,    /* one mirror session */
	SCOPE_OVERALL,
};

#define SCOPE_MAX_CHECKS 48

struct health_scope {
	enum scope_kind kind;
	unsigned index;           /* input or session index */
	char name[208];           /* "eth1 (live)", "erspan2 session 100 from ..." */
	const char *method;       /* mirror method in use ("erspan3", "span/tap", ...) */
	struct health_check checks[SCOPE_MAX_CHECKS];
	unsigned nchecks;
	enum verdict worst;
};

/* Where removed copies came from (from the pipeline's dedup pairs). */
struct health_dup_source {
	char orig[96];            /* the copy that was kept */
	char copy[96];            /* the copy that was removed */
	uint64_t packets;
};

#define REPORT_MAX_DUP_SOURCES 8

/* What the device inventory (--db) says about one subnet of the report. */
struct health_subnet_inventory {
	bool known;               /* the inventory has devices in it */
	unsigned devices;         /* devices with an address in the subnet */
	char ot_protocols[160];   /* OT protocols they speak, comma-separated */
	char types[160];          /* device types with counts ("plc 1, hmi-scada-client 2") */
};

/* What the report needs beyond the accumulator. */
struct health_report_input {
	const struct health *h;
	const struct expect *ex;          /* NULL without --expect */
	bool dedup_enabled;               /* --no-dedup turns the duplicate check off */
	struct health_dup_source dups[REPORT_MAX_DUP_SOURCES];
	unsigned ndups;
	uint64_t devices_inventory;       /* devices from --db (0 = none / not used) */
	bool have_inventory;
	const struct health_subnet_inventory *inv; /* per h->subnets index; NULL without --db */
};

struct health_report {
	struct health_scope *scopes;
	unsigned nscopes;
	unsigned counts[4];       /* checks per verdict */
	enum verdict worst;
	const struct health *h;
	double duration_s;        /* last - first capture timestamp */
	const struct health_subnet_inventory *inv; /* per subnet, NULL without --db */
	bool have_inventory;      /* --db given */
	uint64_t devices_inventory; /* devices in the inventory */
};

/* Build the report (allocates scopes); 0, or -1 on OOM. */
int health_report_build(const struct health_report_input *ri, struct health_report *r);
void health_report_free(struct health_report *r);

/* Exit status: 0 nothing failed or warned, 1 something warned, 2 failed. */
int health_report_exit(const struct health_report *r);

/* Formatting helpers shared by the renderers. */
void health_fmt_count(uint64_t v, char *buf, size_t len);   /* "1,234,567" */
void health_fmt_rate(double bits_per_s, char *buf, size_t len); /* "2.31 Mbit/s" */
void health_fmt_bytes(uint64_t v, char *buf, size_t len);   /* "1.2 MB" */
void health_fmt_duration(double s, char *buf, size_t len);  /* "12.3 s", "4 min 2 s" */
void health_fmt_time(uint64_t ns, char *buf, size_t len);   /* "2026-12-06 01:02:03.456 UTC" */
void health_fmt_protos(uint64_t mask, char *buf, size_t len); /* "modbus, s7comm" */

#endif
