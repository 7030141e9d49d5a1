/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running one callout script with a bound (callout.h): posix_spawn into its
 * own process group with default signals and only stdin, stdout and stderr
 * open; the three pipes and a pidfd (without one: waitpid() every 10 ms)
 * polled together until it exits or its time is up, then the whole group is
 * killed. The daemon is single-threaded
 * and blocks SIGPIPE only around this, so a script closing stdin early never
 * kills it.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "callout.h"
#include "clock-util.h"

extern char **environ;

void callout_output_done(struct callout_output *o)
{
	if (!o)
		return;
	free(o->out);
	free(o->err);
	*o = (struct callout_output){};
}

/* The daemon's environment without what would let a script talk to systemd as the daemon. */
static int script_environment(char ***ret)
{
	static const char *const drop[] = {"NOTIFY_SOCKET=", "WATCHDOG_PID=", "WATCHDOG_USEC=",
					   "LISTEN_FDS=",    "LISTEN_PID=",   "LISTEN_FDNAMES="};
	size_t n = 0, k = 0;
	bool has_path = false;
	char **env;

	for (char **e = environ; e && *e; e++)
		n++;
	env = calloc(n + 2, sizeof(char *));
	if (!env)
		return -ENOMEM;
	for (char **e = environ; e && *e; e++) {
		bool skip = false;

		for (size_t i = 0; i < ELEMENTSOF(drop); i++)
			skip = skip || strncmp(*e, drop[i], strlen(drop[i])) == 0;
		if (skip)
			continue;
		has_path = has_path || strncmp(*e, "PATH=", 5) == 0;
		env[k++] = *e; /* borrowed */
	}
	if (!has_path)
		env[k++] =
		    (char *)"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	*ret = env;
	return 0;
}

struct pipes {
	int in[2], out[2], err[2];
};

static void pipes_close(struct pipes *p)
{
	int *all[] = {p->in, p->out, p->err};

	for (size_t i = 0; i < ELEMENTSOF(all); i++)
		for (int j = 0; j < 2; j++)
			if (all[i][j] >= 0) {
				close(all[i][j]);
				all[i][j] = -1;
			}
}

static int pipes_open(struct pipes *p)
{
	*p = (struct pipes){{-1, -1}, {-1, -1}, {-1, -1}};
	if (pipe2(p->in, O_CLOEXEC) < 0 || pipe2(p->out, O_CLOEXEC) < 0 ||
	    pipe2(p->err, O_CLOEXEC) < 0) {
		int r = -errno;

		pipes_close(p);
		return r;
	}
	/* Our ends never block: the loop below polls them. */
	if (fcntl(p->in[1], F_SETFL, O_NONBLOCK) < 0 || fcntl(p->out[0], F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(p->err[0], F_SETFL, O_NONBLOCK) < 0) {
		int r = -errno;

		pipes_close(p);
		return r;
	}
	return 0;
}

/*
 * What surely cannot be executed is told apart before the spawn: not every
 * posix_spawn() reports the exec's errno (under valgrind the child just exits
 * 127, which a script may also do).
 */
static int executable_check(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EACCES;
	return access(path, X_OK) < 0 ? -errno : 0;
}

static int spawn(char *const *argv, struct pipes *p, pid_t *ret)
{
	_cleanup_free_ char **env = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int r;

	r = executable_check(argv[0]);
	if (r < 0)
		return r;

	r = script_environment(&env);
	if (r < 0)
		return r;
	sigemptyset(&none);
	sigfillset(&all);
	if (posix_spawn_file_actions_init(&fa) != 0)
		return -ENOMEM;
	if (posix_spawnattr_init(&attr) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -ENOMEM;
	}
	r = posix_spawn_file_actions_adddup2(&fa, p->in[0], 0);
	if (r == 0)
		r = posix_spawn_file_actions_adddup2(&fa, p->out[1], 1);
	if (r == 0)
		r = posix_spawn_file_actions_adddup2(&fa, p->err[1], 2);
	if (r == 0)
		r = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (r == 0)
		r = posix_spawn_file_actions_addchdir_np(&fa, "/");
	if (r == 0)
		r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
							POSIX_SPAWN_SETSIGDEF);
	if (r == 0)
		r = posix_spawnattr_setpgroup(&attr, 0);
	if (r == 0)
		r = posix_spawnattr_setsigmask(&attr, &none);
	if (r == 0)
		r = posix_spawnattr_setsigdefault(&attr, &all);
	/* glibc's posix_spawn reports the exec's errno (ENOENT, EACCES, ENOEXEC). */
	if (r == 0)
		r = posix_spawn(ret, argv[0], &fa, &attr, argv, env);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return -r;
}

/* Append what @fd has to *@buf (kept up to @max, the rest read and dropped); 0 at EOF. */
static int drain(int fd, char **buf, size_t *n, size_t max, bool *truncated)
{
	char chunk[4096];

	for (;;) {
		ssize_t k = read(fd, chunk, sizeof(chunk));

		if (k == 0)
			return 0;
		if (k < 0)
			return errno == EINTR ? 1 : errno == EAGAIN ? 1 : -errno;
		if (*n < max) {
			size_t take = (size_t)k < max - *n ? (size_t)k : max - *n;
			char *grown = realloc(*buf, *n + take + 1);

			if (!grown)
				return -ENOMEM;
			*buf = grown;
			memcpy(*buf + *n, chunk, take);
			*n += take;
			(*buf)[*n] = '\0';
			if (take < (size_t)k && truncated)
				*truncated = true;
		} else if (truncated) {
			*truncated = true;
		}
	}
}

