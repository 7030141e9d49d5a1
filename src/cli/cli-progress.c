/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The progress line (contract in cli-progress.h). While it is drawn, the
 * reporter writes to the terminal with write(2) on the stream's descriptor,
 * after flushing the stream, so its control characters and the verb's line
 * leave in one piece and in order; if that write fails, the verb's line goes
 * through the stream after all, which fails and remembers it as it would
 * have without progress (cli_run() reports it).
 */
#include <signal.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli-progress.h"
#include "log.h"

#define ERASE_LINE "\r\033[K" /* column 0, erase to the end of the line */
#define LINE_MAX_BYTES 256 /* the text on the widest terminal */

static uint64_t monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t (*clock_now)(void) = monotonic_usec;
/* The reporter the log hook erases; one at a time (see the header). */
static struct cli_progress *active;

/* What an interrupting signal finds: the terminal to erase, and whom to hand the signal back to. */
static const int erase_signals[] = {SIGINT, SIGTERM, SIGHUP};
static volatile sig_atomic_t erase_fd = -1;
static struct sigaction erase_saved[ELEMENTSOF(erase_signals)];

/*
 * Ctrl-C (or a kill) in the middle: the line goes, so the shell's prompt
 * does not land after it, and the signal is raised again under the
 * disposition it had, so the process ends as it would have without us.
 * Only async-signal-safe calls.
 */
static void erase_on_signal(int sig)
{
	int fd = erase_fd;

	if (fd >= 0)
		(void)!write(fd, ERASE_LINE, sizeof(ERASE_LINE) - 1);
	for (size_t i = 0; i < ELEMENTSOF(erase_signals); i++)
		if (erase_signals[i] == sig)
			sigaction(sig, &erase_saved[i], NULL);
	raise(sig);
}

static void signals_catch(int fd)
{
	struct sigaction sa = {.sa_handler = erase_on_signal};

	sigemptyset(&sa.sa_mask);
	erase_fd = fd;
	for (size_t i = 0; i < ELEMENTSOF(erase_signals); i++) {
		if (sigaction(erase_signals[i], NULL, &erase_saved[i]) < 0 ||
		    erase_saved[i].sa_handler == SIG_IGN) {
			/* Ignored stays ignored (nohup, a background job's SIGINT). */
			erase_saved[i].sa_handler = SIG_IGN;
			continue;
		}
		sigaction(erase_signals[i], &sa, NULL);
	}
}

static void signals_release(void)
{
	for (size_t i = 0; i < ELEMENTSOF(erase_signals); i++)
		if (erase_saved[i].sa_handler != SIG_IGN)
			sigaction(erase_signals[i], &erase_saved[i], NULL);
	erase_fd = -1;
}

void cli_progress_set_clock(uint64_t (*now_usec)(void))
{
	clock_now = now_usec ? now_usec : monotonic_usec;
}

/* Cut @s (of @n bytes) to at most @max bytes, not inside a UTF-8 sequence. */
static size_t cut_utf8(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

size_t cli_progress_format(char *buf, size_t size, const char *label, unsigned done, unsigned total,
			   unsigned columns)
{
	char counter[64];
	size_t room = columns > 1 ? columns - 1 : 0, n_counter, n_label;
	unsigned pct = total ? (unsigned)((uint64_t)done * 100 / total) : 100;

	if (room > size - 1)
		room = size - 1;
	n_counter = (size_t)snprintf(counter, sizeof(counter), "%u/%u (%u%%)", done, total, pct);
	/* Narrow terminal: the label gives way first, the count last. */
	if (n_counter + 2 >= room) {
		n_counter = cut_utf8(counter, n_counter, room);
		memcpy(buf, counter, n_counter);
		buf[n_counter] = '\0';
		return n_counter;
	}
	n_label = cut_utf8(label, strlen(label), room - n_counter - 2);
	memcpy(buf, label, n_label);
	memcpy(buf + n_label, ": ", 2);
	memcpy(buf + n_label + 2, counter, n_counter);
	buf[n_label + 2 + n_counter] = '\0';
	return n_label + 2 + n_counter;
}

bool cli_progress_due(uint64_t drawn, uint64_t now, unsigned done, unsigned total)
{
	return done >= total || now - drawn >= CLI_PROGRESS_INTERVAL_USEC;
}

static unsigned terminal_columns(int fd)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return CLI_PROGRESS_COLUMNS_DEFAULT;
}

/* Write all of @s; returns how much was written (< @n: the terminal failed). */
static size_t write_all(int fd, const char *s, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = write(fd, s + done, n - done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		done += (size_t)k;
	}
	return done;
}

