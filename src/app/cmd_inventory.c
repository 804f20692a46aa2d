/*
 * cmd_inventory.c - `mirrorsense inventory [--db FILE] [--json|--csv]`:
 * print the device inventory that read / live / verify --db merged into
 * the SQLite file: the devices, then the conversation matrix (who talks to
 * whom, with which protocols, how much). Formats: docs/inventory.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "app/commands.h"
#include "assets/assets.h"

#define INVENTORY_DEFAULT_DB "mirrorsense.db"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mirrorsense inventory [--db FILE] [--json | --csv [--conversations]]\n"
		"  --db FILE          inventory file written by read/live/verify --db\n"
		"                     (default " INVENTORY_DEFAULT_DB " in the current directory)\n"
		"  --json             devices and conversations as one JSON document\n"
		"  --csv              devices as CSV (one row per device)\n"
		"  --conversations    with --csv: the conversation matrix instead\n");
}

int cmd_inventory(int argc, char **argv)
{
	enum { OPT_DB = 1000, OPT_JSON, OPT_CSV, OPT_CONV, OPT_HELP };
	static const struct option opts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "conversations", no_argument, NULL, OPT_CONV },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = INVENTORY_DEFAULT_DB;
	bool json = false, csv = false, conv = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: db = optarg; break;
		case OPT_JSON: json = true; break;
		case OPT_CSV: csv = true; break;
		case OPT_CONV: conv = true; break;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc || (json && csv) || (conv && !csv)) {
		fprintf(stderr, "mirrorsense inventory: %s\n",
			optind < argc ? "unexpected argument" :
			json && csv ? "--json and --csv exclude each other" :
				      "--conversations goes with --csv");
		usage(stderr);
		return EXIT_USAGE;
	}
	FILE *probe = fopen(db, "rb");
	if (!probe) {
		fprintf(stderr, "mirrorsense inventory: %s: no such inventory (create it with read/live --db)\n",
			db);
		return EXIT_NOINPUT;
	}
	fclose(probe);
	char err[512];
	struct assets *a = assets_load(db, err, sizeof err);
	if (!a) {
		fprintf(stderr, "mirrorsense inventory: %s\n", err);
		return EXIT_DATAERR;
	}
	assets_print(a, stdout, json ? ASSETS_JSON : csv ? (conv ? ASSETS_CSV_CONV : ASSETS_CSV)
						     : ASSETS_TEXT);
	assets_close(a);
	if (fflush(stdout) != 0 || ferror(stdout))
		return EXIT_IOERR;
	return EXIT_OK;
}
