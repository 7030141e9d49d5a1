/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the mdev layer makes of sysfs text. The input is the content of a type's
 * "available_instances" file in a fake root (the root_set() seam, a fresh
 * directory under $TMPDIR): mdev_sysfs_read() reads it as mdev-parent.c does,
 * mdev_sysfs_parse_uint() parses it, and mdev_attr_validate() judges it as an
 * attribute value (name taken from its first line). What must hold:
 *   - the read gives the content, one trailing newline dropped, or -EFBIG
 *     past MDEV_SYSFS_VALUE_MAX bytes;
 *   - parse_uint accepts exactly 1+ decimal digits with value <= INT_MAX,
 *     and gives that value;
 *   - attr_validate accepts only a valid name that is not a control file and
 *     a 1..MDEV_SYSFS_VALUE_MAX byte value without an inner newline.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "fuzz-util.h"
#include "mdev-bus.h"
#include "mdev-device.h"
#include "name-check.h"
#include "root-path.h"

#define TYPE_DIR "/sys/class/mdev_virtio_bus/mvsim/mdev_supported_types/mvsim-virtio_net"
#define FILE_PATH TYPE_DIR "/available_instances"

static char root[PATH_MAX];
static char *file_real; /* FILE_PATH under the fake root */

static void remove_root(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
}

/* A fresh root holding the type directory, removed again at exit. */
static void make_root(void)
{
	const char *tmp = getenv("TMPDIR");
	char *p;

	snprintf(root, sizeof(root), "%s/mdevvirtio-fuzz-XXXXXX", isempty(tmp) ? "/tmp" : tmp);
	FUZZ_ASSERT(mkdtemp(root), "mkdtemp %s: %m", root);
	atexit(remove_root);
	FUZZ_ASSERT(root_set(root) == 0);
	FUZZ_ASSERT(root_path(FILE_PATH, &file_real) == 0);
	for (p = file_real + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		FUZZ_ASSERT(mkdir(file_real, 0755) == 0 || errno == EEXIST, "mkdir %s: %m",
			    file_real);
		*p = '/';
	}
}

static void write_file(const uint8_t *data, size_t size)
{
	int fd = open(file_real, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	FUZZ_ASSERT(fd >= 0, "open %s: %m", file_real);
	FUZZ_ASSERT(size == 0 || write(fd, data, size) == (ssize_t)size);
	close(fd);
}

static bool uint_reference(const char *s, int *ret)
{
	long long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return false;
	}
	*ret = (int)v;
	return true;
}

static void check_uint(const char *s)
{
	int v = -1, ref = -1, r;
	bool ok = uint_reference(s, &ref);

	r = mdev_sysfs_parse_uint(s, &v);
	FUZZ_ASSERT((r == 0) == ok, "parse_uint('%s') = %d", s, r);
	FUZZ_ASSERT(r == 0 || r == -EINVAL);
	FUZZ_ASSERT(r < 0 || v == ref, "parse_uint('%s') gave %d", s, v);
}

static void check_attr(const char *value)
{
	_cleanup_free_ char *name = strndup(value, strcspn(value, "\n"));
	const char *reason = NULL, *nl = strchr(value, '\n');
	size_t len = strlen(value);
	bool ok;
	int r;

	if (!name)
		return;
	ok = name_is_valid(name, NAME_MAX_ATTR) && !streq(name, "remove") &&
	     !streq(name, "uevent") && len >= 1 && len <= MDEV_SYSFS_VALUE_MAX &&
	     (!nl || nl[1] == '\0');
	r = mdev_attr_validate(name, value, &reason);
	FUZZ_ASSERT((r == 0) == ok, "attr_validate('%s', '%s') = %d", name, value, r);
	FUZZ_ASSERT(r == 0 || (r == -EINVAL && reason));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *s = NULL;
	size_t want = size;
	int r;

	if (!file_real)
		make_root();
	write_file(data, size);

	r = mdev_sysfs_read(FILE_PATH, &s);
	if (size > MDEV_SYSFS_VALUE_MAX) {
		FUZZ_ASSERT(r == -EFBIG, "read of %zu bytes: %d", size, r);
		return 0;
	}
	FUZZ_ASSERT(r == 0, "read: %d", r);
	if (want > 0 && data[want - 1] == '\n')
		want--;
	FUZZ_ASSERT(memcmp(s, data, want) == 0 && s[want] == '\0');

	check_uint(s);
	check_attr(s);
	return 0;
}
