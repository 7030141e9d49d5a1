/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Definition files on disk. Contract in definition-file.h.
 *
 * Reading never blocks (O_NONBLOCK, so a FIFO dropped in is refused, not
 * waited on) and never reads more than DEFINITION_JSON_SIZE_MAX + 1 bytes.
 * Writing goes through a hidden temporary name in the target directory, which
 * the store and the watcher ignore, so readers see the old file or the new
 * one, never a partial one, even across a crash.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "definition-file.h"
#include "name-check.h"
#include "uuid-util.h"

static int _printf_(3, 4) fail(char **ret_error, int r, const char *format, ...)
{
	va_list ap;
	char *m;

	if (!ret_error)
		return r;
	va_start(ap, format);
	errno = -r; /* for %m */
	if (vasprintf(&m, format, ap) >= 0)
		*ret_error = m;
	va_end(ap);
	return r;
}

/* 1 if the symlink @path points to /dev/null. */
static int symlink_is_mask(const char *path)
{
	char target[sizeof(DEFINITION_MASK_TARGET) + 1];
	ssize_t n;

	n = readlink(path, target, sizeof(target));
	if (n < 0)
		return -errno;
	return (size_t)n == strlen(DEFINITION_MASK_TARGET) &&
	       memcmp(target, DEFINITION_MASK_TARGET, (size_t)n) == 0;
}

/*
 * Up to @max bytes of @fd into @buf; a read that reaches @expect bytes (the
 * size fstat() saw, or SIZE_MAX) ends there, as a file still being written
 * is read again by the watcher.
 */
static int read_upto(int fd, char *buf, size_t max, size_t expect, size_t *ret_size)
{
	size_t n = 0;

	while (n < max) {
		ssize_t k = read(fd, buf + n, max - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			break;
		n += (size_t)k;
		if (n >= expect && n < max)
			break;
	}
	*ret_size = n;
	return 0;
}

/* Read at most DEFINITION_JSON_SIZE_MAX + 1 bytes: one more than allowed tells "too large". */
static int read_limited(int fd, char **ret, size_t *ret_size)
{
	const size_t max = DEFINITION_JSON_SIZE_MAX + 1;
	_cleanup_free_ char *buf = malloc(max);
	int r;

	if (!buf)
		return -ENOMEM;
	r = read_upto(fd, buf, max, SIZE_MAX, ret_size);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(buf);
	return 0;
}

/* MASKED, or a refusal, from what @st (the file, links followed) is; 0 for a regular file. */
static int check_kind(const struct stat *st, char **ret_error)
{
	if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3))
		return DEFINITION_FILE_MASKED;
	if (S_ISDIR(st->st_mode))
		return fail(ret_error, -EISDIR, "Is a directory");
	if (!S_ISREG(st->st_mode))
		return fail(ret_error, -EINVAL, "Not a regular file");
	if (st->st_size > DEFINITION_JSON_SIZE_MAX)
		return fail(ret_error, -EFBIG, "File is too large (%lld bytes, limit %d)",
			    (long long)st->st_size, DEFINITION_JSON_SIZE_MAX);
	return 0;
}

/*
 * MASKED, or DEFINED with *ret_fd open on a regular file within the size
 * limit. Only a regular file is ever opened: opening a FIFO or a device node
 * as root has effects of its own (a watchdog starts counting, a tape
 * rewinds), so what the path is gets decided by stat() first, and fstat()
 * afterwards makes sure the same file was opened.
 */
static int open_checked(const char *path, bool is_link, int *ret_fd, char **ret_error)
{
	_cleanup_close_ int fd = -1;
	struct stat before, st;
	int r;

	if (stat(path, &before) < 0)
		return fail(ret_error, -errno,
			    is_link ? "Cannot follow symlink: %m" : "Cannot stat: %m");
	r = check_kind(&before, ret_error);
	if (r != 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fail(ret_error, -errno,
			    is_link ? "Cannot follow symlink: %m" : "Cannot open: %m");
	if (fstat(fd, &st) < 0)
		return fail(ret_error, -errno, "Cannot stat: %m");
	if (st.st_dev != before.st_dev || st.st_ino != before.st_ino)
		return fail(ret_error, -EAGAIN, "Replaced while being read");
	r = check_kind(&st, ret_error);
	if (r != 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return DEFINITION_FILE_DEFINED;
}

/* What read_upto() gave: DEFINED, or the refusal of a file too large or not a definition. */
static int parse_read(const char *parent, const char *uuid, const char *buf, size_t size,
		      struct definition **ret, char **ret_error)
{
	int r;

	if (size > DEFINITION_JSON_SIZE_MAX)
		return fail(ret_error, -EFBIG, "File is too large (more than %d bytes)",
			    DEFINITION_JSON_SIZE_MAX);
	r = definition_from_json(parent, uuid, buf, size, ret, ret_error);
	return r < 0 ? r : DEFINITION_FILE_DEFINED;
}

int definition_file_read(const char *path, const char *parent, const char *uuid,
			 struct definition **ret, char **ret_error)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	size_t size = 0;
	int r;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return DEFINITION_FILE_ABSENT;
		return fail(ret_error, -errno, "Cannot stat: %m");
	}
	if (S_ISLNK(st.st_mode)) {
		r = symlink_is_mask(path);
		if (r < 0)
			return fail(ret_error, r, "Cannot read symlink: %m");
		if (r > 0)
			return DEFINITION_FILE_MASKED;
	}
	r = open_checked(path, S_ISLNK(st.st_mode), &fd, ret_error);
	if (r != DEFINITION_FILE_DEFINED)
		return r;

	r = read_limited(fd, &buf, &size);
	if (r < 0)
		return fail(ret_error, r, "Cannot read: %m");
	return parse_read(parent, uuid, buf, size, ret, ret_error);
}

