/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The floor of a durable define, for tests/bench/run: what the file system
 * alone costs to make one small file durable the way mdevvirtiod writes a
 * definition (a temporary file created next to it, written, fsync'd,
 * renamed into place, the directory fsync'd), with no process start, no
 * bus and no daemon. mdevctl's define creates and writes its file without
 * either fsync.
 *
 *   durable-writes DIR COUNT [--no-fsync]
 *
 * writes COUNT new files into DIR (an existing directory), removes them
 * again (not timed), and prints "total_us=T per_file_us=P". --no-fsync
 * leaves both fsyncs out (what the same writes cost without durability).
 * Exit status 0, or 1 with a message naming the failed step.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The size of a typical definition (mdevctl's format, one attribute). */
static const char body[] = "{\n  \"mdev_type\": \"i915-GVTg_V5_4\",\n  \"start\": \"manual\",\n"
			   "  \"attrs\": [\n    {\n      \"bench_attr\": \"1\"\n    }\n  ]\n}\n";

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int die(const char *what, const char *name)
{
	fprintf(stderr, "durable-writes: %s %s: %s\n", what, name, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	char tmp[64], name[64];
	long long t0, total;
	int dfd, fd, durable;
	char *end;
	long count;

	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "--no-fsync") != 0)) {
		fprintf(stderr, "usage: durable-writes DIR COUNT [--no-fsync]\n");
		return 2;
	}
	errno = 0;
	count = strtol(argv[2], &end, 10);
	if (errno || *end || count < 1 || count > 1000000) {
		fprintf(stderr, "durable-writes: COUNT must be 1..1000000, not '%s'\n", argv[2]);
		return 2;
	}
	durable = argc == 3;
	dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return die("opening", argv[1]);

	t0 = now_us();
	for (long i = 0; i < count; i++) {
		snprintf(tmp, sizeof(tmp), ".#durable-%ld.tmp", i);
		snprintf(name, sizeof(name), "durable-%ld", i);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return die("creating", tmp);
		if (write(fd, body, sizeof(body) - 1) != (ssize_t)(sizeof(body) - 1))
			return die("writing", tmp);
		if (durable && fsync(fd) < 0)
			return die("fsync of", tmp);
		if (close(fd) < 0)
			return die("closing", tmp);
		if (renameat(dfd, tmp, dfd, name) < 0)
			return die("renaming", tmp);
		if (durable && fsync(dfd) < 0)
			return die("fsync of", argv[1]);
	}
	total = now_us() - t0;

	for (long i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "durable-%ld", i);
		if (unlinkat(dfd, name, 0) < 0)
			return die("removing", name);
	}
	close(dfd);
	printf("total_us=%lld per_file_us=%lld\n", total, total / count);
	return 0;
}
