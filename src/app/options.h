/*
 * options.h - command-line options shared by read, live and verify, so
 * that one flag means the same thing in every command. A command adds its
 * own options through struct app_extra.
 */
#ifndef MS_APP_OPTIONS_H
#define MS_APP_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

#include "capture/live.h"
#include "capture/source.h"
#include "pipeline/pipeline.h"

#define APP_MAX_EXTRA 24

struct app_opts {
	struct pipeline_config pipe;   /* decoder, admission, dedup, flow settings */
	const char *files[SOURCE_MAX_INPUTS];
	unsigned nfiles;
	const char *ifaces[SOURCE_MAX_INPUTS];
	unsigned nifaces;
	const char *bpf;               /* -f capture filter */
	const char *write_path;        /* -w clean frames */
	const char *db_path;           /* --db inventory */
	bool json;                     /* --json */
	bool packets;                  /* --packets: one line per packet */
	bool quiet;                    /* --quiet: no summary (benchmarks) */
	bool no_tunnel_sink;           /* live: let the host answer tunnels */
	double duration_s;             /* --duration */
	double status_interval_s;      /* --status-interval */
	unsigned top;                  /* --top N flows in the summary */
	bool explicit_rules;           /* any --erspan-session/--erspan-source given */
};

/* A command's own options: long options (val >= 1000) and their handler. */
struct app_extra {
	struct option opts[APP_MAX_EXTRA];   /* terminated by a zero entry */
	/* Return 0, or -1 after printing why the value is bad. */
	int (*handle)(void *ctx, int val, const char *arg);
	void *ctx;
	const char *usage;                   /* lines appended to the usage text */
};

/* Parse argv; returns 0, 1 when --help was printed, or -1 on a usage error
 * (message printed). cmd names the command in messages. */
int app_opts_parse(struct app_opts *o, const char *cmd, int argc, char **argv,
		   const struct app_extra *extra);

/*
 * Live-capture options, the same in every command that opens interfaces
 * (live, verify): put APP_LIVE_LONGOPTS in the command's app_extra.opts,
 * pass values in [APP_OPT_LIVE_FIRST, APP_OPT_LIVE_LAST] to
 * app_live_option(), append APP_LIVE_USAGE to its usage text and call
 * app_live_check() after parsing.
 */
enum {
	APP_OPT_LIVE_FIRST = 1050,
	APP_OPT_RING_MB = APP_OPT_LIVE_FIRST, /* --ring-mb N */
	APP_OPT_DIRECTION,                    /* --direction rx|tx|both */
	APP_OPT_NO_PROMISC,                   /* --no-promisc */
	APP_OPT_IGNORE_OUTGOING,              /* --ignore-outgoing */
	APP_OPT_BLOCK_TIMEOUT,                /* --block-timeout MS */
	APP_OPT_LIVE_LAST = APP_OPT_BLOCK_TIMEOUT,
};

#define APP_LIVE_LONGOPTS                                                        \
	{ "ring-mb", required_argument, NULL, APP_OPT_RING_MB },                 \
	{ "direction", required_argument, NULL, APP_OPT_DIRECTION },             \
	{ "no-promisc", no_argument, NULL, APP_OPT_NO_PROMISC },                 \
	{ "ignore-outgoing", no_argument, NULL, APP_OPT_IGNORE_OUTGOING },       \
	{ "block-timeout", required_argument, NULL, APP_OPT_BLOCK_TIMEOUT }

#define APP_LIVE_USAGE                                                                       \
	"      --direction D        rx, tx or both (default both) of each interface\n"          \
	"      --ignore-outgoing    skip what this host itself sends on the interfaces\n"       \
	"      --no-promisc         do not put the interfaces in promiscuous mode\n"            \
	"      --ring-mb N          kernel ring per interface in MiB (default 16)\n"            \
	"      --block-timeout MS   ring block timeout in ms (default 10)\n"

/* One live-capture option into lo: 0, or -1 after printing why the value
 * is bad (cmd names the command). */
int app_live_option(struct live_opts *lo, const char *cmd, int val, const char *arg);
/* After parsing: 0, or -1 after printing which options exclude each other. */
int app_live_check(const struct live_opts *lo, const char *cmd);

/* -w - puts pcap on standard output: refuse it (message printed, -1)
 * unless nothing else is printed there (--quiet, no --packets). */
int app_check_stdout_pcap(const struct app_opts *o, const char *cmd);

/* Parse "250ms", "2s", "500us", "1000000ns" or a bare number of ms. */
int app_parse_duration_ns(const char *s, uint64_t *ns);
/* Parse an unsigned integer within [min, max]. */
int app_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		   unsigned long long *v);

#endif