/* Put @s on the terminal after what the stream holds; a failure stops the drawing. */
static size_t emit(struct cli_progress *p, const char *s, size_t n)
{
	size_t k;

	fflush(p->out);
	k = write_all(p->fd, s, n);
	if (k < n)
		p->on = false;
	return k;
}

/* "\rTEXT\033[K" into @buf (at least LINE_MAX_BYTES + 8); returns its length. */
static size_t compose_line(const struct cli_progress *p, char *buf)
{
	size_t n = 1;

	buf[0] = '\r';
	n += cli_progress_format(buf + 1, LINE_MAX_BYTES, p->label, p->done, p->total,
				 terminal_columns(p->fd));
	memcpy(buf + n, "\033[K", 3);
	return n + 3;
}

static void draw(struct cli_progress *p)
{
	char buf[LINE_MAX_BYTES + 8];

	emit(p, buf, compose_line(p, buf));
	p->shown = p->on;
	p->drawn_usec = clock_now();
}

static void erase(struct cli_progress *p)
{
	if (!p->on || !p->shown)
		return;
	emit(p, ERASE_LINE, strlen(ERASE_LINE));
	p->shown = false;
}

static void erase_before_log(void *userdata)
{
	erase(userdata);
}

static bool stream_is_terminal(FILE *out, int *ret_fd)
{
	const char *term = getenv("TERM");
	int fd = out ? fileno(out) : -1;

	if (fd < 0 || !isatty(fd) || streq_ptr(term, "dumb"))
		return false;
	*ret_fd = fd;
	return true;
}

void cli_progress_begin(struct cli_progress *p, FILE *out, unsigned total, const char *format, ...)
{
	va_list ap;
	int fd, r;

	*p = (struct cli_progress){.out = out, .total = total};
	if (total == 0 || active || !stream_is_terminal(out, &fd))
		return;
	va_start(ap, format);
	r = vasprintf(&p->label, format, ap);
	va_end(ap);
	if (r < 0) {
		p->label = NULL;
		return;
	}
	/* One line means no control characters, whatever the label is made of. */
	for (char *s = p->label; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	p->fd = fd;
	p->on = true;
	active = p;
	log_set_console_hook(erase_before_log, p);
	signals_catch(fd);
	draw(p);
}

void cli_progress_update(struct cli_progress *p, unsigned done)
{
	if (!p->on)
		return;
	p->done = done;
	if (done > p->total) /* the work grew since it was counted */
		p->total = done;
	/* Erased by a log message: back at once, or it would blink. */
	if (p->shown && !cli_progress_due(p->drawn_usec, clock_now(), done, p->total))
		return;
	draw(p);
}

/* Erase, the line, the progress line again: one write. */
static void print_over(struct cli_progress *p, const char *line, size_t n_line)
{
	_cleanup_free_ char *buf = malloc(strlen(ERASE_LINE) + n_line + LINE_MAX_BYTES + 8);
	bool redraw = n_line > 0 && line[n_line - 1] == '\n';
	size_t n = 0, k, at;

	if (!buf) {
		erase(p);
		fwrite(line, 1, n_line, p->out);
		return;
	}
	if (p->shown) {
		memcpy(buf, ERASE_LINE, strlen(ERASE_LINE));
		n = strlen(ERASE_LINE);
	}
	at = n;
	memcpy(buf + n, line, n_line);
	n += n_line;
	if (redraw)
		n += compose_line(p, buf + n);
	k = emit(p, buf, n);
	if (k < at + n_line) {
		/* The terminal failed: the rest of the line through the stream, which
		 * records the failure as it would have without us. */
		size_t sent = k > at ? k - at : 0;

		fwrite(line + sent, 1, n_line - sent, p->out);
		p->shown = false;
		return;
	}
	p->shown = redraw && p->on;
	if (p->shown)
		p->drawn_usec = clock_now();
}

void cli_progress_printf(struct cli_progress *p, const char *format, ...)
{
	_cleanup_free_ char *line = NULL;
	va_list ap, again;
	int n;

	va_start(ap, format);
	if (!p->on) {
		vfprintf(p->out, format, ap);
		va_end(ap);
		return;
	}
	va_copy(again, ap);
	n = vasprintf(&line, format, ap);
	va_end(ap);
	if (n < 0) {
		/* No memory for the one-write path: the line still goes out, plainly. */
		line = NULL;
		erase(p);
		vfprintf(p->out, format, again);
	} else
		print_over(p, line, (size_t)n);
	va_end(again);
}

void cli_progress_end(struct cli_progress *p)
{
	erase(p);
	if (active == p) {
		active = NULL;
		log_set_console_hook(NULL, NULL);
		signals_release();
	}
	p->on = false;
	p->shown = false;
	free(p->label);
	p->label = NULL;
}
