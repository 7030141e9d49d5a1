/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The progress line (cli-progress.h): its text, its rate limit on a fake
 * clock, the exact bytes it puts on a real pseudo-terminal, and that on
 * anything else it puts nothing but the verb's own lines.
 */
#include <fcntl.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "check-main.h"
#include "cli-progress.h"
#include "log.h"

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

/* A raw pty @columns wide: *master to read, *out the slave as the verb's stream. */
struct term {
	int master;
	FILE *out;
};

static struct term term_open(unsigned short columns)
{
	struct winsize ws = {.ws_row = 24, .ws_col = columns};
	struct termios t;
	struct term tm;
	int slave;

	ck_assert_int_eq(openpty(&tm.master, &slave, NULL, NULL, &ws), 0);
	ck_assert_int_eq(tcgetattr(slave, &t), 0);
	cfmakeraw(&t);
	ck_assert_int_eq(tcsetattr(slave, TCSANOW, &t), 0);
	ck_assert_int_eq(fcntl(tm.master, F_SETFL, O_NONBLOCK), 0);
	tm.out = fdopen(slave, "w");
	ck_assert_ptr_nonnull(tm.out);
	return tm;
}

/* Everything written to the terminal since the last call. */
static char *term_read(struct term *tm)
{
	static char buf[65536];
	size_t n = 0;
	ssize_t k;

	fflush(tm->out);
	while (n < sizeof(buf) - 1 && (k = read(tm->master, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)k;
	buf[n] = '\0';
	return buf;
}

static void term_close(struct term *tm)
{
	if (tm->out)
		fclose(tm->out);
	if (tm->master >= 0)
		close(tm->master);
}

#define ck_bytes(seen, expected)                                                      \
	do {                                                                          \
		const char *_s = (seen), *_e = (expected);                            \
		ck_assert_msg(streq(_s, _e), "expected \"%s\", seen \"%s\"", _e, _s); \
	} while (0)

static void setup(void)
{
	fake_now = 1000000;
	cli_progress_set_clock(fake_clock);
	unsetenv("TERM");
}

static void teardown(void)
{
	cli_progress_set_clock(NULL);
}

static const char *fmt(const char *label, unsigned done, unsigned total, unsigned columns)
{
	static char buf[256];

	cli_progress_format(buf, sizeof(buf), label, done, total, columns);
	return buf;
}

START_TEST(test_format)
{
	ck_bytes(fmt("Importing definitions", 1234, 10000, 80),
		 "Importing definitions: 1234/10000 (12%)");
	ck_bytes(fmt("Starting devices of mtty", 3, 40, 80), "Starting devices of mtty: 3/40 (7%)");
	/* Rounded down: 100% only when all are done. */
	ck_bytes(fmt("x", 9999, 10000, 80), "x: 9999/10000 (99%)");
	ck_bytes(fmt("x", 10000, 10000, 80), "x: 10000/10000 (100%)");
	ck_bytes(fmt("x", 0, 300, 80), "x: 0/300 (0%)");
	/* No overflow of done * 100. */
	ck_bytes(fmt("x", 4000000000u, 4000000000u, 80), "x: 4000000000/4000000000 (100%)");
	/* Narrow: the label gives way, the count stays; the last column stays free. */
	ck_bytes(fmt("Importing definitions", 1234, 10000, 20), "I: 1234/10000 (12%)");
	ck_bytes(fmt("Importing definitions", 1234, 10000, 30), "Importing d: 1234/10000 (12%)");
	ck_bytes(fmt("Importing definitions", 1234, 10000, 10), "1234/1000");
	ck_bytes(fmt("Importing definitions", 1234, 10000, 1), "");
	ck_bytes(fmt("Importing definitions", 1234, 10000, 0), "");
	/* Never inside a UTF-8 sequence: "é" is 2 bytes, room for the label is 2. */
	ck_bytes(fmt("aé", 1, 2, 14), "a: 1/2 (50%)");
	ck_bytes(fmt("aé", 1, 2, 16), "aé: 1/2 (50%)");
	/* The buffer bounds it too. */
	{
		char small[8];

		ck_assert_uint_eq(cli_progress_format(small, sizeof(small), "label", 1, 2, 80), 7);
		ck_bytes(small, "1/2 (50");
	}
}
END_TEST

START_TEST(test_due)
{
	const uint64_t t = 5000000;

	ck_assert(!cli_progress_due(t, t, 1, 10));
	ck_assert(!cli_progress_due(t, t + CLI_PROGRESS_INTERVAL_USEC - 1, 9, 10));
	ck_assert(cli_progress_due(t, t + CLI_PROGRESS_INTERVAL_USEC, 9, 10));
	/* The last one always shows. */
	ck_assert(cli_progress_due(t, t, 10, 10));
}
END_TEST

START_TEST(test_terminal_rate_limited)
{
	struct term tm = term_open(80);
	struct cli_progress p;

	cli_progress_begin(&p, tm.out, 5, "Importing %s", "definitions");
	ck_bytes(term_read(&tm), "\rImporting definitions: 0/5 (0%)\033[K");
	fake_now += CLI_PROGRESS_INTERVAL_USEC / 2;
	cli_progress_update(&p, 1);
	ck_bytes(term_read(&tm), "");
	fake_now += CLI_PROGRESS_INTERVAL_USEC / 2;
	cli_progress_update(&p, 2);
	ck_bytes(term_read(&tm), "\rImporting definitions: 2/5 (40%)\033[K");
	cli_progress_update(&p, 3);
	cli_progress_update(&p, 4);
	ck_bytes(term_read(&tm), "");
	cli_progress_update(&p, 5);
	ck_bytes(term_read(&tm), "\rImporting definitions: 5/5 (100%)\033[K");
	cli_progress_end(&p);
	ck_bytes(term_read(&tm), "\r\033[K");
	cli_progress_end(&p);
	ck_bytes(term_read(&tm), "");
	term_close(&tm);
}
END_TEST

/* 10,000 updates within one second: about ten draws, not 10,000. */
START_TEST(test_terminal_many_items)
{
	struct term tm = term_open(80);
	struct cli_progress p;
	unsigned draws = 0;

	cli_progress_begin(&p, tm.out, 10000, "Starting devices of %s", "mvsim");
	for (unsigned i = 1; i <= 10000; i++) {
		fake_now += 100; /* 100 µs an item */
		cli_progress_update(&p, i);
		for (const char *s = term_read(&tm); (s = strchr(s, '\r')); s++)
			draws++;
	}
	cli_progress_end(&p);
	ck_assert_msg(draws >= 10 && draws <= 12, "%u draws", draws);
	term_close(&tm);
}
END_TEST

START_TEST(test_terminal_lines)
{
	struct term tm = term_open(80);
	struct cli_progress p;

	cli_progress_begin(&p, tm.out, 4, "Importing definitions");
	term_read(&tm);
	/* Erased, printed, drawn again below it. */
	cli_progress_printf(&p, "Imported %s/%s\n", "mvsim", "u1");
	ck_bytes(term_read(&tm),
		 "\r\033[KImported mvsim/u1\n\rImporting definitions: 0/4 (0%)\033[K");
	/* Something the verb left in the stream's buffer goes first. */
	fputs("partial ", tm.out);
	cli_progress_update(&p, 4);
	ck_bytes(term_read(&tm), "partial \rImporting definitions: 4/4 (100%)\033[K");
	cli_progress_end(&p);
	ck_bytes(term_read(&tm), "\r\033[K");
	/* After the end: plain output. */
	cli_progress_printf(&p, "%u imported\n", 4u);
	ck_bytes(term_read(&tm), "4 imported\n");
	term_close(&tm);
}
END_TEST

/* A line without a newline at its end is not followed by a redraw. */
START_TEST(test_terminal_partial_line)
{
	struct term tm = term_open(80);
	struct cli_progress p;

	cli_progress_begin(&p, tm.out, 2, "x");
	term_read(&tm);
	cli_progress_printf(&p, "no newline");
	ck_bytes(term_read(&tm), "\r\033[Kno newline");
	cli_progress_update(&p, 1);
	ck_bytes(term_read(&tm), "\rx: 1/2 (50%)\033[K");
	cli_progress_end(&p);
	term_close(&tm);
}
END_TEST

START_TEST(test_terminal_log_messages)
{
	struct term tm = term_open(80);
	struct cli_progress p;
	int saved = dup(STDERR_FILENO);

	/* stderr on the same terminal, as in a shell. */
	fflush(stderr);
	ck_assert_int_eq(dup2(fileno(tm.out), STDERR_FILENO), STDERR_FILENO);
	log_set_prefix("mdevvirtioctl");
	cli_progress_begin(&p, tm.out, 3, "Starting devices of %s", "mvsim");
	term_read(&tm);
	log_warning("Warning: failed to start '%s'", "u1");
	ck_bytes(term_read(&tm), "\r\033[Kmdevvirtioctl: Warning: failed to start 'u1'\n");
	/* Back at the next update, though the interval has not passed. */
	cli_progress_update(&p, 1);
	ck_bytes(term_read(&tm), "\rStarting devices of mvsim: 1/3 (33%)\033[K");
	/* A message below the log level erases nothing. */
	log_debug("hidden");
	ck_bytes(term_read(&tm), "");
	cli_progress_end(&p);
	term_read(&tm);
	/* After the end the hook is gone. */
	log_warning("after");
	ck_bytes(term_read(&tm), "mdevvirtioctl: after\n");
	log_set_prefix(NULL);
	dup2(saved, STDERR_FILENO);
	close(saved);
	term_close(&tm);
}
END_TEST

START_TEST(test_narrow_terminal)
{
	struct term tm = term_open(20);
	struct cli_progress p;

	cli_progress_begin(&p, tm.out, 10000, "Importing definitions");
	ck_bytes(term_read(&tm), "\rImpor: 0/10000 (0%)\033[K");
	cli_progress_end(&p);
	term_close(&tm);
}
END_TEST

/* Not a terminal: the lines exactly, nothing else. */
START_TEST(test_not_a_terminal)
{
	_cleanup_free_ char *buf = NULL;
	struct cli_progress p;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	cli_progress_begin(&p, f, 300, "Importing definitions");
	for (unsigned i = 1; i <= 300; i++) {
		fake_now += CLI_PROGRESS_INTERVAL_USEC;
		if (i % 100 == 0)
			cli_progress_printf(&p, "line %u\n", i);
		cli_progress_update(&p, i);
	}
	log_debug("nothing to erase");
	cli_progress_end(&p);
	fclose(f);
	ck_bytes(buf, "line 100\nline 200\nline 300\n");
}
END_TEST

/* TERM=dumb does not understand "\033[K": no progress there either. */
START_TEST(test_dumb_terminal)
{
	struct term tm = term_open(80);
	struct cli_progress p;

	setenv("TERM", "dumb", 1);
	cli_progress_begin(&p, tm.out, 3, "x");
	cli_progress_printf(&p, "line\n");
	cli_progress_update(&p, 3);
	cli_progress_end(&p);
	ck_bytes(term_read(&tm), "line\n");
	term_close(&tm);
}
END_TEST

START_TEST(test_nothing_to_count)
{
	struct term tm = term_open(80);
	struct cli_progress p;

	cli_progress_begin(&p, tm.out, 0, "x");
	cli_progress_printf(&p, "0 imported\n");
	cli_progress_end(&p);
	ck_bytes(term_read(&tm), "0 imported\n");
	term_close(&tm);
}
END_TEST

/* One at a time: a second reporter while one is active stays quiet. */
START_TEST(test_one_at_a_time)
{
	struct term tm = term_open(80);
	struct cli_progress p, q;

	cli_progress_begin(&p, tm.out, 2, "first");
	term_read(&tm);
	cli_progress_begin(&q, tm.out, 2, "second");
	cli_progress_update(&q, 2);
	cli_progress_end(&q);
	ck_bytes(term_read(&tm), "");
	/* Ending the second did not take the first one's log hook. */
	cli_progress_end(&p);
	ck_bytes(term_read(&tm), "\r\033[K");
	cli_progress_begin(&q, tm.out, 2, "second");
	ck_bytes(term_read(&tm), "\rsecond: 0/2 (0%)\033[K");
	cli_progress_end(&q);
	term_close(&tm);
}
END_TEST

/* The label cannot break the line. */
START_TEST(test_label_control_characters)
{
	struct term tm = term_open(80);
	struct cli_progress p;

	cli_progress_begin(&p, tm.out, 2, "a%sb", "\n\r\033\177");
	ck_bytes(term_read(&tm), "\ra????b: 0/2 (0%)\033[K");
	cli_progress_end(&p);
	term_close(&tm);
}
END_TEST

/* A zeroed reporter (a verb that failed before it began) ends quietly. */
START_TEST(test_zeroed_end)
{
	struct cli_progress p = {};

	cli_progress_end(&p);
	ck_assert(!p.on);
}
END_TEST

/* The terminal goes away: the drawing stops, the verb's line still reaches
 * the stream, which records the failure for cli_run() to report. */
START_TEST(test_terminal_gone)
{
	struct term tm = term_open(80);
	struct cli_progress p;

	cli_progress_begin(&p, tm.out, 3, "x");
	term_read(&tm);
	close(tm.master);
	tm.master = -1;
	cli_progress_printf(&p, "Imported %s\n", "u1");
	ck_assert(!p.on);
	fflush(tm.out);
	ck_assert(ferror(tm.out));
	cli_progress_update(&p, 3);
	cli_progress_end(&p);
	term_close(&tm);
}
END_TEST

static Suite *cli_progress_suite(void)
{
	Suite *s = suite_create("cli-progress");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_due);
	tcase_add_test(tc, test_terminal_rate_limited);
	tcase_add_test(tc, test_terminal_many_items);
	tcase_add_test(tc, test_terminal_lines);
	tcase_add_test(tc, test_terminal_partial_line);
	tcase_add_test(tc, test_terminal_log_messages);
	tcase_add_test(tc, test_narrow_terminal);
	tcase_add_test(tc, test_not_a_terminal);
	tcase_add_test(tc, test_dumb_terminal);
	tcase_add_test(tc, test_nothing_to_count);
	tcase_add_test(tc, test_one_at_a_time);
	tcase_add_test(tc, test_label_control_characters);
	tcase_add_test(tc, test_zeroed_end);
	tcase_add_test(tc, test_terminal_gone);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(cli_progress_suite)
