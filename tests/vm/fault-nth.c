// SPDX-License-Identifier: GPL-2.0-only
/*
 * fault-nth: run one system call with the N-th fault-injection point in it
 * failed, through /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION; with
 * failslab and fail_page_alloc configured to count GFP_KERNEL allocations).
 *
 * usage: fault-nth N write FILE DATA    write(2) DATA to FILE (opened first)
 *        fault-nth N load MODULE.ko [PARAMS]   finit_module(2)
 *   N = 0 runs the call without injecting anything.
 *
 * Prints one line, "injected=<y|n> result=<ok|E...>" (n: the call ended
 * before reaching its N-th point, so it ran free of injected faults), and
 * exits 0; exits 2 on a usage or setup error, naming it. Everything that
 * can allocate in the kernel (opening the files) happens before fail-nth is
 * set, so the count covers the call alone. With FAULT_NTH_MARK=1 it writes
 * "fault-nth: begin" to the trace marker (/sys/kernel/tracing/trace_marker)
 * right before setting fail-nth and "fault-nth: end" after the call, so
 * that a trace of the fault points can be cut to what fail-nth counts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *errno_name(int err)
{
	static char buf[32];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static void usage(void)
{
	fprintf(stderr, "usage: fault-nth N write FILE DATA | fault-nth N load MODULE.ko [PARAMS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char num[32], *end;
	const char *data = "", *params = "";
	int load, fd, nth = -1, mark = -1, res, err;
	unsigned long n;
	ssize_t len;

	if (argc < 4)
		usage();
	errno = 0;
	n = strtoul(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || n > 1000000) {
		fprintf(stderr, "fault-nth: N must be a number 0..1000000, not '%s'\n", argv[1]);
		return 2;
	}
	if (!strcmp(argv[2], "write") && argc == 5) {
		load = 0;
		data = argv[4];
		fd = open(argv[3], O_WRONLY);
	} else if (!strcmp(argv[2], "load") && (argc == 4 || argc == 5)) {
		load = 1;
		if (argc == 5)
			params = argv[4];
		fd = open(argv[3], O_RDONLY | O_CLOEXEC);
	} else {
		usage();
	}
	if (fd < 0) {
		fprintf(stderr, "fault-nth: cannot open '%s': %s\n", argv[3], strerror(errno));
		return 2;
	}
	if (getenv("FAULT_NTH_MARK") && !strcmp(getenv("FAULT_NTH_MARK"), "1")) {
		mark = open("/sys/kernel/tracing/trace_marker", O_WRONLY | O_CLOEXEC);
		if (mark < 0) {
			fprintf(stderr, "fault-nth: cannot open the trace marker: %s\n", strerror(errno));
			return 2;
		}
	}
	if (n) {
		nth = open("/proc/thread-self/fail-nth", O_RDWR);
		if (nth < 0) {
			fprintf(stderr, "fault-nth: cannot open /proc/thread-self/fail-nth: %s\n",
				strerror(errno));
			return 2;
		}
		len = snprintf(num, sizeof(num), "%lu", n);
		if (mark >= 0 && write(mark, "fault-nth: begin", 16) != 16) {
			fprintf(stderr, "fault-nth: cannot write the trace marker: %s\n", strerror(errno));
			return 2;
		}
		if (write(nth, num, len) != len) {
			fprintf(stderr, "fault-nth: cannot set fail-nth to %lu: %s\n", n, strerror(errno));
			return 2;
		}
	}

	if (load)
		res = syscall(SYS_finit_module, fd, params, 0);
	else
		res = write(fd, data, strlen(data)) < 0 ? -1 : 0;
	err = errno;
	if (mark >= 0 && write(mark, "fault-nth: end", 14) != 14) {
		fprintf(stderr, "fault-nth: cannot write the trace marker: %s\n", strerror(errno));
		return 2;
	}

	/* "0": the N-th point was reached and failed; N > 0: it was not reached. */
	len = 0;
	if (n) {
		len = pread(nth, num, sizeof(num) - 1, 0);
		if (len <= 0) {
			fprintf(stderr, "fault-nth: cannot read fail-nth: %s\n", strerror(errno));
			return 2;
		}
		num[len] = '\0';
		if (write(nth, "0", 1) != 1) {
			fprintf(stderr, "fault-nth: cannot reset fail-nth: %s\n", strerror(errno));
			return 2;
		}
	}
	printf("injected=%c result=%s\n", n && atoi(num) == 0 ? 'y' : 'n',
	       res == 0 ? "ok" : errno_name(err));
	return 0;
}
