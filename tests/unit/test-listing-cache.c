/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pre-rendered listings (listing-cache.h) over the daemon's model on a
 * fake root: the exact bytes mdevctl prints, rendered once and kept while
 * nothing they show changes, rendered again after define, modify, start,
 * undefine and a definition file edited on disk (real inotify); handed out
 * read-only, as Manager.ListJSONByFileDescriptor does.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check-main.h"
#include "event-log.h"
#include "fake-kernel.h"
#include "fake-sysfs.h"
#include "listing-cache.h"
#include "manager-internal.h"

#define MVSIM "/sys/devices/virtual/mvsim/mvsim"
#define ETC "/etc/mdevvirtio.d"
#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"

static char *root;
static sd_event *event;
static struct manager *m;
static struct listing_cache *cache;
static struct event_log seen;

static void record(struct manager *mgr, const struct manager_change_event *ev, void *userdata)
{
	static const char *const changes[] = {"added", "changed", "removed"};

	if (ev->object == MANAGER_OBJECT_DEVICE)
		event_log_add(&seen, "device %s %s", changes[ev->change], ev->id);
}

static void setup(void)
{
	static const struct fake_type net = {
	    "mvsim-virtio_net", "virtio_net", "loopback net", "virtio", 4, 1};

	root = fake_sysfs_new();
	fake_bus_add("mdev_virtio");
	fake_bus_add("mdev");
	fake_parent_add("mdev_virtio", MVSIM, true);
	fake_type_add("mdev_virtio", "mvsim", &net);
	fake_mkdir("/etc");
	fake_mkdir(ETC);
	fake_kernel = (struct fake_kernel){};
	ck_assert_int_ge(sd_event_new(&event), 0);
	ck_assert_int_eq(manager_new(event, &m), 0);
	manager_set_kernel_ops(m, &(struct manager_kernel_ops){.create = fake_kernel_create,
							       .remove = fake_kernel_remove});
	ck_assert_int_eq(listing_cache_new(m, &cache), 0);
	ck_assert_int_eq(manager_add_listener(m, record, NULL), 0);
	ck_assert_int_eq(manager_startup(m), 0);
	manager_flush(m);
}

static void teardown(void)
{
	cache = listing_cache_free(cache);
	m = manager_free(m);
	event = sd_event_unref(event);
	event_log_clear(&seen);
	fake_sysfs_free(TAKE_PTR(root));
}

/*
 * A read-only descriptor of the listing of @kind, the cache's @cached: @want
 * byte for byte, from its own file offset; no write, no shrinking or
 * growing, no seal added, no writable shared mapping. A private mapping may
 * be written, the caller's copy only.
 */
