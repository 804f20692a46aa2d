/*
 * verify.h - the three renderings of a `mirrorsense verify` report: the
 * readable text report (default), --json, and --html FILE (one
 * self-contained page with inline SVG plots, no scripts, no network).
 * They print what health/report.h decided; they judge nothing.
 */
#ifndef MS_OUTPUT_VERIFY_H
#define MS_OUTPUT_VERIFY_H

#include <stdio.h>

#include "health/report.h"

/* Describes the run for the report header. */
struct verify_meta {
	const char *version;       /* mirrorsense version */
	const char *expect_path;   /* --expect FILE or NULL */
	double elapsed_s;          /* wall-clock run time */
	bool stopped;              /* live run ended by --duration or a signal */
	const char *input_error;   /* input ended early (message) or NULL */
};

void verify_text(FILE *f, const struct health_report *r, const struct verify_meta *m);
void verify_json(FILE *f, const struct health_report *r, const struct verify_meta *m);
/* 0, or -1 when the file could not be written (errno set). */
int verify_html(const char *path, const struct health_report *r, const struct verify_meta *m);

#endif
