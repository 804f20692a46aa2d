/*
 * event.h - named, counted events (malformed or unusual input).
 *
 * A decoder or stage that meets something it cannot use raises an event:
 * a stable dotted name from events.def and a counter. Events never abort
 * processing; the report shows every non-zero counter.
 */
#ifndef MS_CORE_EVENT_H
#define MS_CORE_EVENT_H

#include <stdint.h>

enum event_id {
#define EV(id, name, help) EV_##id,
#include "core/events.def"
#undef EV
	EV__COUNT
};

struct event_counts {
	uint64_t n[EV__COUNT];
};

/* Stable dotted name ("decode.erspan.bad_version") and one-line meaning. */
const char *event_name(enum event_id id);
const char *event_help(enum event_id id);

static inline void event_count(struct event_counts *ec, enum event_id id)
{
	ec->n[id]++;
}

#endif
