/*
 * options.h - command-line options shared by read, live and verify, so
 * that one flag means the same thing in every command. A command adds its
 * own options through struct app_extra.
 */
#ifndef MS_APP_OPTIONS_H
#define MS_APP_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

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

/* Parse "250ms", "2s", "500us", "1000000ns" or a bare number of ms. */
int app_parse_duration_ns(const char *s, uint64_t *ns);
/* Parse an unsigned integer within [min, max]. */
int app_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		   unsigned long long *v);

#endif
