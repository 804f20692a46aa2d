/*
 * job.h - what read, live and verify share around the pipeline: building
 * it from the options, the -w writer, the --packets printer, the --db
 * inventory, running the capture loop, and closing everything so that no
 * captured work is lost (outputs are flushed on errors and signals too).
 */
#ifndef MS_APP_JOB_H
#define MS_APP_JOB_H

#include "app/options.h"
#include "app/run.h"
#include "output/pcap_out.h"
#include "output/summary.h"

struct assets;

struct job {
	struct app_opts *o;
	const char *cmd;
	struct pipeline *pl;
	struct source src;
	bool src_open;
	struct pcap_out *writer;
	struct assets *assets;         /* --db inventory, NULL without --db */
	enum run_result result;
	double elapsed_s;
	const char *claims[SUMMARY_MAX_NOTES]; /* host claims (live tunnel sink) */
	unsigned nclaims;
};

/* Pipeline, writer, inventory, packet printer. Returns 0 or an exit code. */
int job_setup(struct job *j, struct app_opts *o, const char *cmd);
/* Open the file inputs of o. Returns 0 or an exit code (message printed). */
int job_open_files(struct job *j);
/* Run the loop until EOF, --duration or a signal. */
void job_run(struct job *j);
/* Fill a summary context for this job. */
void job_summary_ctx(const struct job *j, struct summary_ctx *c);
/* Flush and close outputs, save the inventory. Returns 0 or an exit code
 * (input ended early: 65; an output failed: 74). */
int job_close(struct job *j);

#endif
