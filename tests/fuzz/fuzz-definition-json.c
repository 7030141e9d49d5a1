/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The definition file format: the input is the content of one mdevctl JSON
 * file, parsed and validated by definition_from_json() as the store does for
 * <dir>/mvsim/<uuid>. What must hold:
 *   - a refusal is one of the documented errnos, with a printable-ASCII
 *     message (it goes into D-Bus replies), and leaves no definition behind;
 *   - an accepted definition satisfies the constructors' invariants;
 *   - parse -> definition_to_json() -> parse gives an equal definition, and
 *     serialising that again gives the same bytes (the file the daemon writes
 *     is one it reads back, unchanged).
 */
#include <errno.h>

#include "definition.h"
#include "fuzz-util.h"
#include "name-check.h"

#define PARENT "mvsim"
#define UUID "83c32df7-d52e-4ec1-9668-1f3c7e4df107"

static void check_invariants(const struct definition *d)
{
	FUZZ_ASSERT(name_is_valid(d->parent, NAME_MAX_PARENT));
	FUZZ_ASSERT(uuid_is_normalized(d->uuid));
	FUZZ_ASSERT(name_is_valid(d->mdev_type, NAME_MAX_TYPE));
	FUZZ_ASSERT(d->start == DEFINITION_START_AUTO || d->start == DEFINITION_START_MANUAL);
	FUZZ_ASSERT(d->n_attrs <= DEFINITION_ATTRS_MAX);
	for (size_t i = 0; i < d->n_attrs; i++) {
		FUZZ_ASSERT(name_is_valid(d->attrs[i].name, NAME_MAX_ATTR));
		FUZZ_ASSERT(strlen(d->attrs[i].value) <= DEFINITION_VALUE_MAX);
	}
}

static bool errno_documented(int r)
{
	return r == -EINVAL || r == -EFBIG || r == -E2BIG || r == -ENAMETOOLONG || r == -ENOMEM;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_definition_free_ struct definition *d = NULL, *again = NULL;
	_cleanup_free_ char *error = NULL, *json = NULL, *json2 = NULL;
	size_t n, n2;
	int r;

	r = definition_from_json(PARENT, UUID, (const char *)data, size, &d, &error);
	if (r < 0) {
		FUZZ_ASSERT(errno_documented(r), "errno %d", r);
		FUZZ_ASSERT(!d);
		FUZZ_ASSERT(error || r == -ENOMEM);
		FUZZ_ASSERT(fuzz_is_printable_ascii(error), "message: %s", error);
		return 0;
	}
	FUZZ_ASSERT(!error, "message on success: %s", error);
	check_invariants(d);

	r = definition_to_json(d, &json, &n);
	FUZZ_ASSERT(r == 0, "definition_to_json: %d", r);
	FUZZ_ASSERT(strlen(json) == n);
	r = definition_from_json(PARENT, UUID, json, n, &again, &error);
	FUZZ_ASSERT(r == 0, "re-parsing the serialised definition failed (%d): %s\n%s", r,
		    strempty(error), json);
	FUZZ_ASSERT(definition_equal(d, again), "round trip changed the definition:\n%s", json);

	r = definition_to_json(again, &json2, &n2);
	FUZZ_ASSERT(r == 0);
	FUZZ_ASSERT(n == n2 && memcmp(json, json2, n) == 0, "serialiser not stable:\n%s\n%s", json,
		    json2);
	return 0;
}
