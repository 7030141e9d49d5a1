/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The definition validator, fed the way D-Bus Define/Modify feed it: arbitrary
 * strings (not JSON, so bytes json-c would refuse reach it too). The input is
 * NUL-separated fields:
 *   parent, uuid, type, start ("auto"/anything), then name/value pairs
 * given to definition_attr_insert() at an index taken from the name's length
 * (and once past the end, which must be refused).
 * What must hold: definition_new() and the mutators accept only what keeps
 * the invariants, refuse with documented errnos and printable messages, and
 * whatever they accept survives definition_to_json() -> definition_from_json()
 * unchanged (the daemon persists exactly this) and definition_dup().
 */
#include <errno.h>

#include "definition.h"
#include "fuzz-util.h"
#include "name-check.h"

/* Enough fields for more than DEFINITION_ATTRS_MAX attributes. */
#define FIELDS_MAX (4 + 2 * (DEFINITION_ATTRS_MAX + 2))

static bool errno_documented(int r)
{
	return r == -EINVAL || r == -E2BIG || r == -ENAMETOOLONG || r == -ERANGE || r == -ENOMEM;
}

static void check_refusal(int r, char *error)
{
	FUZZ_ASSERT(errno_documented(r), "errno %d", r);
	FUZZ_ASSERT(error || r == -ENOMEM);
	FUZZ_ASSERT(fuzz_is_printable_ascii(error), "message: %s", error);
	free(error);
}

static void check_round_trip(const struct definition *d)
{
	_cleanup_definition_free_ struct definition *again = NULL, *copy = NULL;
	_cleanup_free_ char *json = NULL, *error = NULL;
	size_t n;
	int r;

	r = definition_to_json(d, &json, &n);
	FUZZ_ASSERT(r == 0, "definition_to_json: %d", r);
	r = definition_from_json(d->parent, d->uuid, json, n, &again, &error);
	FUZZ_ASSERT(r == 0, "the serialised definition does not parse (%d): %s", r,
		    strempty(error));
	FUZZ_ASSERT(definition_equal(d, again), "round trip changed the definition:\n%s", json);
	r = definition_dup(d, &copy);
	FUZZ_ASSERT(r == 0 && definition_equal(d, copy), "definition_dup: %d", r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_definition_free_ struct definition *d = NULL;
	_cleanup_free_ char *buf = NULL, **f = NULL;
	char *error = NULL;
	enum definition_start start;
	int n, r;

	n = fuzz_split(data, size, FIELDS_MAX, &buf, &f);
	if (n < 4)
		return 0;
	start = streq(f[3], "auto") ? DEFINITION_START_AUTO : DEFINITION_START_MANUAL;
	r = definition_new(f[0], f[1], f[2], start, &d, &error);
	if (r < 0) {
		FUZZ_ASSERT(!d);
		check_refusal(r, error);
		return 0;
	}
	FUZZ_ASSERT(!error);
	FUZZ_ASSERT(uuid_is_normalized(d->uuid));

	for (int i = 4; i + 1 < n; i += 2) {
		size_t before = d->n_attrs, index = strlen(f[i]) % (d->n_attrs + 1);

		/* Past the end is refused whatever the name and value. */
		r = definition_attr_insert(d, before + 1, f[i], f[i + 1], &error);
		FUZZ_ASSERT(r == -ERANGE && d->n_attrs == before, "insert past the end: %d", r);
		check_refusal(r, error);
		error = NULL;

		r = definition_attr_insert(d, index, f[i], f[i + 1], &error);
		if (r < 0) {
			FUZZ_ASSERT(d->n_attrs == before);
			check_refusal(r, error);
			error = NULL;
			continue;
		}
		FUZZ_ASSERT(d->n_attrs == before + 1 && d->n_attrs <= DEFINITION_ATTRS_MAX);
		FUZZ_ASSERT(streq(d->attrs[index].name, f[i]) &&
			    streq(d->attrs[index].value, f[i + 1]));
		FUZZ_ASSERT(name_is_valid(f[i], NAME_MAX_ATTR));
	}
	if (n > 4 && d->n_attrs > 0 && f[n - 1][0] == 'x') {
		/* A trailing field starting with 'x' also removes one: the mutator's other half. */
		r = definition_attr_remove(d, d->n_attrs / 2, &error);
		FUZZ_ASSERT(r == 0, "definition_attr_remove: %d", r);
	}
	check_round_trip(d);
	return 0;
}
