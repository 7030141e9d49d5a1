/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The layered store against a temporary root: layering and masking, bad files
 * next to good ones, atomic writes in mdevctl's format, removal and masking of
 * vendor definitions, and the change reports of every operation.
 */
#include <dirent.h>
#include <fcntl.h>

#include "check-main.h"
#include "definition-file.h"
#include "definition-test.h"

static char *root;

/* Every event as one line, e.g. "added mvsim/<uuid>" or "bad+ <path>: <reason>". */
struct events {
	char *lines[64];
	size_t n;
};

static void events_clear(struct events *ev)
{
	for (size_t i = 0; i < ev->n; i++)
		free(ev->lines[i]);
	ev->n = 0;
}

static void record(struct definition_store *s, const struct definition_event *e, void *userdata)
{
	static const char *const names[] = {"added", "changed", "removed", "bad+", "bad-"};
	struct events *ev = userdata;
	char *line;

	ck_assert_uint_lt(ev->n, ELEMENTSOF(ev->lines));
	if (e->bad)
		ck_assert_int_ge(
		    asprintf(&line, "%s %s", names[e->change], e->bad->path + strlen(root)), 0);
	else
		ck_assert_int_ge(asprintf(&line, "%s %s/%s", names[e->change], e->parent, e->uuid),
				 0);
	ev->lines[ev->n++] = line;
}

static bool events_has(const struct events *ev, const char *line)
{
	for (size_t i = 0; i < ev->n; i++)
		if (streq(ev->lines[i], line))
			return true;
	return false;
}

static void setup(void)
{
	root = test_root_new();
}

static void teardown(void)
{
	test_root_free(root);
	root = NULL;
}

static struct definition_store *store_loaded(struct events *ev)
{
	struct definition_store *s = NULL;

	ck_assert_int_eq(definition_store_new(&s), 0);
	ck_assert_int_eq(definition_store_load(s, ev ? record : NULL, ev), 0);
	return s;
}

static const struct definition_bad_file *bad_find(struct definition_store *s, const char *path)
{
	size_t n;
	const struct definition_bad_file *b = definition_store_bad_files(s, &n);

	for (size_t i = 0; i < n; i++)
		if (streq(b[i].path + strlen(root), path))
			return &b[i];
	return NULL;
}

static void assert_bad(struct definition_store *s, const char *path, int error, const char *needle)
{
	const struct definition_bad_file *b = bad_find(s, path);

	ck_assert_msg(b != NULL, "%s not reported", path);
	ck_assert_int_eq(b->error, error);
	ck_assert_msg(strstr(b->reason, needle), "reason \"%s\" lacks \"%s\"", b->reason, needle);
}

