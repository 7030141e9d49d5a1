/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The inotify watcher: files dropped in, edited, masked or removed by hand,
 * and parent directories appearing or going away, reach the handler. The loop
 * runs with sd_event_run() and a deadline; nothing sleeps.
 */
#include "check-main.h"
#include "definition-test.h"
#include "event-log.h"

#define QUIET_USEC (100 * 1000)

static char *root;
static sd_event *event;
static struct definition_store *store;
static struct event_log seen;

static void record(struct definition_store *s, const struct definition_event *e, void *userdata)
{
	static const char *const names[] = {"added", "changed", "removed", "bad+", "bad-"};

	if (e->bad)
		event_log_add(&seen, "%s %s", names[e->change], e->bad->path + strlen(root));
	else
		event_log_add(&seen, "%s %s/%s", names[e->change], e->parent, e->uuid);
}

/* Run the loop until @line was reported (or the deadline passes), then clear. */
static void expect(const char *line)
{
	event_log_wait(&seen, event, line);
	event_log_clear(&seen);
}

/* Nothing more is reported while the loop runs for a short while. */
static void expect_quiet(void)
{
	while (sd_event_run(event, QUIET_USEC) > 0)
		;
	ck_assert_msg(seen.n == 0, "unexpected \"%s\"", seen.lines[0]);
}

static void setup(void)
{
	root = test_root_new();
	test_write(VENDOR "/mvsim/" U3, GOLDEN_NET);
	test_write(ADMIN "/mvsim/" U2, GOLDEN_NET);
	ck_assert_int_eq(sd_event_new(&event), 0);
	ck_assert_int_eq(definition_store_new(&store), 0);
	ck_assert_int_eq(definition_store_watch(store, event, record, NULL), 0);
	ck_assert_int_eq(definition_store_load(store, NULL, NULL), 0);
}

static void teardown(void)
{
	event_log_clear(&seen);
	store = definition_store_free(store);
	event = sd_event_unref(event);
	test_root_free(root);
	root = NULL;
}

START_TEST(watch_creates_writable_roots)
{
	ck_assert(test_exists(RUNTIME));
	ck_assert_int_eq(definition_store_watch(store, event, record, NULL), -EBUSY);
}
END_TEST

START_TEST(dropped_in_file_edit_and_removal)
{
	test_write(ADMIN "/mvsim/" U1, GOLDEN_NET);
	expect("added mvsim/" U1);
	test_write(ADMIN "/mvsim/" U1, GOLDEN_BLK);
	expect("changed mvsim/" U1);
	ck_assert_str_eq(definition_store_get(store, "mvsim", U1)->def->mdev_type,
			 "mvsim-virtio_blk");
	test_rm_rf(ADMIN "/mvsim/" U1);
	expect("removed mvsim/" U1);
	ck_assert_ptr_null(definition_store_get(store, "mvsim", U1));
	expect_quiet();
}
END_TEST

START_TEST(corrupt_edit_reported_then_fixed)
{
	test_write(ADMIN "/mvsim/" U2, "{\"mdev_type\": [], \"start\": \"auto\"}");
	expect("bad+ " ADMIN "/mvsim/" U2);
	ck_assert_ptr_null(definition_store_get(store, "mvsim", U2));
	test_write(ADMIN "/mvsim/" U2, GOLDEN_BLK);
	expect("bad- " ADMIN "/mvsim/" U2);
	ck_assert_ptr_nonnull(definition_store_get(store, "mvsim", U2));
}
END_TEST

START_TEST(mask_and_unmask_by_hand)
{
	test_symlink(ADMIN "/mvsim/" U3, "/dev/null");
	expect("removed mvsim/" U3);
	test_rm_rf(ADMIN "/mvsim/" U3);
	expect("added mvsim/" U3);
}
END_TEST

START_TEST(new_parent_directory_is_watched)
{
	test_write(RUNTIME "/0000:00:02.0/" U1, GOLDEN_BLK);
	expect("added 0000:00:02.0/" U1);
	/* The new directory is watched now: later files in it are seen too. */
	test_write(RUNTIME "/0000:00:02.0/" U2, GOLDEN_BLK);
	expect("added 0000:00:02.0/" U2);
	test_rm_rf(RUNTIME "/0000:00:02.0");
	expect("removed 0000:00:02.0/" U2);
}
END_TEST

START_TEST(parent_directory_moved_away)
{
	_cleanup_free_ char *from = test_path(ADMIN "/mvsim"), *to = test_path("/tmp-mvsim");

	ck_assert_int_eq(rename(from, to), 0);
	expect("removed mvsim/" U2);
	/* Files in the moved directory are no longer ours. */
	test_write("/tmp-mvsim/" U1, GOLDEN_NET);
	expect_quiet();
}
END_TEST