/* Without a pidfd (a kernel before 5.3, or valgrind), how often the loop looks for the exit. */
#define CALLOUT_POLL_USEC 10000

struct run {
	pid_t pid;
	int pidfd; /* -1: none, poll waitpid() every CALLOUT_POLL_USEC */
	bool reaped;
	int wstatus;
	struct pipes *p;
	const char *input;
	size_t n_input, written;
	uint64_t deadline;
	struct callout_output *o;
};

static void input_feed(struct run *r)
{
	while (r->written < r->n_input) {
		ssize_t k = write(r->p->in[1], r->input + r->written, r->n_input - r->written);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN)
			return;
		if (k < 0)
			break; /* EPIPE: the script does not read its stdin, as mdevctl ignores */
		r->written += (size_t)k;
	}
	close(r->p->in[1]);
	r->p->in[1] = -1;
}

/* Poll until the script has exited (1) or its time is up (0). */
static int run_wait(struct run *r)
{
	for (;;) {
		struct pollfd fds[4] = {
		    {.fd = r->pidfd, .events = POLLIN},
		    {.fd = r->p->out[0], .events = POLLIN},
		    {.fd = r->p->err[0], .events = POLLIN},
		    {.fd = r->p->in[1], .events = POLLOUT},
		};
		uint64_t now = monotonic_usec();
		int k, timeout;

		if (r->pidfd < 0 && waitpid(r->pid, &r->wstatus, WNOHANG) == r->pid) {
			r->reaped = true;
			return 1;
		}
		if (now >= r->deadline)
			return 0;
		timeout = (int)((r->deadline - now + 999) / 1000);
		if (r->pidfd < 0 && timeout > CALLOUT_POLL_USEC / 1000)
			timeout = CALLOUT_POLL_USEC / 1000;
		k = poll(fds, ELEMENTSOF(fds), timeout);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (fds[3].revents)
			input_feed(r);
		if (fds[1].revents &&
		    drain(r->p->out[0], &r->o->out, &r->o->n_out, CALLOUT_STDOUT_MAX, NULL) <= 0) {
			close(r->p->out[0]);
			r->p->out[0] = -1;
		}
		if (fds[2].revents && drain(r->p->err[0], &r->o->err, &r->o->n_err,
					    CALLOUT_STDERR_MAX, &r->o->err_truncated) <= 0) {
			close(r->p->err[0]);
			r->p->err[0] = -1;
		}
		if (fds[0].revents)
			return 1;
	}
}

static void run_reap(struct run *r, bool exited)
{
	int status = r->wstatus;

	if (!exited)
		(void)kill(-r->pid, SIGKILL);
	while (!r->reaped && waitpid(r->pid, &status, 0) < 0 && errno == EINTR)
		;
	/* What it wrote before it exited; whatever still holds the pipes is not waited for. */
	if (r->p->out[0] >= 0)
		(void)drain(r->p->out[0], &r->o->out, &r->o->n_out, CALLOUT_STDOUT_MAX, NULL);
	if (r->p->err[0] >= 0)
		(void)drain(r->p->err[0], &r->o->err, &r->o->n_err, CALLOUT_STDERR_MAX,
			    &r->o->err_truncated);
	r->o->timed_out = !exited;
	if (exited && WIFEXITED(status)) {
		r->o->status = WEXITSTATUS(status);
	} else {
		r->o->status = -1;
		r->o->signal = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
	}
}

/* SIGPIPE blocked while we write to a script; one raised by us is consumed after. */
static void sigpipe_block(sigset_t *old, bool *was_pending)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	*was_pending = sigismember(&pending, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void sigpipe_restore(const sigset_t *old, bool was_pending)
{
	const struct timespec zero = {};
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	if (!was_pending && sigismember(&pending, SIGPIPE))
		(void)sigtimedwait(&set, NULL, &zero);
	sigprocmask(SIG_SETMASK, old, NULL);
}

int callout_exec(char *const *argv, const char *input, uint64_t timeout_usec,
		 struct callout_output *ret)
{
	struct callout_output o = {};
	struct pipes p;
	struct run r = {.pidfd = -1, .p = &p, .o = &o};
	sigset_t old;
	bool pending;
	int k;

	if (!argv || !argv[0] || !ret)
		return -EINVAL;
	k = pipes_open(&p);
	if (k < 0)
		return k;
	sigpipe_block(&old, &pending);
	k = spawn(argv, &p, &r.pid);
	if (k < 0)
		goto out;
	close(p.in[0]);
	close(p.out[1]);
	close(p.err[1]);
	p.in[0] = p.out[1] = p.err[1] = -1;
	r.pidfd = (int)syscall(SYS_pidfd_open, r.pid, 0);
	if (r.pidfd < 0 && errno != ENOSYS) {
		k = -errno;
		(void)kill(-r.pid, SIGKILL);
		(void)waitpid(r.pid, NULL, 0);
		goto out;
	}
	r.input = input;
	r.n_input = input ? strlen(input) : 0;
	r.deadline = monotonic_usec() + timeout_usec;
	input_feed(&r);
	k = run_wait(&r);
	run_reap(&r, k > 0);
	if (r.pidfd >= 0)
		close(r.pidfd);
	k = 0;
	*ret = o;
	o = (struct callout_output){};
out:
	pipes_close(&p);
	sigpipe_restore(&old, pending);
	callout_output_done(&o);
	return k;
}
