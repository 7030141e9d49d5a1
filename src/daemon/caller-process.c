/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading and judging the process behind a bus caller (caller-process.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "caller-process.h"
#include "macro.h"

/* Larger than any status file the kernel writes (about 1.5 KiB today). */
#define PROC_FILE_MAX 16384

enum {
	FIELD_UID = 1 << 0,
	FIELD_CAP_EFF = 1 << 1,
	FIELD_CAP_AMB = 1 << 2,
	FIELD_ALL = FIELD_UID | FIELD_CAP_EFF | FIELD_CAP_AMB,
};

/* A capability set: exactly 16 hex digits, as the kernel prints it. */
static int parse_caps(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 16; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return -EBADMSG;
		v = v << 4 | (unsigned)d;
	}
	if (s[i] != '\0')
		return -EBADMSG;
	*ret = v;
	return 0;
}

/* Four tab-separated decimal UIDs, digits only, each below 2^32. */
static int parse_uids(const char *s, uid_t ret[static 4])
{
	uid_t v[4];

	for (int i = 0; i < 4; i++) {
		uint64_t n = 0;
		const char *start = s;

		for (; *s >= '0' && *s <= '9'; s++) {
			n = n * 10 + (uint64_t)(*s - '0');
			if (n > UINT32_MAX)
				return -EBADMSG;
		}
		if (s == start || *s != (i < 3 ? '\t' : '\0'))
			return -EBADMSG;
		v[i] = (uid_t)n;
		s++;
	}
	memcpy(ret, v, sizeof(v));
	return 0;
}

/* One "Key:\tvalue" line (NUL-terminated, no newline) into @p; the field bit or 0. */
static int parse_line(const char *line, struct caller_process *p)
{
	int r;

	if (strncmp(line, "Uid:\t", 5) == 0)
		return (r = parse_uids(line + 5, p->uids)) < 0 ? r : FIELD_UID;
	if (strncmp(line, "CapEff:\t", 8) == 0)
		return (r = parse_caps(line + 8, &p->cap_effective)) < 0 ? r : FIELD_CAP_EFF;
	if (strncmp(line, "CapAmb:\t", 8) == 0)
		return (r = parse_caps(line + 8, &p->cap_ambient)) < 0 ? r : FIELD_CAP_AMB;
	return 0;
}

int caller_process_parse_status(const char *text, size_t len, struct caller_process *ret)
{
	struct caller_process p = {};
	unsigned seen = 0;

	while (len > 0) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;
		char line[64];
		int field;

		/* Lines we look at are short; long ones are other keys. */
		if (n < sizeof(line)) {
			memcpy(line, text, n);
			line[n] = '\0';
			field = parse_line(line, &p);
			if (field < 0 || (seen & (unsigned)field))
				return -EBADMSG;
			seen |= (unsigned)field;
		}
		text += n + (nl ? 1 : 0);
		len -= n + (nl ? 1 : 0);
	}
	if (seen != FIELD_ALL)
		return -EBADMSG;
	*ret = p;
	return 0;
}

/* The whole of a small proc file at @dirfd/@name into @buf; its length. */
static ssize_t read_proc_file(int dirfd, const char *name, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	size_t len = 0;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf + len, size - len);
		if (n < 0)
			return -errno;
		if (n == 0)
			return (ssize_t)len;
		len += (size_t)n;
		if (len == size)
			return -EFBIG;
	}
}

static int same_uid_map(int dirfd, bool *ret)
{
	_cleanup_close_ int self = -1;
	char theirs[PROC_FILE_MAX], ours[PROC_FILE_MAX];
	ssize_t a, b;

	self = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	a = read_proc_file(dirfd, "uid_map", theirs, sizeof(theirs));
	if (a < 0)
		return (int)a;
	b = read_proc_file(self, "uid_map", ours, sizeof(ours));
	if (b < 0)
		return (int)b;
	*ret = a == b && memcmp(theirs, ours, (size_t)a) == 0;
	return 0;
}

int caller_process_read(pid_t pid, struct caller_process *ret)
{
	_cleanup_close_ int dirfd = -1;
	struct caller_process p;
	char path[32], status[PROC_FILE_MAX];
	ssize_t len;
	int r;

	if (pid <= 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	len = read_proc_file(dirfd, "status", status, sizeof(status));
	if (len < 0)
		return (int)len;
	r = caller_process_parse_status(status, (size_t)len, &p);
	if (r < 0)
		return r;
	/*
	 * After the status: without CAP_SYS_ADMIN in ours, a process in a
	 * user namespace below ours never gets back into ours, so if it is in
	 * ours now, it was when its status was read.
	 */
	r = same_uid_map(dirfd, &p.same_user_namespace);
	if (r < 0)
		return r;
	*ret = p;
	return 0;
}

bool caller_process_admits(const struct caller_process *p, uid_t uid)
{
	const uint64_t bit = UINT64_C(1) << CAP_SYS_ADMIN;

	for (size_t i = 0; i < ELEMENTSOF(p->uids); i++)
		if (p->uids[i] != uid)
			return false;
	return p->same_user_namespace && (p->cap_effective & bit) && (p->cap_ambient & bit);
}
