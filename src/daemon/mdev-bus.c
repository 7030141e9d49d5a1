/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "log.h"
#include "mdev-bus.h"
#include "root-path.h"

/*
 * Ours first: when a parent name exists on both buses, lookups that take the
 * first match prefer mdev_virtio. vfio's mdev core has no configure-before-bind
 * (its devices bind to vfio_mdev at once and vendor attributes are written
 * afterwards, as mdevctl does).
 */
static const struct mdev_bus bus_table[] = {
    {
	.name = "mdev_virtio",
	.class_dir = "/sys/class/mdev_virtio_bus",
	.bus_dir = "/sys/bus/mdev_virtio",
	.configure_before_bind = true,
    },
    {
	.name = "mdev",
	.class_dir = "/sys/class/mdev_bus",
	.bus_dir = "/sys/bus/mdev",
	.configure_before_bind = false,
    },
};

const struct mdev_bus *mdev_bus_get(size_t i)
{
	return i < ELEMENTSOF(bus_table) ? &bus_table[i] : NULL;
}

const struct mdev_bus *mdev_bus_from_name(const char *name)
{
	const struct mdev_bus *b;

	if (!name)
		return NULL;
	for (size_t i = 0; (b = mdev_bus_get(i)); i++)
		if (streq(b->name, name))
			return b;
	return NULL;
}

static int open_under_root(const char *path, int flags)
{
	_cleanup_free_ char *p = NULL;
	int fd, r;

	r = root_path(path, &p);
	if (r < 0)
		return r;
	fd = open(p, flags | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

int mdev_sysfs_read(const char *path, char **ret)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t n;
	ssize_t k;

	fd = open_under_root(path, O_RDONLY);
	if (fd < 0)
		return fd;
	buf = malloc(MDEV_SYSFS_VALUE_MAX + 2);
	if (!buf)
		return -ENOMEM;
	/*
	 * One read: sysfs hands over an attribute whole in one, a regular file
	 * (a fake tree) all it has up to the size asked. A read that fills the
	 * buffer is a value over the limit.
	 */
	k = read(fd, buf, MDEV_SYSFS_VALUE_MAX + 1);
	if (k < 0)
		return -errno;
	n = (size_t)k;
	if (n > MDEV_SYSFS_VALUE_MAX)
		return -EFBIG;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	*ret = TAKE_PTR(buf);
	return 0;
}

int mdev_sysfs_write(const char *path, const char *value)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);
	ssize_t k;

	if (len > MDEV_SYSFS_VALUE_MAX)
		return -E2BIG;
	/* O_TRUNC is what a shell redirection does; sysfs accepts and ignores it. */
	fd = open_under_root(path, O_WRONLY | O_TRUNC | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	/* One write() is one store(): the kernel sees the whole value or an error. */
	k = write(fd, value, len);
	if (k < 0)
		return -errno;
	if ((size_t)k != len)
		return -EIO;
	return 0;
}

int mdev_sysfs_exists(const char *path)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;
	int r;

	r = root_path(path, &p);
	if (r < 0)
		return r;
	if (lstat(p, &st) == 0)
		return 1;
	return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
}

int mdev_uevent_seqnum(uint64_t *ret)
{
	_cleanup_free_ char *s = NULL;
	unsigned long long v;
	char *end;
	int r;

	r = mdev_sysfs_read("/sys/kernel/uevent_seqnum", &s);
	if (r < 0)
		return r;
	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int mdev_sysfs_parse_uint(const char *s, int *ret)
{
	char *end;
	long l;

	if (isempty(s) || s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	l = strtol(s, &end, 10);
	if (errno || *end || l > INT_MAX)
		return -EINVAL;
	*ret = (int)l;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	/* Byte order, not alphasort's locale collation: the same order on every system. */
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory entry that is a directory itself, not a link to one. */
static bool entry_is_real_dir(DIR *dir, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	/* A file system that does not say (sysfs does): ask. */
	return fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

static int list_entries(const char *path, bool dirs_only, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *p = NULL;
	struct dirent *de;
	size_t n = 0, room = 1;
	DIR *dir;
	int r;

	r = root_path(path, &p);
	if (r < 0)
		return r;
	dir = opendir(p);
	if (!dir)
		return -errno;
	names = calloc(1, sizeof(char *));
	r = names ? 0 : -ENOMEM;
	while (r == 0 && (errno = 0, de = readdir(dir))) {
		char **grown;

		if (streq(de->d_name, ".") || streq(de->d_name, "..") ||
		    (dirs_only && !entry_is_real_dir(dir, de)))
			continue;
		if (n + 2 > room) {
			/* Doubling: a bus with thousands of devices is listed in O(n). */
			grown = reallocarray(names, 2 * room, sizeof(char *));
			if (!grown) {
				r = -ENOMEM;
				break;
			}
			names = grown;
			room *= 2;
		}
		names[n] = strdup(de->d_name);
		names[n + 1] = NULL;
		if (!names[n])
			r = -ENOMEM;
		else
			n++;
	}
	if (r == 0 && errno)
		r = -errno;
	closedir(dir);
	if (r < 0)
		return r;
	qsort(names, n, sizeof(char *), name_cmp);
	*ret = TAKE_PTR(names);
	return 0;
}

int mdev_sysfs_list_dir(const char *path, char ***ret)
{
	return list_entries(path, false, ret);
}

int mdev_sysfs_list_subdirs(const char *path, char ***ret)
{
	return list_entries(path, true, ret);
}

const char *mdev_errno_describe(int err)
{
	switch (err < 0 ? -err : err) {
	case EEXIST:
		return "Device already exists";
	case EUSERS:
		return "No instances left";
	case EINVAL:
		return "Invalid argument";
	case EBUSY:
		return "Busy: a driver is bound or the device is in use";
	case ENODEV:
		return "No such device";
	case EOPNOTSUPP:
		return "Type not supported";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

int mdev_error(char **ret_error, int err, const char *format, ...)
{
	_cleanup_free_ char *what = NULL;
	char *msg, unknown[32];
	const char *name;
	va_list ap;
	int r;

	err = negative_errno(err);
	if (!ret_error)
		return err;
	va_start(ap, format);
	r = vasprintf(&what, format, ap);
	va_end(ap);
	if (r < 0)
		return err;
	name = strerrorname_np(-err);
	if (!name) {
		snprintf(unknown, sizeof(unknown), "errno %d", -err);
		name = unknown;
	}
	if (asprintf(&msg, "%s: %s (%s)", what, mdev_errno_describe(err), name) < 0)
		return err;
	log_debug("%s", msg);
	free(*ret_error);
	*ret_error = msg;
	return err;
}