START_TEST(empty_root_loads_nothing)
{
	_cleanup_definition_store_free_ struct definition_store *s = store_loaded(NULL);
	size_t n;

	ck_assert_ptr_null(definition_store_entries(s, &n));
	ck_assert_uint_eq(n, 0);
	definition_store_bad_files(s, &n);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(layers_override_in_order)
{
	_cleanup_definition_store_free_ struct definition_store *s = NULL;
	const struct definition_entry *e;
	struct events ev = {};

	test_write(VENDOR "/mvsim/" U1, GOLDEN_NET);
	test_write(VENDOR "/mvsim/" U2, GOLDEN_NET);
	test_write(ADMIN "/mvsim/" U2, GOLDEN_BLK);
	test_write(ADMIN "/mvsim/" U3, GOLDEN_NET);
	test_write(RUNTIME "/mvsim/" U3, GOLDEN_BLK);
	s = store_loaded(&ev);
	ck_assert_uint_eq(ev.n, 3);

	e = definition_store_get(s, "mvsim", U1);
	ck_assert_int_eq(e->layer, DEFINITION_LAYER_VENDOR);
	ck_assert_str_eq(e->def->mdev_type, "mvsim-virtio_net");
	ck_assert_str_eq(e->def->attrs[0].value, "02:00:00:00:00:01");
	e = definition_store_get(s, "mvsim", U2);
	ck_assert_int_eq(e->layer, DEFINITION_LAYER_ADMIN);
	ck_assert_str_eq(e->def->mdev_type, "mvsim-virtio_blk");
	e = definition_store_get(s, "mvsim", U3);
	ck_assert_int_eq(e->layer, DEFINITION_LAYER_RUNTIME);
	ck_assert_int_eq(e->def->start, DEFINITION_START_MANUAL);
	events_clear(&ev);
}
END_TEST

START_TEST(same_uuid_under_two_parents)
{
	_cleanup_definition_store_free_ struct definition_store *s = NULL;
	const struct definition_entry *first, *all;
	size_t n;

	test_write(ADMIN "/mvsim/" U2, GOLDEN_NET);
	test_write(ADMIN "/0000:00:02.0/" U2, GOLDEN_BLK);
	test_write(ADMIN "/mvsim/" U1, GOLDEN_NET);
	test_write(ADMIN "/mvsim/" U3, GOLDEN_NET);
	s = store_loaded(NULL);
	ck_assert_uint_eq(definition_store_find_uuid(s, U2, &first), 2);
	ck_assert_str_eq(first[0].def->parent, "0000:00:02.0");
	ck_assert_str_eq(first[1].def->parent, "mvsim");
	ck_assert_uint_eq(
	    definition_store_find_uuid(s, "44444444-2222-3333-4444-555555555555", &first), 0);
	ck_assert_ptr_null(first);
	/* Sorted by uuid, then parent. */
	all = definition_store_entries(s, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(all[0].def->uuid, U1);
	ck_assert_str_eq(all[3].def->uuid, U3);
	ck_assert_ptr_null(definition_store_get(s, "other", U1));
}
END_TEST

START_TEST(dev_null_symlink_masks)
{
	_cleanup_definition_store_free_ struct definition_store *s = NULL;
	size_t n;

	test_write(VENDOR "/mvsim/" U1, GOLDEN_NET);
	test_symlink(ADMIN "/mvsim/" U1, "/dev/null");
	test_write(ADMIN "/mvsim/" U2, GOLDEN_NET);
	test_symlink(RUNTIME "/mvsim/" U2, "/dev/null");
	/* A mask with nothing below it is harmless. */
	test_symlink(ADMIN "/mvsim/" U3, "/dev/null");
	s = store_loaded(NULL);
	definition_store_entries(s, &n);
	ck_assert_uint_eq(n, 0);
	definition_store_bad_files(s, &n);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(corrupt_files_reported_next_to_good_ones)
{
	_cleanup_definition_store_free_ struct definition_store *s = NULL;
	_cleanup_free_ char *big = calloc(1, DEFINITION_JSON_SIZE_MAX + 2);
	struct events ev = {};
	size_t n;

	memset(big, ' ', DEFINITION_JSON_SIZE_MAX + 1);
	test_write(ADMIN "/mvsim/" U1, GOLDEN_NET);
	test_write(ADMIN "/mvsim/" U2, "{\"mdev_type\": \"mvsim-virtio_net\", \"start\"");
	test_write(ADMIN "/mvsim/" U3, "");
	test_write(ADMIN "/mvsim/44444444-2222-3333-4444-555555555555", big);
	test_write(ADMIN "/mvsim/55555555-2222-3333-4444-555555555555",
		   "{\"mdev_type\": 5, \"start\": \"auto\"}");
	test_write(ADMIN "/mvsim/AAAAAAAA-2222-3333-4444-555555555555", GOLDEN_NET);
	test_write(ADMIN "/mvsim/notes.txt", "hello");
	test_write(ADMIN "/mvsim/66666666-2222-3333-4444-555555555555/x", GOLDEN_NET);
	test_symlink(ADMIN "/mvsim/77777777-2222-3333-4444-555555555555", "/nonexistent");
	test_write(ADMIN "/mvsim/.#" U1 ".tmp", "garbage");
	test_write(ADMIN "/bad parent/" U1, GOLDEN_NET);
	test_write(ADMIN "/not-a-dir", "x");
	test_write(ADMIN "/.hidden/" U1, "garbage");
	test_write(RUNTIME "/0000:00:02.0/" U1, GOLDEN_BLK);
	s = store_loaded(&ev);

	definition_store_entries(s, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_nonnull(definition_store_get(s, "mvsim", U1));
	ck_assert_ptr_nonnull(definition_store_get(s, "0000:00:02.0", U1));
	assert_bad(s, ADMIN "/mvsim/" U2, -EINVAL, "truncated");
	assert_bad(s, ADMIN "/mvsim/" U3, -EINVAL, "empty");
	assert_bad(s, ADMIN "/mvsim/44444444-2222-3333-4444-555555555555", -EFBIG, "too large");
	assert_bad(s, ADMIN "/mvsim/55555555-2222-3333-4444-555555555555", -EINVAL,
		   "\"mdev_type\" must be a string, not int");
	assert_bad(s, ADMIN "/mvsim/AAAAAAAA-2222-3333-4444-555555555555", -EINVAL,
		   "not a normalised");
	assert_bad(s, ADMIN "/mvsim/notes.txt", -EINVAL, "not a normalised");
	assert_bad(s, ADMIN "/mvsim/66666666-2222-3333-4444-555555555555", -EISDIR, "directory");
	assert_bad(s, ADMIN "/mvsim/77777777-2222-3333-4444-555555555555", -ENOENT, "symlink");
	assert_bad(s, ADMIN "/bad parent", -EINVAL, "Invalid parent directory name");
	assert_bad(s, ADMIN "/not-a-dir", -ENOTDIR, "Not a directory");
	definition_store_bad_files(s, &n);
	ck_assert_uint_eq(n, 10); /* hidden names are not even looked at */
	ck_assert_uint_eq(ev.n, 12);
	ck_assert(events_has(&ev, "bad+ " ADMIN "/bad parent"));
	events_clear(&ev);

	/* Loading again reports nothing: nothing changed. */
	ck_assert_int_eq(definition_store_load(s, record, &ev), 0);
	ck_assert_uint_eq(ev.n, 0);
}
END_TEST

START_TEST(bad_file_hides_lower_layers)
{
	_cleanup_definition_store_free_ struct definition_store *s = NULL;

	test_write(VENDOR "/mvsim/" U1, GOLDEN_NET);
	test_write(ADMIN "/mvsim/" U1, "{ broken");
	s = store_loaded(NULL);
	ck_assert_ptr_null(definition_store_get(s, "mvsim", U1));
	assert_bad(s, ADMIN "/mvsim/" U1, -EINVAL, "Invalid JSON");
}
END_TEST

START_TEST(fifo_refused_without_blocking)
{
	_cleanup_definition_store_free_ struct definition_store *s = NULL;
	_cleanup_free_ char *p = NULL;

	test_mkdir_parents(ADMIN "/mvsim/" U1);
	p = test_path(ADMIN "/mvsim/" U1);
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	s = store_loaded(NULL);
	assert_bad(s, ADMIN "/mvsim/" U1, -EINVAL, "Not a regular file");
}
END_TEST

static void assert_only_file(const char *dir, const char *name)
{
	_cleanup_free_ char *p = test_path(dir);
	DIR *d = opendir(p);
	struct dirent *de;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		ck_assert_str_eq(de->d_name, name);
		n++;
	}
	closedir(d);
	ck_assert_uint_eq(n, 1);
}

static void assert_mode(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = test_path(path);
	struct stat st;

	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, mode);
}

START_TEST(save_is_atomic_and_mdevctl_compatible)
{
	_cleanup_definition_store_free_ struct definition_store *s = store_loaded(NULL);
	_cleanup_definition_free_ struct definition *d = NULL;
	_cleanup_free_ char *content = NULL, *again = NULL;
	struct events ev = {};

	umask(077); /* modes must not depend on it */
	ck_assert_int_eq(
	    definition_new("mvsim", U1, "mvsim-virtio_net", DEFINITION_START_AUTO, &d, NULL), 0);
	ck_assert_int_eq(definition_attr_append(d, "mac", "02:00:00:00:00:01", NULL), 0);
	ck_assert_int_eq(definition_store_save(s, d, DEFINITION_LAYER_ADMIN, record, &ev), 0);
	umask(022);

	content = test_read(ADMIN "/mvsim/" U1);
	ck_assert_str_eq(content, GOLDEN_NET);
	assert_only_file(ADMIN "/mvsim", U1);
	assert_mode(ADMIN "/mvsim/" U1, 0644);
	assert_mode(ADMIN "/mvsim", 0755);
	ck_assert_uint_eq(ev.n, 1);
	ck_assert_str_eq(ev.lines[0], "added mvsim/" U1);
	ck_assert(definition_equal(definition_store_get(s, "mvsim", U1)->def, d));
	events_clear(&ev);

	/* Rewriting replaces the file; a no-op rewrite reports nothing. */
	ck_assert_int_eq(definition_store_save(s, d, DEFINITION_LAYER_ADMIN, record, &ev), 0);
	ck_assert_uint_eq(ev.n, 0);
	d->start = DEFINITION_START_MANUAL;
	ck_assert_int_eq(definition_store_save(s, d, DEFINITION_LAYER_ADMIN, record, &ev), 0);
	ck_assert_uint_eq(ev.n, 1);
	ck_assert_str_eq(ev.lines[0], "changed mvsim/" U1);
	again = test_read(ADMIN "/mvsim/" U1);
	ck_assert_ptr_nonnull(strstr(again, "\"start\": \"manual\""));
	assert_only_file(ADMIN "/mvsim", U1);
	events_clear(&ev);

	ck_assert_int_eq(definition_store_save(s, d, DEFINITION_LAYER_VENDOR, NULL, NULL), -EROFS);
}
END_TEST

START_TEST(golden_mdevctl_file_rewritten_identically)
{
	_cleanup_definition_store_free_ struct definition_store *s = NULL;
	_cleanup_definition_free_ struct definition *copy = NULL;
	_cleanup_free_ char *content = NULL;

	test_write(ADMIN "/mvsim/" U1, GOLDEN_NET);
	test_write(ADMIN "/mvsim/" U2, GOLDEN_BLK);
	s = store_loaded(NULL);
	ck_assert_int_eq(definition_dup(definition_store_get(s, "mvsim", U1)->def, &copy), 0);
	ck_assert_int_eq(definition_store_save(s, copy, DEFINITION_LAYER_RUNTIME, NULL, NULL), 0);
	content = test_read(RUNTIME "/mvsim/" U1);
	ck_assert_str_eq(content, GOLDEN_NET);
	ck_assert_int_eq(definition_store_get(s, "mvsim", U1)->layer, DEFINITION_LAYER_RUNTIME);
	definition_free(copy);
	free(content);
	ck_assert_int_eq(definition_dup(definition_store_get(s, "mvsim", U2)->def, &copy), 0);
	ck_assert_int_eq(definition_store_save(s, copy, DEFINITION_LAYER_ADMIN, NULL, NULL), 0);
	content = test_read(ADMIN "/mvsim/" U2);
	ck_assert_str_eq(content, GOLDEN_BLK);
}
END_TEST

START_TEST(save_to_admin_stays_under_runtime)
{
	_cleanup_definition_store_free_ struct definition_store *s = NULL;
	_cleanup_definition_free_ struct definition *d = NULL;

	test_write(RUNTIME "/mvsim/" U1, GOLDEN_BLK);
	s = store_loaded(NULL);
	ck_assert_int_eq(definition_new("mvsim", U1, "t", DEFINITION_START_AUTO, &d, NULL), 0);
	ck_assert_int_eq(definition_store_save(s, d, DEFINITION_LAYER_ADMIN, NULL, NULL), 0);
	ck_assert_str_eq(definition_store_get(s, "mvsim", U1)->def->mdev_type, "mvsim-virtio_blk");
}
END_TEST

START_TEST(remove_unlinks_and_masks_vendor)
{
	_cleanup_definition_store_free_ struct definition_store *s = NULL;
	_cleanup_free_ char *link = NULL, *target = calloc(1, 64);
	struct events ev = {};

	test_write(ADMIN "/mvsim/" U1, GOLDEN_NET);
	test_write(RUNTIME "/mvsim/" U1, GOLDEN_NET);
	test_write(VENDOR "/mvsim/" U2, GOLDEN_NET);
	test_write(ADMIN "/mvsim/" U2, GOLDEN_BLK);
	s = store_loaded(NULL);

	ck_assert_int_eq(definition_store_remove(s, "mvsim", U1, record, &ev), 0);
	ck_assert(!test_exists(ADMIN "/mvsim/" U1));
	ck_assert(!test_exists(RUNTIME "/mvsim/" U1));
	ck_assert(test_exists(ADMIN "/mvsim")); /* the parent directory stays, as with mdevctl */
	ck_assert_uint_eq(ev.n, 1);
	ck_assert_str_eq(ev.lines[0], "removed mvsim/" U1);
	events_clear(&ev);

	ck_assert_int_eq(definition_store_remove(s, "mvsim", U2, record, &ev), 0);
	ck_assert_str_eq(ev.lines[0], "removed mvsim/" U2);
	link = test_path(ADMIN "/mvsim/" U2);
	ck_assert_int_eq(readlink(link, target, 63), 9);
	ck_assert_str_eq(target, "/dev/null");
	ck_assert(test_exists(VENDOR "/mvsim/" U2));
	events_clear(&ev);

	/* It stays masked across a reload, and removing it again finds nothing. */
	ck_assert_int_eq(definition_store_load(s, record, &ev), 0);
	ck_assert_uint_eq(ev.n, 0);
	ck_assert_ptr_null(definition_store_get(s, "mvsim", U2));
	ck_assert_int_eq(definition_store_remove(s, "mvsim", U2, NULL, NULL), -ENOENT);
	ck_assert_int_eq(definition_store_remove(s, "mvsim", U3, NULL, NULL), -ENOENT);
	ck_assert_int_eq(definition_store_remove(s, "../x", U3, NULL, NULL), -EINVAL);
	ck_assert_int_eq(definition_store_remove(s, "mvsim", "a/b", NULL, NULL), -EINVAL);
}
END_TEST

/*
 * Writing a file or a mask makes the parent's directory, and the layer's
 * above it, when missing (0755 whatever the umask); a non-directory where the
 * parent's directory should be is refused and left alone.
 */
START_TEST(save_and_mask_make_missing_directories)
{
	_cleanup_definition_store_free_ struct definition_store *s = store_loaded(NULL);
	_cleanup_definition_free_ struct definition *d = NULL, *blocked = NULL;
	_cleanup_free_ char *content = NULL, *link = NULL, *target = calloc(1, 64);

	ck_assert(!test_exists(ADMIN));
	umask(077);
	ck_assert_int_eq(
	    definition_new("mvsim", U1, "mvsim-virtio_net", DEFINITION_START_AUTO, &d, NULL), 0);
	ck_assert_int_eq(definition_attr_append(d, "mac", "02:00:00:00:00:01", NULL), 0);
	ck_assert_int_eq(definition_store_save(s, d, DEFINITION_LAYER_ADMIN, NULL, NULL), 0);
	assert_mode(ADMIN, 0755);
	assert_mode(ADMIN "/mvsim", 0755);
	assert_mode(ADMIN "/mvsim/" U1, 0644);
	content = test_read(ADMIN "/mvsim/" U1);
	ck_assert_str_eq(content, GOLDEN_NET);

	/* A vendor file on a parent without an admin directory: masked there. */
	test_write(VENDOR "/other/" U2, GOLDEN_BLK);
	ck_assert_int_eq(definition_store_load(s, NULL, NULL), 0);
	ck_assert_int_eq(definition_store_remove(s, "other", U2, NULL, NULL), 0);
	umask(022);
	assert_mode(ADMIN "/other", 0755);
	link = test_path(ADMIN "/other/" U2);
	ck_assert_int_eq(readlink(link, target, 63), 9);
	ck_assert_str_eq(target, "/dev/null");

	test_write(ADMIN "/blocked", "not a directory");
	ck_assert_int_eq(definition_new("blocked", U3, "mvsim-virtio_blk", DEFINITION_START_MANUAL,
					&blocked, NULL),
			 0);
	ck_assert_int_eq(definition_store_save(s, blocked, DEFINITION_LAYER_ADMIN, NULL, NULL),
			 -ENOTDIR);
	free(content);
	content = test_read(ADMIN "/blocked");
	ck_assert_str_eq(content, "not a directory");
}
END_TEST

/* The store's own strings and definitions may be handed back to it. */
START_TEST(store_strings_may_be_passed_back)
{
	_cleanup_definition_store_free_ struct definition_store *s = NULL;
	const struct definition_entry *e;
	const struct definition_bad_file *b;
	struct events ev = {};
	size_t n;

	test_write(ADMIN "/mvsim/" U1, GOLDEN_NET);
	test_write(ADMIN "/mvsim/" U2, "{");
	s = store_loaded(NULL);
	e = definition_store_get(s, "mvsim", U1);
	ck_assert_int_eq(definition_store_save(s, e->def, DEFINITION_LAYER_ADMIN, record, &ev), 0);
	e = definition_store_get(s, "mvsim", U1);
	ck_assert_int_eq(definition_store_remove(s, e->def->parent, e->def->uuid, record, &ev), 0);
	b = definition_store_bad_files(s, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(definition_store_reload_one(s, b->parent, b->name, record, &ev), 0);
	b = definition_store_bad_files(s, &n);
	ck_assert_int_eq(definition_store_remove(s, b->parent, b->name, record, &ev), 0);
	ck_assert_uint_eq(ev.n, 2);
	ck_assert_str_eq(ev.lines[0], "removed mvsim/" U1);
	ck_assert_str_eq(ev.lines[1], "bad- " ADMIN "/mvsim/" U2);
	events_clear(&ev);
}
END_TEST

START_TEST(remove_works_on_bad_files)
{
	_cleanup_definition_store_free_ struct definition_store *s = NULL;
	struct events ev = {};
	size_t n;

	test_write(ADMIN "/mvsim/" U1, "{");
	test_write(ADMIN "/mvsim/NOT-A-UUID", GOLDEN_NET);
	s = store_loaded(NULL);
	ck_assert_int_eq(definition_store_remove(s, "mvsim", U1, record, &ev), 0);
	ck_assert_int_eq(definition_store_remove(s, "mvsim", "NOT-A-UUID", record, &ev), 0);
	ck_assert(!test_exists(ADMIN "/mvsim/" U1));
	definition_store_bad_files(s, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(ev.n, 2);
	ck_assert_str_eq(ev.lines[0], "bad- " ADMIN "/mvsim/" U1);
	events_clear(&ev);
}
END_TEST

START_TEST(reload_one_reports_each_transition)
{
	_cleanup_definition_store_free_ struct definition_store *s = store_loaded(NULL);
	struct events ev = {};

	test_write(ADMIN "/mvsim/" U1, GOLDEN_NET);
	ck_assert_int_eq(definition_store_reload_one(s, "mvsim", U1, record, &ev), 0);
	test_write(ADMIN "/mvsim/" U1, GOLDEN_BLK);
	ck_assert_int_eq(definition_store_reload_one(s, "mvsim", U1, record, &ev), 0);
	ck_assert_int_eq(definition_store_reload_one(s, "mvsim", U1, record, &ev), 0);
	test_write(ADMIN "/mvsim/" U1, "{\"mdev_type\": \"t\", \"start\": \"sometimes\"}");
	ck_assert_int_eq(definition_store_reload_one(s, "mvsim", U1, record, &ev), 0);
	test_write(ADMIN "/mvsim/" U1, GOLDEN_NET);
	ck_assert_int_eq(definition_store_reload_one(s, "mvsim", U1, record, &ev), 0);
	test_rm_rf(ADMIN "/mvsim/" U1);
	ck_assert_int_eq(definition_store_reload_one(s, "mvsim", U1, record, &ev), 0);

	ck_assert_uint_eq(ev.n, 7);
	ck_assert_str_eq(ev.lines[0], "added mvsim/" U1);
	ck_assert_str_eq(ev.lines[1], "changed mvsim/" U1);
	ck_assert_str_eq(ev.lines[2], "bad+ " ADMIN "/mvsim/" U1);
	ck_assert_str_eq(ev.lines[3], "removed mvsim/" U1);
	ck_assert_str_eq(ev.lines[4], "bad- " ADMIN "/mvsim/" U1);
	ck_assert_str_eq(ev.lines[5], "added mvsim/" U1);
	ck_assert_str_eq(ev.lines[6], "removed mvsim/" U1);
	events_clear(&ev);

	/* Hidden names are ignored, paths refused. */
	ck_assert_int_eq(definition_store_reload_one(s, "mvsim", ".#x", record, &ev), 0);
	ck_assert_int_eq(definition_store_reload_one(s, "mvsim", "a/b", record, &ev), -EINVAL);
	ck_assert_int_eq(definition_store_reload_one(s, "", U1, record, &ev), -EINVAL);
	ck_assert_uint_eq(ev.n, 0);
}
END_TEST

START_TEST(reload_parent_follows_directories)
{
	_cleanup_definition_store_free_ struct definition_store *s = store_loaded(NULL);
	struct events ev = {};

	test_write(ADMIN "/mvsim/" U1, GOLDEN_NET);
	test_write(ADMIN "/mvsim/" U2, "[]");
	ck_assert_int_eq(definition_store_reload_parent(s, "mvsim", record, &ev), 0);
	ck_assert_uint_eq(ev.n, 2);
	ck_assert(events_has(&ev, "added mvsim/" U1));
	ck_assert(events_has(&ev, "bad+ " ADMIN "/mvsim/" U2));
	events_clear(&ev);

	test_rm_rf(ADMIN "/mvsim");
	ck_assert_int_eq(definition_store_reload_parent(s, "mvsim", record, &ev), 0);
	ck_assert_uint_eq(ev.n, 2);
	ck_assert(events_has(&ev, "removed mvsim/" U1));
	ck_assert(events_has(&ev, "bad- " ADMIN "/mvsim/" U2));
	events_clear(&ev);

	test_write(ADMIN "/bad parent/" U1, GOLDEN_NET);
	ck_assert_int_eq(definition_store_reload_one(s, "bad parent", U1, record, &ev), 0);
	ck_assert_uint_eq(ev.n, 1);
	ck_assert_str_eq(ev.lines[0], "bad+ " ADMIN "/bad parent");
	events_clear(&ev);
}
END_TEST

START_TEST(load_reports_differences)
{
	_cleanup_definition_store_free_ struct definition_store *s = NULL;
	struct events ev = {};

	test_write(ADMIN "/mvsim/" U1, GOLDEN_NET);
	test_write(ADMIN "/mvsim/" U2, GOLDEN_NET);
	s = store_loaded(NULL);
	test_rm_rf(ADMIN "/mvsim/" U1);
	test_write(ADMIN "/mvsim/" U2, GOLDEN_BLK);
	test_write(ADMIN "/mvsim/" U3, GOLDEN_BLK);
	ck_assert_int_eq(definition_store_load(s, record, &ev), 0);
	ck_assert_uint_eq(ev.n, 3);
	ck_assert_str_eq(ev.lines[0], "removed mvsim/" U1);
	ck_assert_str_eq(ev.lines[1], "changed mvsim/" U2);
	ck_assert_str_eq(ev.lines[2], "added mvsim/" U3);
	events_clear(&ev);
}
END_TEST

#define U5 "55555555-2222-3333-4444-555555555555"
#define RND "44444444-2222-4333-8444-555555555555"
#define TEMP(uuid) ".#" uuid "." RND

static void record_temp(const char *path, int error, void *userdata)
{
	struct events *ev = userdata;
	char *line;

	ck_assert_uint_lt(ev->n, ELEMENTSOF(ev->lines));
	ck_assert_int_ge(asprintf(&line, "%s %d", path + strlen(root), error), 0);
	ev->lines[ev->n++] = line;
}

/*
 * Exactly the ".#<uuid>.<uuid>" files of interrupted writes go, in the
 * writable layers' parent directories; nothing else, and nothing through a
 * symlink.
 */
START_TEST(remove_temp_takes_only_stale_temp_files)
{
	static const char *const kept[] = {
	    ADMIN "/mvsim/" U1,
	    ADMIN "/mvsim/.#" U1 ".tmp",
	    ADMIN "/mvsim/" TEMP(U1) "x",
	    ADMIN "/mvsim/.#" U1 ".44444444-2222-4333-8444-55555555555A",
	    ADMIN "/mvsim/.#" RND,
	    ADMIN "/mvsim/#" U1 "." RND,
	    ADMIN "/mvsim/" TEMP(U3) "/x",
	    ADMIN "/" TEMP(U1),
	    ADMIN "/bad name/" TEMP(U1),
	    VENDOR "/mvsim/" TEMP(U1),
	    "/outside/" TEMP(U1),
	    "/precious",
	};
	struct events ev = {};

	for (size_t i = 0; i < ELEMENTSOF(kept); i++)
		test_write(kept[i], GOLDEN_NET);
	test_write(ADMIN "/mvsim/" TEMP(U1), "{\"mdev_ty"); /* cut short by a crash */
	test_write(RUNTIME "/0000:00:02.0/" TEMP(U2), "");
	test_symlink(ADMIN "/mvsim/" TEMP(U2), "/dev/null"); /* a mask, not yet renamed */
	test_symlink(ADMIN "/mvsim/" TEMP(U5), "../../../precious");
	test_symlink(ADMIN "/linked", "../../outside");

	ck_assert_int_eq(definition_store_remove_temp(record_temp, &ev), 4);
	ck_assert_uint_eq(ev.n, 4);
	ck_assert(events_has(&ev, ADMIN "/mvsim/" TEMP(U1) " 0"));
	ck_assert(events_has(&ev, ADMIN "/mvsim/" TEMP(U2) " 0"));
	ck_assert(events_has(&ev, ADMIN "/mvsim/" TEMP(U5) " 0"));
	ck_assert(events_has(&ev, RUNTIME "/0000:00:02.0/" TEMP(U2) " 0"));
	ck_assert(!test_exists(ADMIN "/mvsim/" TEMP(U1)));
	ck_assert(!test_exists(ADMIN "/mvsim/" TEMP(U2)));
	ck_assert(!test_exists(RUNTIME "/0000:00:02.0/" TEMP(U2)));
	for (size_t i = 0; i < ELEMENTSOF(kept); i++)
		ck_assert_msg(test_exists(kept[i]), "%s was removed", kept[i]);
	ck_assert(test_exists(ADMIN "/linked/" TEMP(U1))); /* the link resolves */
	events_clear(&ev);

	/* Nothing left to do; a missing or looping layer directory is no error. */
	ck_assert_int_eq(definition_store_remove_temp(record_temp, &ev), 0);
	test_rm_rf(RUNTIME);
	test_symlink(RUNTIME, "mdevvirtio.d");
	ck_assert_int_eq(definition_store_remove_temp(NULL, NULL), 0);
	test_rm_rf(ADMIN);
	ck_assert_int_eq(definition_store_remove_temp(record_temp, &ev), 0);
	ck_assert_uint_eq(ev.n, 0);
}
END_TEST

/* The UUID of file @i of a large tree. */
static void many_uuid(unsigned i, char buf[static UUID_STRING_LEN + 1])
{
	snprintf(buf, UUID_STRING_LEN + 1, "%08x-2222-3333-4444-555555555555", i);
}

static char *many_path(const char *layer, unsigned i)
{
	char u[UUID_STRING_LEN + 1];
	char *p;

	many_uuid(i, u);
	ck_assert_int_ge(asprintf(&p, "%s/mvsim/%s", layer, u), 0);
	return p;
}

/*
 * Enough files for the load to resolve them on several threads, every kind
 * of outcome mixed in: the entries and the bad files (their order included)
 * are what resolving the names one by one by path gives (reload_parent).
 */
START_TEST(large_load_matches_one_by_one)
{
	_cleanup_definition_store_free_ struct definition_store *a = NULL, *b = NULL;
	const struct definition_entry *ea, *eb;
	const struct definition_bad_file *ba, *bb;
	size_t na, nb, n_bad = 0;

	for (unsigned i = 0; i < 1200; i++) {
		_cleanup_free_ char *admin = many_path(ADMIN, i), *run = many_path(RUNTIME, i);
		_cleanup_free_ char *vendor = many_path(VENDOR, i), *p = NULL;

		if (i % 7 == 3) {
			test_write(admin, "{ broken");
			n_bad++;
		} else if (i % 11 == 5) {
			test_write(vendor, GOLDEN_NET);
			test_symlink(admin, "/dev/null");
		} else if (i % 13 == 6) {
			test_write(vendor, GOLDEN_BLK);
		} else if (i % 101 == 7) {
			test_mkdir_parents(admin);
			p = test_path(admin);
			ck_assert_int_eq(mkfifo(p, 0644), 0);
			n_bad++;
		} else if (i % 103 == 8) {
			test_write(admin, GOLDEN_NET);
			test_symlink(run, "/nonexistent");
			n_bad++;
		} else {
			test_write(admin, i % 2 ? GOLDEN_NET : GOLDEN_BLK);
			if (i % 17 == 9)
				test_write(run, GOLDEN_BLK);
		}
	}
	test_write(ADMIN "/mvsim/NOT-A-UUID", GOLDEN_NET);
	test_write(RUNTIME "/mvsim/NOT-A-UUID", GOLDEN_NET);
	n_bad += 2;
	a = store_loaded(NULL);
	ck_assert_int_eq(definition_store_new(&b), 0);
	ck_assert_int_eq(definition_store_reload_parent(b, "mvsim", NULL, NULL), 0);

	ea = definition_store_entries(a, &na);
	eb = definition_store_entries(b, &nb);
	ck_assert_uint_eq(na, nb);
	ck_assert_uint_gt(na, 900);
	for (size_t i = 0; i < na; i++) {
		ck_assert_int_eq(ea[i].layer, eb[i].layer);
		ck_assert(definition_equal(ea[i].def, eb[i].def));
	}
	ba = definition_store_bad_files(a, &na);
	bb = definition_store_bad_files(b, &nb);
	ck_assert_uint_eq(na, n_bad);
	ck_assert_uint_eq(nb, n_bad);
	for (size_t i = 0; i < na; i++) {
		ck_assert_str_eq(ba[i].path, bb[i].path);
		ck_assert_str_eq(ba[i].reason, bb[i].reason);
		ck_assert_int_eq(ba[i].error, bb[i].error);
		ck_assert_int_eq(ba[i].layer, bb[i].layer);
	}
	/* The runtime file of NOT-A-UUID is reported before the admin one, as always. */
	ck_assert_ptr_nonnull(strstr(ba[na - 2].path, RUNTIME "/mvsim/NOT-A-UUID"));
}
END_TEST

/* Reading relative to a directory reads regular files only; anything else is for the path read. */
START_TEST(read_at_takes_regular_files_only)
{
	_cleanup_free_ char *dir = NULL, *fifo = NULL, *big = calloc(1, DEFINITION_JSON_SIZE_MAX + 2);
	_cleanup_close_ int fd = -1;
	struct definition *d = NULL;
	char *reason = NULL;

	memset(big, ' ', DEFINITION_JSON_SIZE_MAX + 1);
	test_write(ADMIN "/mvsim/" U1, GOLDEN_NET);
	test_write(ADMIN "/mvsim/" U2, big);
	test_symlink(ADMIN "/mvsim/" U3, ADMIN "/mvsim/" U1);
	fifo = test_path(ADMIN "/mvsim/44444444-2222-3333-4444-555555555555");
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	dir = test_path(ADMIN "/mvsim");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);

	ck_assert_int_eq(definition_file_read_at(fd, U1, "mvsim", U1, &d, &reason),
			 DEFINITION_FILE_DEFINED);
	ck_assert_str_eq(d->mdev_type, "mvsim-virtio_net");
	d = definition_free(d);
	ck_assert_int_eq(definition_file_read_at(fd, U2, "mvsim", U2, &d, &reason), -EFBIG);
	ck_assert_ptr_nonnull(strstr(reason, "too large"));
	free(reason);
	reason = NULL;
	ck_assert_int_eq(definition_file_read_at(fd, U3, "mvsim", U3, &d, &reason), -ESTALE);
	ck_assert_int_eq(definition_file_read_at(fd, "44444444-2222-3333-4444-555555555555",
						 "mvsim", "44444444-2222-3333-4444-555555555555",
						 &d, &reason),
			 -ESTALE);
	ck_assert_int_eq(definition_file_read_at(fd, "55555555-2222-3333-4444-555555555555",
						 "mvsim", "55555555-2222-3333-4444-555555555555",
						 &d, &reason),
			 -ESTALE);
	ck_assert_ptr_null(reason);
	ck_assert_ptr_null(d);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("definition-store");
	TCase *load = tcase_create("load"), *write = tcase_create("write");

	tcase_add_checked_fixture(load, setup, teardown);
	tcase_add_checked_fixture(write, setup, teardown);
	tcase_add_test(load, empty_root_loads_nothing);
	tcase_add_test(load, layers_override_in_order);
	tcase_add_test(load, same_uuid_under_two_parents);
	tcase_add_test(load, dev_null_symlink_masks);
	tcase_add_test(load, corrupt_files_reported_next_to_good_ones);
	tcase_add_test(load, bad_file_hides_lower_layers);
	tcase_add_test(load, fifo_refused_without_blocking);
	tcase_add_test(load, reload_one_reports_each_transition);
	tcase_add_test(load, reload_parent_follows_directories);
	tcase_add_test(load, load_reports_differences);
	tcase_add_test(load, large_load_matches_one_by_one);
	tcase_add_test(load, read_at_takes_regular_files_only);
	tcase_add_test(write, save_is_atomic_and_mdevctl_compatible);
	tcase_add_test(write, golden_mdevctl_file_rewritten_identically);
	tcase_add_test(write, save_to_admin_stays_under_runtime);
	tcase_add_test(write, remove_unlinks_and_masks_vendor);
	tcase_add_test(write, remove_works_on_bad_files);
	tcase_add_test(write, save_and_mask_make_missing_directories);
	tcase_add_test(write, store_strings_may_be_passed_back);
	tcase_add_test(write, remove_temp_takes_only_stale_temp_files);
	suite_add_tcase(s, load);
	suite_add_tcase(s, write);
	return s;
}

CHECK_MAIN(store_suite)
