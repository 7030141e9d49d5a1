/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers the fuzz targets share: an assertion that libFuzzer reports as a
 * crash (it aborts, so the input is saved), copying the input into a string,
 * and splitting it into fields on NUL bytes. Every helper allocates with
 * malloc(); the caller frees, and a leak is a finding like any other.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken property of the code under test: print where and why, then abort. */
#define FUZZ_ASSERT(cond, ...)                                                               \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			fprintf(stderr, "" __VA_ARGS__);                                     \
			fputc('\n', stderr);                                                 \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* @data as a NUL-terminated string (cut at the first NUL it holds), or NULL. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/*
 * Split @data on NUL bytes into at most @max strings, as argv is laid out:
 * *ret_buf owns the copy they point into, *ret_v (NULL-terminated) the array.
 * A trailing NUL ends the last field rather than starting an empty one.
 * Returns the number of fields, or -1 on allocation failure.
 */
static inline int fuzz_split(const uint8_t *data, size_t size, int max, char **ret_buf,
			     char ***ret_v)
{
	char *buf = fuzz_strdup(data, size), **v = calloc((size_t)max + 1, sizeof(char *));
	int n = 0;

	if (!buf || !v) {
		free(buf);
		free(v);
		return -1;
	}
	for (size_t i = 0; i < size && n < max; n++) {
		v[n] = buf + i;
		i += strlen(buf + i) + 1;
	}
	*ret_buf = buf;
	*ret_v = v;
	return n;
}

/* Messages are for D-Bus and logs: printable ASCII only, whatever the input was. */
static inline bool fuzz_is_printable_ascii(const char *s)
{
	for (; s && *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}