static void assert_read_only(enum listing_kind kind, int cached, const char *want)
{
	char text[4096];
	size_t size;
	void *map;
	int ro;
	off_t cached_at = lseek(cached, 0, SEEK_CUR);

	ck_assert_int_eq(listing_cache_open_read_only(cache, kind, &ro, &size), 0);
	ck_assert_int_ne(ro, cached);
	ck_assert_uint_eq(size, strlen(want));
	ck_assert_int_eq(fcntl(ro, F_GETFL) & O_ACCMODE, O_RDONLY);
	ck_assert(fcntl(ro, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(read(ro, text, sizeof(text)), (ssize_t)size);
	text[size] = '\0';
	ck_assert_msg(streq(text, want), "read-only:\n%s\nwant:\n%s", text, want);
	/* Its offset is its own: the cache's descriptor did not move. */
	ck_assert_int_eq(lseek(cached, 0, SEEK_CUR), cached_at);
	ck_assert_int_eq(write(ro, "x", 1), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(pwrite(ro, "x", 1, 0), -1);
	ck_assert_int_eq(ftruncate(ro, 0), -1);
	ck_assert_int_eq(fcntl(ro, F_ADD_SEALS, F_SEAL_SEAL), -1);
	ck_assert_int_eq(errno, EPERM);
	if (size > 0) {
		ck_assert_ptr_eq(mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0),
				 MAP_FAILED);
		map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
		ck_assert_ptr_ne(map, MAP_FAILED);
		((char *)map)[0] = 'x';
		ck_assert_int_eq(munmap(map, size), 0);
	}
	ck_assert_int_eq(close(ro), 0);
	ck_assert_int_eq(pread(cached, text, sizeof(text), 0), (ssize_t)size);
	ck_assert_int_eq(memcmp(text, want, size), 0);
}

/* The listing of @kind, which must be @want byte for byte. */
static void assert_listing(enum listing_kind kind, const char *want)
{
	char text[4096];
	size_t size;
	int fd, seals;

	ck_assert_int_eq(listing_cache_get(cache, kind, &fd, &size), 0);
	/* What a reply carries without a copy: sealed, and all of it. */
	seals = fcntl(fd, F_GET_SEALS);
	ck_assert_int_eq(seals & (F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK),
			 F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK);
	ck_assert_uint_lt(size, sizeof(text));
	ck_assert_int_eq(pread(fd, text, sizeof(text), 0), (ssize_t)size);
	text[size] = '\0';
	ck_assert_msg(streq(text, want), "listing:\n%s\nwant:\n%s", text, want);

	/* A reply's own copy: the same bytes, a new descriptor, no render. */
	unsigned long renders = listing_cache_renders(cache);
	int copy;

	for (int reply = 0; reply < 2; reply++) {
		ck_assert_int_eq(listing_cache_open(cache, kind, &copy, &size), 0);
		ck_assert_int_ne(copy, fd);
		/* What sd_bus_message_append_array_memfd() does to it: sealed for good. */
		ck_assert_int_eq(fcntl(copy, F_ADD_SEALS,
				       F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE),
				 0);
		ck_assert_int_eq(pread(copy, text, sizeof(text), 0), (ssize_t)size);
		ck_assert_int_eq(close(copy), 0);
		text[size] = '\0';
		ck_assert_msg(streq(text, want), "copy:\n%s\nwant:\n%s", text, want);
	}
	/* What ListJSONByFileDescriptor hands out: the same bytes, read-only. */
	assert_read_only(kind, fd, want);
	/* The cache's own may not be sealed for good: it is the source of every reply. */
	ck_assert_int_eq(fcntl(fd, F_GET_SEALS) & F_SEAL_SEAL, 0);
	ck_assert_uint_eq(listing_cache_renders(cache), renders);
}

/* Deliver what the model did, then the listing must have been rendered again (or not). */
static void assert_renders(unsigned long want)
{
	ck_assert_uint_eq(listing_cache_renders(cache), want);
}

#define ENTRY_HEAD(uuid) "      {\n        \"" uuid "\": {\n"
#define ENTRY_TAIL "        }\n      }"
#define NET(start) \
	"          \"mdev_type\": \"mvsim-virtio_net\",\n          \"start\": \"" start "\",\n"
#define NO_ATTRS "          \"attrs\": []\n"
#define ONE_ATTR(name, value)                                                       \
	"          \"attrs\": [\n            {\n              \"" name "\": " value \
	"\n            }\n          ]\n"
#define LIST(parent, entries) "[\n  {\n    \"" parent "\": [\n" entries "\n    ]\n  }\n]"

static const struct definition_attr mac_attr[] = {{(char *)"mac", (char *)"02:00:00:00:00:01"}};

START_TEST(empty_listings)
{
	assert_listing(LISTING_DEFINED, "[]");
	assert_listing(LISTING_RUNNING, "[]");
	assert_renders(2);
}
END_TEST

START_TEST(bytes_and_invalidation_on_define_modify_start_undefine)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	const char *both =
	    LIST("mvsim", ENTRY_HEAD(U1) NET("manual") ONE_ATTR("mac", "\"02:00:00:00:00:01\"")
			      ENTRY_TAIL ",\n" ENTRY_HEAD(U2) NET("manual") NO_ATTRS ENTRY_TAIL);

	ck_assert_int_eq(
	    manager_define(m, "mvsim", U2, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", mac_attr, 1, NULL, &e), 0);
	manager_flush(m);
	assert_listing(LISTING_DEFINED, both);
	assert_renders(1);
	/* Asked again with nothing changed: the same bytes, not rendered again. */
	assert_listing(LISTING_DEFINED, both);
	assert_renders(1);

	ck_assert_int_eq(
	    manager_modify(m, U2, &(struct manager_changes){.start = DEFINITION_START_AUTO}, 0, &e),
	    0);
	manager_flush(m);
	assert_listing(LISTING_DEFINED, LIST("mvsim", ENTRY_HEAD(U1) NET("manual") ONE_ATTR(
							  "mac", "\"02:00:00:00:00:01\"") ENTRY_TAIL
					     ",\n" ENTRY_HEAD(U2) NET("auto") NO_ATTRS ENTRY_TAIL));
	assert_renders(2);

	/* Started: the running listing shows it; the defined one is the same bytes again. */
	assert_listing(LISTING_RUNNING, "[]");
	ck_assert_int_eq(manager_start(m, U1, &e), 0);
	manager_flush(m);
	assert_listing(LISTING_RUNNING,
		       LIST("mvsim", ENTRY_HEAD(U1) NET("manual")
					 ONE_ATTR("mac", "\"02:00:00:00:00:01\"") ENTRY_TAIL));
	assert_renders(4);

	/* Undefined while running: gone from the defined listing, still running. */
	ck_assert_int_eq(manager_undefine(m, U1, &e), 0);
	manager_flush(m);
	assert_listing(LISTING_DEFINED,
		       LIST("mvsim", ENTRY_HEAD(U2) NET("auto") NO_ATTRS ENTRY_TAIL));
	assert_listing(LISTING_RUNNING,
		       LIST("mvsim", ENTRY_HEAD(U1) NET("manual")
					 ONE_ATTR("mac", "\"02:00:00:00:00:01\"") ENTRY_TAIL));
	ck_assert_int_eq(manager_stop(m, U1, &e), 0);
	ck_assert_int_eq(manager_undefine(m, U2, &e), 0);
	manager_flush(m);
	assert_listing(LISTING_DEFINED, "[]");
	assert_listing(LISTING_RUNNING, "[]");
}
END_TEST

/* A descriptor handed out keeps its listing after a change; a new one has the change. */
START_TEST(read_only_descriptor_keeps_its_listing)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	const char *one = LIST("mvsim", ENTRY_HEAD(U2) NET("manual") NO_ATTRS ENTRY_TAIL);
	char text[4096];
	size_t size, now;
	int old, fresh;

	ck_assert_int_eq(
	    manager_define(m, "mvsim", U2, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	manager_flush(m);
	ck_assert_int_eq(listing_cache_open_read_only(cache, LISTING_DEFINED, &old, &size), 0);
	ck_assert_int_eq(manager_undefine(m, U2, &e), 0);
	manager_flush(m);
	ck_assert_int_eq(listing_cache_open_read_only(cache, LISTING_DEFINED, &fresh, &now), 0);
	ck_assert_int_eq(pread(fresh, text, sizeof(text), 0), 2);
	ck_assert_int_eq(memcmp(text, "[]", 2), 0);
	ck_assert_uint_eq(now, 2);
	ck_assert_int_eq(pread(old, text, sizeof(text), 0), (ssize_t)strlen(one));
	text[size] = '\0';
	ck_assert_uint_eq(size, strlen(one));
	ck_assert_msg(streq(text, one), "kept:\n%s\nwant:\n%s", text, one);
	ck_assert_int_eq(close(old), 0);
	ck_assert_int_eq(close(fresh), 0);
	assert_renders(2);
}
END_TEST

/* Edited by hand, on disk: the watcher's change reaches the cache. */
START_TEST(file_changed_on_disk)
{
	const char *path = ETC "/mvsim/" U1;

	fake_mkdir(ETC "/mvsim");
	fake_file_write(path, "{\"mdev_type\": \"mvsim-virtio_net\", \"start\": \"manual\"}");
	event_log_wait(&seen, event, "device added " U1);
	assert_listing(LISTING_DEFINED,
		       LIST("mvsim", ENTRY_HEAD(U1) NET("manual") NO_ATTRS ENTRY_TAIL));
	event_log_clear(&seen);
	/* What mdevctl escapes in a value: '"', '\\' (and nothing else printable). */
	fake_file_write(path, "{\"mdev_type\": \"mvsim-virtio_net\", \"start\": \"auto\", "
			      "\"attrs\": [{\"x\": \"a\\\"b\\\\c \xc3\xa9/\"}]}");
	event_log_wait(&seen, event, "device changed " U1);
	assert_listing(LISTING_DEFINED,
		       LIST("mvsim", ENTRY_HEAD(U1) NET("auto")
					 ONE_ATTR("x", "\"a\\\"b\\\\c \xc3\xa9/\"") ENTRY_TAIL));
	event_log_clear(&seen);
	fake_unlink(path);
	event_log_wait(&seen, event, "device removed " U1);
	assert_listing(LISTING_DEFINED, "[]");
	assert_renders(3);
}
END_TEST

/* One UUID on two parents: two entries, parents in byte order, each its own definition. */
START_TEST(one_uuid_on_two_parents)
{
	_cleanup_(manager_error_done) struct manager_error e = {};

	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", mac_attr, 1, NULL, &e), 0);
	ck_assert_int_eq(
	    manager_define(m, "0000:00:02.0", U1, "i915-GVTg_V5_4", "auto", NULL, 0, NULL, &e), 0);
	ck_assert_int_eq(
	    manager_define(m, "0000:00:02.0", U2, "i915-GVTg_V5_4", "manual", NULL, 0, NULL, &e),
	    0);
	manager_flush(m);
	assert_listing(
	    LISTING_DEFINED,
	    "[\n  {\n    \"0000:00:02.0\": [\n" ENTRY_HEAD(
		U1) "          \"mdev_type\": \"i915-GVTg_V5_4\",\n          \"start\": "
		    "\"auto\",\n" NO_ATTRS ENTRY_TAIL
		    ",\n" ENTRY_HEAD(U2) "          \"mdev_type\": \"i915-GVTg_V5_4\",\n          "
					 "\"start\": \"manual\",\n" NO_ATTRS ENTRY_TAIL
					 "\n    ],\n    \"mvsim\": [\n" ENTRY_HEAD(U1) NET("manual")
					     ONE_ATTR("mac", "\"02:00:00:00:00:01\"") ENTRY_TAIL
	    "\n    ]\n  }\n]");
}
END_TEST

static Suite *listing_cache_suite(void)
{
	Suite *s = suite_create("listing-cache");
	TCase *tc = tcase_create("listing-cache");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, empty_listings);
	tcase_add_test(tc, bytes_and_invalidation_on_define_modify_start_undefine);
	tcase_add_test(tc, file_changed_on_disk);
	tcase_add_test(tc, one_uuid_on_two_parents);
	tcase_add_test(tc, read_only_descriptor_keeps_its_listing);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(listing_cache_suite)
