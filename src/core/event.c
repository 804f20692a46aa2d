/* event.c - names and meanings of the events listed in events.def. */
#include "core/event.h"

static const char *const names[EV__COUNT] = {
#define EV(id, name, help) [EV_##id] = name,
#include "core/events.def"
#undef EV
};

static const char *const helps[EV__COUNT] = {
#define EV(id, name, help) [EV_##id] = help,
#include "core/events.def"
#undef EV
};

const char *event_name(enum event_id id)
{
	return (unsigned)id < EV__COUNT ? names[id] : "unknown";
}

const char *event_help(enum event_id id)
{
	return (unsigned)id < EV__COUNT ? helps[id] : "";
}
