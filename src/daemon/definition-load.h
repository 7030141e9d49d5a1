/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Resolving every name of a listing (definition-layers.h) at once, on a few
 * threads: reading and parsing 10,000 files is most of the daemon's start-up,
 * and each file is independent of the others. The result is the same as
 * resolving the names one after the other in listing order, whatever the
 * threads did: each name's outcome lands in its own slot, and the caller
 * takes the slots in order. Internal to the definition store.
 *
 * Threads only read the file system and allocate; they share nothing but the
 * listing (read-only) and a counter that hands out the next names.
 */
#pragma once

#include "definition-layers.h"

/* What resolving one name of the listing gave. */
struct definition_load_slot {
	struct definition *def; /* owned; NULL if absent, masked or bad */
	enum definition_layer layer;
	struct definition_bad_list bad; /* its bad files, in the order resolving found them */
};

/*
 * Resolve every name of @l under @parent into @ret_slots (@l->n of them; free
 * with definition_load_slots_free()). -ENOMEM is the only failure; then no
 * slots are returned.
 */
int definition_load_resolve(const char *parent, const struct definition_listing *l,
			    struct definition_load_slot **ret_slots);
void definition_load_slots_free(struct definition_load_slot *slots, size_t n);
