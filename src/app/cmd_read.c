/*
 * cmd_read.c - `mirrorsense read FILE...`: every mirroring method in,
 * original frames out, with a summary of what the mirror delivered.
 */
#include <stdio.h>
#include <string.h>

#include "app/commands.h"
#include "app/job.h"

int cmd_read(int argc, char **argv)
{
	struct app_opts o;
	struct job j;
	int rc = app_opts_parse(&o, "read", argc, argv, NULL);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (o.nifaces) {
		fprintf(stderr, "mirrorsense read: reads files; use 'mirrorsense live -i IF' to capture\n");
		return EXIT_USAGE;
	}
	if (!o.nfiles) {
		fprintf(stderr, "mirrorsense read: no input file given (use '-' for standard input)\n");
		return EXIT_USAGE;
	}
	if (app_check_stdout_pcap(&o, "read"))
		return EXIT_USAGE;
	if ((rc = job_setup(&j, &o, "read")) || (rc = job_open_files(&j))) {
		job_close(&j);
		return rc;
	}
	job_run(&j);
	if (!o.quiet) {
		struct summary_ctx sc;
		job_summary_ctx(&j, &sc);
		if (o.json)
			summary_json(stdout, &sc);
		else
			summary_text(stdout, &sc);
	}
	return job_close(&j);
}
