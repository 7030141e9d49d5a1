/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdevvirtioctl's argument parser: the input is argv, its elements separated
 * by NUL bytes, argv[0] included ("lsmdevvirtio" selects the lsmdev
 * behaviour, as cli_run() does). What must hold: cli_parse() never reads
 * outside argv, a refusal is -EINVAL with a message (or -ENOMEM), and an
 * accepted command is coherent: a known verb (or help/version), a normalised
 * UUID, strings that point into argv, an index within its limit. Help for
 * the verb is printed too, to a null stream.
 */
#include <errno.h>

#include "cli-args.h"
#include "fuzz-util.h"
#include "name-check.h"

/* One more than the parser allows, so its limit is exercised. */
#define ARGS_MAX (CLI_ARGS_MAX + 1)

static bool points_into(const char *p, const char *buf, size_t size)
{
	return !p || (p >= buf && p < buf + size);
}

static void check_command(const struct cli_command *c, const char *buf, size_t size)
{
	FUZZ_ASSERT(c->verb >= CLI_VERB_NONE && c->verb < _CLI_VERB_MAX);
	FUZZ_ASSERT(c->verb != CLI_VERB_NONE || c->help || c->version);
	FUZZ_ASSERT(!c->has_uuid || uuid_is_normalized(c->uuid), "uuid '%s'", c->uuid);
	FUZZ_ASSERT(c->index >= -1 && c->index <= CLI_INDEX_MAX);
	FUZZ_ASSERT(points_into(c->parent, buf, size) && points_into(c->type, buf, size) &&
		    points_into(c->jsonfile, buf, size) && points_into(c->addattr, buf, size) &&
		    points_into(c->value, buf, size) && points_into(c->import_dir, buf, size));
	FUZZ_ASSERT(!c->parent || name_is_valid(c->parent, NAME_MAX_PARENT));
	FUZZ_ASSERT(!c->type || name_is_valid(c->type, NAME_MAX_TYPE));
	FUZZ_ASSERT(!c->addattr || name_is_valid(c->addattr, NAME_MAX_ATTR));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	_cleanup_free_ char *buf = NULL, **argv = NULL, *error = NULL;
	struct cli_command c;
	const char *name;
	int argc, r;

	if (!null)
		null = fopen("/dev/null", "we");
	argc = fuzz_split(data, size, ARGS_MAX, &buf, &argv);
	if (argc < 1)
		return 0;
	name = strrchr(argv[0], '/');
	name = name ? name + 1 : argv[0];

	r = cli_parse(argc, argv, streq(name, "lsmdev") || streq(name, "lsmdevvirtio"), &c, &error);
	if (r < 0) {
		FUZZ_ASSERT(r == -EINVAL || r == -ENOMEM, "errno %d", r);
		FUZZ_ASSERT(error || r == -ENOMEM);
		return 0;
	}
	FUZZ_ASSERT(!error, "message on success: %s", error);
	check_command(&c, buf, size + 1);
	FUZZ_ASSERT(cli_verb_to_string(c.verb) || c.verb == CLI_VERB_NONE);
	FUZZ_ASSERT(cli_verb_from_string(strempty(cli_verb_to_string(c.verb))) == c.verb);
	if (null)
		cli_help(null, c.verb);
	return 0;
}
