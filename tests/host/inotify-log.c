/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * inotify-log DIR: print one line per inotify event on DIR, as libvirt's
 * GFileMonitor sees them: the mask GLib's inotify backend asks for (modify,
 * attrib, close-write, moves, create, delete, and the directory itself
 * going away). Each line is "<event names> <file name>", flushed at once;
 * the first line is "ready" once the watch is in place. Runs until killed,
 * or until the directory goes away (exit 0) or a read fails (exit 1).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#define GIO_MASK                                                                       \
	(IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_CREATE | \
	 IN_DELETE_SELF | IN_UNMOUNT | IN_MOVE_SELF | IN_CLOSE_WRITE)

static const struct {
	unsigned bit;
	const char *name;
} names[] = {
    {IN_MODIFY, "MODIFY"},	   {IN_ATTRIB, "ATTRIB"},	    {IN_CLOSE_WRITE, "CLOSE_WRITE"},
    {IN_MOVED_FROM, "MOVED_FROM"}, {IN_MOVED_TO, "MOVED_TO"},	    {IN_CREATE, "CREATE"},
    {IN_DELETE, "DELETE"},	   {IN_DELETE_SELF, "DELETE_SELF"}, {IN_MOVE_SELF, "MOVE_SELF"},
    {IN_UNMOUNT, "UNMOUNT"},	   {IN_IGNORED, "IGNORED"},	    {IN_Q_OVERFLOW, "OVERFLOW"},
    {IN_ISDIR, "ISDIR"},
};

static void print_event(const struct inotify_event *ev)
{
	const char *sep = "";

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ev->mask & names[i].bit) {
			printf("%s%s", sep, names[i].name);
			sep = ",";
		}
	printf(" %s\n", ev->len ? ev->name : ".");
	fflush(stdout);
}

int main(int argc, char *argv[])
{
	char buf[64 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	fd = inotify_init1(IN_CLOEXEC);
	if (fd < 0 || inotify_add_watch(fd, argv[1], GIO_MASK) < 0) {
		fprintf(stderr, "Failed to watch '%s': %s\n", argv[1], strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "Failed to read events of '%s': %s\n", argv[1],
				n < 0 ? strerror(errno) : "end of file");
			return 1;
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			print_event(ev);
			if (ev->mask & IN_IGNORED)
				return 0;
			p += sizeof(*ev) + ev->len;
		}
	}
}
