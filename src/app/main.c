/*
 * main.c - the mirrorsense command line: one binary, subcommands in the
 * manner of `git` (mirrorsense read, live, verify, mirror, inventory).
 */
#include <stdio.h>
#include <string.h>

#include "app/commands.h"

#define MS_VERSION "0.1.0"

static const struct command commands[] = {
	/* name, handler, summary (one line per command; keep sorted by use) */
	{ "read", cmd_read, "decapsulate capture files, summarize the mirror (pcap/pcapng, '-' = stdin)" },
	{ "live", cmd_live, "capture mirrored traffic on interfaces (AF_PACKET), same summary as read" },
	{ "verify", cmd_verify, "mirror health report: per input, per session and overall checks (exit 0/1/2)" },
	{ "inventory", cmd_inventory, "devices and conversations from an inventory file (--db), text/JSON/CSV" },
	{ "mirror", cmd_mirror, "act as a mirror source: SPAN, RSPAN, ERSPAN II/III, VXLAN or GRE copies of interfaces" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mirrorsense COMMAND [OPTIONS]\n\ncommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\n'mirrorsense COMMAND --help' shows a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("mirrorsense %s\n", MS_VERSION);
		return EXIT_OK;
	}
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "mirrorsense: unknown command '%s'\n", name);
	usage(stderr);
	return EXIT_USAGE;
}