int definition_file_read_at(int dir_fd, const char *name, const char *parent, const char *uuid,
			    struct definition **ret, char **ret_error)
{
	char buf[DEFINITION_JSON_SIZE_MAX + 1];
	_cleanup_close_ int fd = -1;
	struct stat st;
	size_t size = 0;
	int r;

	/* O_NOFOLLOW: a symlink now (ELOOP) is for the full read to judge. */
	fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return -ESTALE;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -ESTALE;
	r = check_kind(&st, ret_error);
	if (r != 0)
		return r;
	r = read_upto(fd, buf, sizeof(buf), (size_t)st.st_size, &size);
	if (r < 0)
		return fail(ret_error, r, "Cannot read: %m");
	return parse_read(parent, uuid, buf, size, ret, ret_error);
}

int definition_file_exists(const char *path)
{
	struct stat st;

	if (lstat(path, &st) >= 0)
		return 1;
	return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
}

static int fsync_dir(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

/* mkdir one level; a new directory gets exactly 0755 and is fsynced into its parent. */
static int dir_make(char *path)
{
	struct stat st;
	char *slash;
	int r;

	if (mkdir(path, 0755) < 0) {
		if (errno != EEXIST)
			return -errno;
		if (stat(path, &st) < 0)
			return -errno;
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	}
	if (chmod(path, 0755) < 0)
		return -errno;
	slash = strrchr(path, '/');
	if (!slash || slash == path)
		return fsync_dir("/");
	*slash = '\0';
	r = fsync_dir(path);
	*slash = '/';
	return r;
}

int definition_dir_create(const char *path)
{
	_cleanup_free_ char *p = strdup(path);
	int r;

	if (!p)
		return -ENOMEM;
	if (p[0] != '/')
		return -EINVAL;
	for (char *s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		r = s[-1] == '/' ? 0 : dir_make(p);
		*s = c;
		if (r < 0)
			return r;
		if (c == '\0')
			return 0;
	}
}

#define TEMP_PREFIX ".#"

/*
 * "<dir>/.#<name>.<random uuid>": hidden, so the store and the watcher ignore
 * it. <name> is always a normalised UUID (the store writes nothing else), which
 * definition_file_is_temp_name() relies on.
 */
static int tmp_path(const char *dir, const char *name, char **ret)
{
	char rnd[UUID_STRING_LEN + 1];
	int r;

	r = uuid_generate(rnd);
	if (r < 0)
		return r;
	if (asprintf(ret, "%s/" TEMP_PREFIX "%s.%s", dir, name, rnd) < 0)
		return -ENOMEM;
	return 0;
}

static int write_synced(int fd, const char *data, size_t size)
{
	if (fchmod(fd, 0644) < 0)
		return -errno;
	while (size > 0) {
		ssize_t k = write(fd, data, size);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		data += k;
		size -= (size_t)k;
	}
	return fsync(fd) < 0 ? -errno : 0;
}

/* Put @tmp in place of @dir/@name and make that durable; @tmp is gone either way. */
static int tmp_commit(const char *tmp, const char *dir, const char *name, int r)
{
	_cleanup_free_ char *path = NULL;

	if (r >= 0 && asprintf(&path, "%s/%s", dir, name) < 0)
		r = -ENOMEM;
	if (r >= 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlink(tmp);
		return r;
	}
	return fsync_dir(dir);
}

static int tmp_open(const char *tmp)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);

	return fd < 0 ? -errno : fd;
}

/*
 * @make(@tmp), and only when that finds @dir missing (ENOENT) the mkdir -p
 * of @dir and @make again: a define into a parent's directory that exists
 * (every one but its first) costs no mkdir and stat per path component.
 */