START_TEST(invalid_parent_directory_reported)
{
	test_write(ADMIN "/bad parent/" U1, GOLDEN_NET);
	expect("bad+ " ADMIN "/bad parent");
}
END_TEST

START_TEST(own_writes_reported_once)
{
	_cleanup_definition_free_ struct definition *d = NULL;

	ck_assert_int_eq(
	    definition_new("mvsim", U1, "mvsim-virtio_net", DEFINITION_START_AUTO, &d, NULL), 0);
	ck_assert_int_eq(definition_store_save(store, d, DEFINITION_LAYER_ADMIN, record, NULL), 0);
	ck_assert_uint_eq(seen.n, 1);
	ck_assert_str_eq(seen.lines[0], "added mvsim/" U1);
	event_log_clear(&seen);
	ck_assert_int_eq(definition_store_remove(store, "mvsim", U3, record, NULL), 0);
	ck_assert_uint_eq(seen.n, 1);
	event_log_clear(&seen);
	/* The temp file, rename and mask only echo as "unchanged". */
	expect_quiet();
}
END_TEST

/* A store watching a root prepared by the caller (the set-up is the test's). */
static void watch_start(void)
{
	ck_assert_int_eq(sd_event_new(&event), 0);
	ck_assert_int_eq(definition_store_new(&store), 0);
	ck_assert_int_eq(definition_store_watch(store, event, record, NULL), 0);
	ck_assert_int_eq(definition_store_load(store, record, NULL), 0);
}

/*
 * Symlink loops present before the watch starts (a parent directory, a
 * directory cycle, a file): each is listed as bad, and the rest of the tree
 * is still watched.
 */
START_TEST(symlink_loops_do_not_stop_the_watch)
{
	root = test_root_new();
	test_symlink(ADMIN "/loop", "loop");
	test_symlink(ADMIN "/cycle-a", "cycle-b");
	test_symlink(ADMIN "/cycle-b", "cycle-a");
	test_symlink(ADMIN "/mvsim/" U3, U3);
	watch_start();
	event_log_assert_has(&seen, "bad+ " ADMIN "/loop");
	event_log_assert_has(&seen, "bad+ " ADMIN "/cycle-a");
	event_log_assert_has(&seen, "bad+ " ADMIN "/cycle-b");
	event_log_assert_has(&seen, "bad+ " ADMIN "/mvsim/" U3);
	ck_assert_uint_eq(seen.n, 4);
	event_log_clear(&seen);

	/* Files dropped in afterwards are picked up live, in a known parent and a new one. */
	test_write(ADMIN "/mvsim/" U1, GOLDEN_NET);
	expect("added mvsim/" U1);
	test_write(ADMIN "/0000:00:02.0/" U2, GOLDEN_BLK);
	expect("added 0000:00:02.0/" U2);
	/* Fixing the loop makes that parent an ordinary, watched one. */
	test_rm_rf(ADMIN "/loop");
	expect("bad- " ADMIN "/loop");
	test_write(ADMIN "/loop/" U3, GOLDEN_BLK);
	expect("added loop/" U3);
	expect_quiet();
}
END_TEST

/* A writable layer root that is a loop is listed as bad; the other layers are still watched. */
START_TEST(layer_root_loop_does_not_stop_the_watch)
{
	root = test_root_new();
	test_symlink(ADMIN, "mdevvirtio.d");
	watch_start();
	event_log_assert_has(&seen, "bad+ " ADMIN);
	ck_assert_uint_eq(seen.n, 1);
	event_log_clear(&seen);
	test_write(RUNTIME "/mvsim/" U1, GOLDEN_NET);
	expect("added mvsim/" U1);
}
END_TEST

static Suite *watch_suite(void)
{
	Suite *s = suite_create("definition-watch");
	TCase *tc = tcase_create("inotify");
	TCase *loops = tcase_create("symlink-loops");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, watch_creates_writable_roots);
	tcase_add_test(tc, dropped_in_file_edit_and_removal);
	tcase_add_test(tc, corrupt_edit_reported_then_fixed);
	tcase_add_test(tc, mask_and_unmask_by_hand);
	tcase_add_test(tc, new_parent_directory_is_watched);
	tcase_add_test(tc, parent_directory_moved_away);
	tcase_add_test(tc, invalid_parent_directory_reported);
	tcase_add_test(tc, own_writes_reported_once);
	suite_add_tcase(s, tc);
	/* Its own set-up: the loops must be there before the watch starts. */
	tcase_add_checked_fixture(loops, NULL, teardown);
	tcase_add_test(loops, symlink_loops_do_not_stop_the_watch);
	tcase_add_test(loops, layer_root_loop_does_not_stop_the_watch);
	suite_add_tcase(s, loops);
	return s;
}

CHECK_MAIN(watch_suite)
