/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The private socket (bus-internal.h): the API served to root with no bus
 * daemon between, for the command-line tool, whose every run would
 * otherwise pay dbus-daemon's connection set-up, Hello and routing, and the
 * daemon's GetConnectionCredentials round trip (tests/bench/README.md).
 *
 * Who may connect is decided twice, as on the bus: the file system (the
 * socket is 0600 and root's, in a directory only root can write) and the
 * daemon, which reads each connection's SO_PEERCRED at accept and closes
 * any that is not UID 0 in the daemon's user namespace (a process in a user
 * namespace of its own is seen as the user it runs as). The methods then
 * check again (bus-access.c, which takes a direct connection's credentials
 * from SO_PEERCRED too, never from the message). The same objects are
 * served on every connection; signals go to the bus alone.
 *
 * Each connection is an sd-bus server connection on the daemon's event
 * loop, dropped when its peer hangs up. Errors on one connection never
 * touch the others or the bus; a socket that cannot be set up is warned
 * about and the daemon goes on with the bus alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "bus-internal.h"
#include "log.h"

struct bus_private {
	struct bus_api *api;
	char *path;
	int fd;
	dev_t dev; /* the socket file's, to unlink ours alone */
	ino_t ino;
	sd_event_source *source;
	sd_bus *conn[BUS_PRIVATE_CONNECTIONS_MAX];
	size_t n_conn;
};

static void conn_drop(struct bus_private *p, sd_bus *bus)
{
	for (size_t i = 0; i < p->n_conn; i++)
		if (p->conn[i] == bus) {
			p->conn[i] = p->conn[--p->n_conn];
			/* sd-bus holds the connection through the callback that got here. */
			sd_bus_flush_close_unref(bus);
			return;
		}
}

static int on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	(void)error;
	conn_drop(userdata, sd_bus_message_get_bus(m));
	return 0;
}

/* Serve the API on the accepted @fd (taken, closed on failure). */
static int conn_add(struct bus_private *p, int fd)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	sd_id128_t id;
	int r;

	r = sd_bus_new(&bus);
	if (r < 0) {
		close(fd);
		return r;
	}
	r = sd_bus_set_fd(bus, fd, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	r = sd_id128_randomize(&id);
	if (r >= 0)
		r = sd_bus_set_server(bus, true, id);
	/* As on the bus: sd-bus's own capability check is not ours (SD_BUS_VTABLE_UNPRIVILEGED). */
	if (r >= 0)
		r = sd_bus_set_trusted(bus, false);
	if (r >= 0)
		r = sd_bus_set_description(bus, "private");
	if (r >= 0)
		r = bus_objects_add(p->api, bus);
	if (r >= 0)
		r = sd_bus_match_signal(bus, NULL, NULL, "/org/freedesktop/DBus/Local",
					"org.freedesktop.DBus.Local", "Disconnected",
					on_disconnected, p);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r >= 0)
		r = sd_bus_attach_event(bus, p->api->event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0)
		return r;
	p->conn[p->n_conn++] = TAKE_PTR(bus);
	return 0;
}

static int on_connection(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct bus_private *p = userdata;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int cfd, r;

	(void)s;
	(void)revents;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warning_errno(errno, "Failed to accept on %s, ignoring: %m", p->path);
		return 0;
	}
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		log_warning_errno(errno, "Failed to read the credentials of a connection to %s, "
					 "closing it: %m", p->path);
		close(cfd);
		return 0;
	}
	if (cred.uid != 0) {
		log_notice("Refused a connection to %s from UID %u (PID %d): root only", p->path,
			   (unsigned)cred.uid, (int)cred.pid);
		close(cfd);
		return 0;
	}
	if (p->n_conn >= BUS_PRIVATE_CONNECTIONS_MAX) {
		log_warning("Refused a connection to %s from PID %d: %d connections already open",
			    p->path, (int)cred.pid, BUS_PRIVATE_CONNECTIONS_MAX);
		close(cfd);
		return 0;
	}
	r = conn_add(p, cfd);
	if (r < 0)
		log_warning_errno(r, "Failed to serve a connection to %s from PID %d, closing it: %m",
				  p->path, (int)cred.pid);
	return 0;
}

/*
 * The directory the socket goes in: made 0755 if missing; refused unless it
 * is a directory of ours that nobody else can write (else another user could
 * put a socket of theirs where root's tools look for ours).
 */
static int socket_dir_check(const char *path)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash;
	struct stat st;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return log_warning_errno(EINVAL, "Invalid private socket path '%s': not in a directory",
				       path);
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return log_warning_errno(errno, "Failed to make the directory %s: %m", dir);
	if (lstat(dir, &st) < 0)
		return log_warning_errno(errno, "Failed to check the directory %s: %m", dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 0022))
		return log_warning_errno(EPERM, "Refusing the private socket in %s: not a directory "
					      "of UID %u that only it can write", dir,
				       (unsigned)geteuid());
	return 0;
}

static int socket_listen(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -EBADF;
	mode_t old;
	int r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return log_warning_errno(ENAMETOOLONG, "Invalid private socket path '%s': longer than "
						     "%zu bytes", path, sizeof(sa.sun_path) - 1);
	r = socket_dir_check(path);
	if (r < 0)
		return r;
	strcpy(sa.sun_path, path);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return log_warning_errno(errno, "Failed to create a Unix socket: %m");
	/* A daemon that serves it still keeps it (and the bus name, which this
	 * one will then be refused); one that did not stop cleanly left it. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) >= 0)
		return log_warning_errno(EADDRINUSE, "Another process serves %s", path);
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return log_warning_errno(errno, "Failed to create a Unix socket: %m");
	if (unlink(path) < 0 && errno != ENOENT)
		return log_warning_errno(errno, "Failed to remove the old %s: %m", path);
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0)
		return log_warning_errno(errno, "Failed to bind %s: %m", path);
	if (listen(fd, SOMAXCONN) < 0) {
		r = -errno;
		(void)unlink(path);
		return log_warning_errno(r, "Failed to listen on %s: %m", path);
	}
	return TAKE_FD(fd);
}

int bus_private_new(struct bus_api *api, const char *path, struct bus_private **ret)
{
	struct bus_private *p;
	struct stat st;
	int r;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->api = api;
	p->fd = -EBADF;
	p->path = strdup(path);
	if (!p->path) {
		free(p);
		return -ENOMEM;
	}
	r = socket_listen(path);
	if (r < 0) {
		free(p->path);
		free(p);
		return r;
	}
	p->fd = r;
	if (lstat(path, &st) >= 0) {
		p->dev = st.st_dev;
		p->ino = st.st_ino;
	}
	r = sd_event_add_io(api->event, &p->source, p->fd, EPOLLIN, on_connection, p);
	if (r < 0) {
		bus_private_free(p);
		return log_warning_errno(r, "Failed to watch %s: %m", path);
	}
	log_debug("Serving the API to root on %s", path);
	*ret = p;
	return 0;
}

struct bus_private *bus_private_free(struct bus_private *p)
{
	if (!p)
		return NULL;
	while (p->n_conn > 0)
		sd_bus_flush_close_unref(p->conn[--p->n_conn]);
	sd_event_source_disable_unref(p->source);
	if (p->fd >= 0) {
		struct stat st;

		close(p->fd);
		/* Not a socket that a daemon started since put there. */
		if (lstat(p->path, &st) >= 0 && st.st_dev == p->dev && st.st_ino == p->ino)
			(void)unlink(p->path);
	}
	free(p->path);
	free(p);
	return NULL;
}