static int tmp_make(const char *dir, const char *tmp, int (*make)(const char *tmp))
{
	int r = make(tmp);

	if (r != -ENOENT)
		return r;
	r = definition_dir_create(dir);
	return r < 0 ? r : make(tmp);
}

int definition_file_write(const char *dir, const char *name, const char *data, size_t size)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	r = tmp_path(dir, name, &tmp);
	if (r < 0)
		return r;
	fd = tmp_make(dir, tmp, tmp_open);
	if (fd < 0)
		return fd;
	r = write_synced(fd, data, size);
	if (r >= 0 && close(TAKE_FD(fd)) < 0)
		r = -errno;
	return tmp_commit(tmp, dir, name, r);
}

static int tmp_symlink(const char *tmp)
{
	return symlink(DEFINITION_MASK_TARGET, tmp) < 0 ? -errno : 0;
}

int definition_file_mask(const char *dir, const char *name)
{
	_cleanup_free_ char *tmp = NULL;
	int r;

	r = tmp_path(dir, name, &tmp);
	if (r < 0)
		return r;
	r = tmp_make(dir, tmp, tmp_symlink);
	if (r < 0)
		return r;
	return tmp_commit(tmp, dir, name, 0);
}

int definition_file_unlink(const char *dir, const char *name)
{
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	if (unlink(path) < 0)
		return -errno;
	return fsync_dir(dir);
}

bool definition_file_is_temp_name(const char *name)
{
	char uuid[UUID_STRING_LEN + 1];
	const char *rnd;

	if (strncmp(name, TEMP_PREFIX, strlen(TEMP_PREFIX)) != 0)
		return false;
	name += strlen(TEMP_PREFIX);
	if (strlen(name) != 2 * UUID_STRING_LEN + 1 || name[UUID_STRING_LEN] != '.')
		return false;
	memcpy(uuid, name, UUID_STRING_LEN);
	uuid[UUID_STRING_LEN] = '\0';
	rnd = name + UUID_STRING_LEN + 1;
	return uuid_is_normalized(uuid) && uuid_is_normalized(rnd);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* fdopendir() on a directory opened without following a symlink; NULL with errno set. */
static DIR *dir_open_nofollow(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d)
		(void)close(fd);
	return d;
}

/* Tell @fn about <layer_dir>[/<parent>[/<name>]]. */
static int temp_report(definition_temp_fn fn, void *userdata, const char *layer_dir,
		       const char *parent, const char *name, int error)
{
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "%s%s%s%s%s", layer_dir, parent ? "/" : "", strempty(parent),
		     name ? "/" : "", strempty(name)) < 0)
		return -ENOMEM;
	if (fn)
		fn(path, error, userdata);
	return 0;
}

/* One <parent> directory; returns the number removed, or -ENOMEM. */
static int parent_remove_temp(int layer_fd, const char *layer_dir, const char *parent,
			      definition_temp_fn fn, void *userdata)
{
	_cleanup_(closedirp) DIR *d = dir_open_nofollow(layer_fd, parent);
	struct dirent *de;
	struct stat st;
	int n = 0, r;

	if (!d) /* gone, a symlink (ELOOP) or not a directory: not ours to sweep */
		return errno == ENOENT || errno == ELOOP || errno == ENOTDIR
			   ? 0
			   : temp_report(fn, userdata, layer_dir, parent, NULL, -errno);
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (!definition_file_is_temp_name(de->d_name))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			r = errno == ENOENT ? 0 : -errno;
		else if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
			r = 0; /* not something a write leaves behind */
		else if (unlinkat(dirfd(d), de->d_name, 0) < 0)
			r = errno == ENOENT ? 0 : -errno;
		else
			r = 1;
		if (r != 0 &&
		    temp_report(fn, userdata, layer_dir, parent, de->d_name, r < 0 ? r : 0) < 0)
			return -ENOMEM;
		n += r > 0;
	}
	if (errno)
		return temp_report(fn, userdata, layer_dir, parent, NULL, -errno) < 0 ? -ENOMEM : n;
	if (n > 0 && fsync(dirfd(d)) < 0)
		(void)temp_report(fn, userdata, layer_dir, parent, NULL, -errno);
	return n;
}

int definition_dir_remove_temp(const char *layer_dir, definition_temp_fn fn, void *userdata)
{
	_cleanup_(closedirp) DIR *d = dir_open_nofollow(AT_FDCWD, layer_dir);
	struct dirent *de;
	int n = 0, r;

	if (!d)
		return errno == ENOENT || errno == ELOOP || errno == ENOTDIR
			   ? 0
			   : temp_report(fn, userdata, layer_dir, NULL, NULL, -errno);
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (!name_is_valid(de->d_name, NAME_MAX_PARENT))
			continue;
		r = parent_remove_temp(dirfd(d), layer_dir, de->d_name, fn, userdata);
		if (r < 0)
			return r;
		n += r;
	}
	return n;
}
