/*
 * oui.c - the vendor of a MAC address from the IEEE registration authority
 * lists that Debian's ieee-data package installs (/usr/share/ieee-data):
 * MA-L (oui.txt, 24-bit prefixes). The file is read at run time, once, on
 * the first lookup, never copied into the source; MS_OUI_FILE overrides
 * the path. Lines used: "XXXXXX     (base 16)\t\tOrganization".
 * Locally administered addresses (bit 0x02 of the first byte) have no
 * registered vendor and say so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets/assets_int.h"

#define OUI_DEFAULT_PATH "/usr/share/ieee-data/oui.txt"
#define OUI_MAX_ENTRIES 65536   /* MA-L holds ~35k; more lines are ignored */
#define OUI_NAME_LEN 48

struct oui_entry {
	uint32_t prefix;            /* 24-bit OUI */
	char name[OUI_NAME_LEN];    /* organisation, cut to fit */
};

static struct oui_entry *oui_table;
static size_t oui_count;
static bool oui_loaded;

static int cmp_entry(const void *x, const void *y)
{
	uint32_t a = ((const struct oui_entry *)x)->prefix;
	uint32_t b = ((const struct oui_entry *)y)->prefix;
	return a < b ? -1 : a > b;
}

static void oui_free(void)
{
	free(oui_table);
	oui_table = NULL;
	oui_count = 0;
}

static void oui_load(void)
{
	oui_loaded = true;
	const char *path = getenv("MS_OUI_FILE");
	FILE *f = fopen(path && *path ? path : OUI_DEFAULT_PATH, "r");
	if (!f)
		return;
	oui_table = calloc(OUI_MAX_ENTRIES, sizeof *oui_table);
	if (!oui_table) {
		fclose(f);
		return;
	}
	atexit(oui_free);
	char line[512];
	while (fgets(line, sizeof line, f) && oui_count < OUI_MAX_ENTRIES) {
		char *p = strstr(line, "(base 16)");
		if (!p || p - line < 6)
			continue;
		unsigned v;
		if (sscanf(line, "%6x", &v) != 1)
			continue;
		p += strlen("(base 16)");
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, "\r\n");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		struct oui_entry *e = &oui_table[oui_count++];
		e->prefix = v;
		snprintf(e->name, sizeof e->name, "%.*s", (int)n, p);
	}
	fclose(f);
	qsort(oui_table, oui_count, sizeof *oui_table, cmp_entry);
}

const char *assets_oui_vendor(const uint8_t mac[6])
{
	if (mac[0] & 0x02)
		return "(locally administered)";
	if (!oui_loaded)
		oui_load();
	struct oui_entry key = { .prefix = ((uint32_t)mac[0] << 16) | (mac[1] << 8) | mac[2] };
	const struct oui_entry *e =
		oui_count ? bsearch(&key, oui_table, oui_count, sizeof key, cmp_entry) : NULL;
	return e ? e->name : "";
}
