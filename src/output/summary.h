/*
 * summary.h - the end-of-run summary of read and live: a text report a
 * person reads at a glance, or the same content as one JSON document
 * (docs/json.md describes every key).
 */
#ifndef MS_OUTPUT_SUMMARY_H
#define MS_OUTPUT_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "capture/source.h"
#include "pipeline/pipeline.h"

#define SUMMARY_MAX_NOTES 16

struct summary_ctx {
	const char *command;            /* "read" / "live" */
	const struct pipeline *pl;
	const struct source *src;
	bool explicit_rules;            /* tunnel rules were given */
	unsigned top;                   /* flows listed */
	bool stopped;                   /* stopped by signal / duration */
	double elapsed_s;               /* wall time of the run */
	/* Lines describing what the sensor claimed on the host (tunnel sink). */
	const char *claims[SUMMARY_MAX_NOTES];
	unsigned nclaims;
	const char *input_error;        /* an input ended early (truncated file) */
	const struct event_counts *extra_events; /* inventory (proto.*, assets.*) events, NULL without --db */
};

void summary_text(FILE *f, const struct summary_ctx *c);
void summary_json(FILE *f, const struct summary_ctx *c);

/* "203.0.113.5" / "2001:db8::1" / "-" */
void summary_format_addr(const struct ip_addr *a, char *buf, size_t len);

#endif
