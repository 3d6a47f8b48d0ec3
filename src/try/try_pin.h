/* SPDX-License-Identifier: GPL-2.0 */
/* --pin DIR: the simple form's maps pinned for the user's tools (try_pin.c); src/try only. */
#ifndef OLAB_TRY_PIN_H
#define OLAB_TRY_PIN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define TRY_PINS_MAX 32	     /* maps of one object */
#define TRY_PIN_PATH_MAX 256 /* a pin's path */

struct bpf_object;

struct try_pins {
	char path[TRY_PINS_MAX][TRY_PIN_PATH_MAX];
	uint32_t id[TRY_PINS_MAX]; /* the map's, so that only our pin is ever removed */
	int n;
};

/* Whether dir is a folder on bpffs (where pins can be), else -errno with why. */
int try_pin_dir_check(const char *dir, char *why, size_t whylen);
/*
 * Every map of the loaded obj pinned as dir/<map name> (a dot made '_': bpffs refuses dots, and
 * libbpf names the object's globals "<obj>.bss"); rec(arg, pins as JSON) is called
 * first, with the paths it is about to make (the agent's record). A name that is there
 * already is refused, never reused or replaced. 0, or -errno with why and nothing pinned.
 */
int try_pins_make(struct try_pins *p, struct bpf_object *obj, const char *dir,
		  int (*rec)(void *arg, json_t *pins), void *arg, char *why, size_t whylen);
/* The pins as JSON: [{"path": ..., "id": ...}]. */
json_t *try_pins_json(const struct try_pins *p);
/* Each pin removed if it is still the map it was made for; how many. */
int try_pins_remove(struct try_pins *p);
/* The same for a record (a killed agent's), each removal said through say (may be NULL). */
void try_pins_remove_json(json_t *pins, void (*say)(const char *text));

#endif
