/*
 * run.h - the capture loop shared by read, live and verify: packets from a
 * source into the pipeline, a status line every few seconds (live), an end
 * after --duration, and a clean stop on SIGINT/SIGTERM so that outputs are
 * flushed and the summary is printed.
 */
#ifndef MS_APP_RUN_H
#define MS_APP_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "capture/source.h"
#include "pipeline/pipeline.h"

struct run_opts {
	double duration_s;          /* stop after this many seconds (0 = until EOF/signal) */
	double status_interval_s;   /* status line period (0 = none) */
	FILE *status_out;           /* where status lines go (stderr) */
	/* Called after each status line (e.g. to save the inventory); may be NULL. */
	void (*on_status)(void *ctx);
	void *ctx;
};

enum run_result {
	RUN_EOF = 0,        /* input ended */
	RUN_STOPPED,        /* signal or --duration */
	RUN_ERROR,          /* source error (see source.err) */
};

/* Install SIGINT/SIGTERM handlers that ask the loop to stop. */
void run_install_signals(void);
/* True once a stop was asked for (signal). */
bool run_stop_requested(void);
/* The signal that stopped the run, 0 if none. */
int run_stop_signal(void);

enum run_result run_source(struct pipeline *pl, struct source *src, const struct run_opts *o);

#endif
