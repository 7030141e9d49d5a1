/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /proc/<pid>/status parsing for the privilege check: the input is the file's
 * text, exactly @size bytes with no terminating NUL (as read(2) leaves it), so
 * AddressSanitizer sees any read past the end. What must hold:
 * caller_process_parse_status() returns 0 or -EBADMSG, leaves its output
 * untouched on failure, and what it accepts is what it reads back from the
 * canonical status lines holding the same values; the parsed process is
 * never in our user namespace, so it is never admitted.
 */
#include <errno.h>
#include <inttypes.h>

#include "caller-process.h"
#include "fuzz-util.h"

static void check_canonical(const struct caller_process *p)
{
	struct caller_process again;
	char text[256];
	int n, r;

	n = snprintf(text, sizeof(text),
		     "Name:\tx\nUid:\t%u\t%u\t%u\t%u\nCapEff:\t%016" PRIx64 "\nCapAmb:\t%016" PRIx64
		     "\n",
		     (unsigned)p->uids[0], (unsigned)p->uids[1], (unsigned)p->uids[2],
		     (unsigned)p->uids[3], p->cap_effective, p->cap_ambient);
	FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(text));
	r = caller_process_parse_status(text, (size_t)n, &again);
	FUZZ_ASSERT(r == 0, "canonical text refused: %d\n%s", r, text);
	FUZZ_ASSERT(memcmp(p->uids, again.uids, sizeof(p->uids)) == 0 &&
			p->cap_effective == again.cap_effective &&
			p->cap_ambient == again.cap_ambient,
		    "%s", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = malloc(size ? size : 1);
	struct caller_process p, sentinel;
	int r;

	if (!text)
		return 0;
	/* A buffer of exactly @size bytes: nothing after the input to read by mistake. */
	memcpy(text, data, size);
	memset(&sentinel, 0xa5, sizeof(sentinel));
	p = sentinel;

	r = caller_process_parse_status(text, size, &p);
	if (r < 0) {
		FUZZ_ASSERT(r == -EBADMSG, "errno %d", r);
		FUZZ_ASSERT(memcmp(&p, &sentinel, sizeof(p)) == 0, "output changed on failure");
		return 0;
	}
	FUZZ_ASSERT(r == 0);
	FUZZ_ASSERT(!p.same_user_namespace);
	FUZZ_ASSERT(!caller_process_admits(&p, p.uids[0]));
	check_canonical(&p);
	return 0;
}
