/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What /proc says of the process behind a bus caller, for the one question
 * the privilege check asks of it: does it hold CAP_SYS_ADMIN in the daemon's
 * own (the initial) user namespace, as the same user the bus connected?
 *
 * The bus vouches only for the UID and PID it recorded when the caller
 * connected (SO_PEERCRED); capabilities exist only in /proc, which describes
 * whatever runs under that PID now. caller_process_admits() therefore asks
 * for more than the capability bit, so that nothing a caller can do after
 * connecting (exec a set-uid or file-capability program, enter a user
 * namespace of its own) makes it count:
 *   - all four UIDs (real, effective, saved, file system) are the UID the
 *     bus recorded: a set-uid exec changes the effective and saved ones;
 *   - CAP_SYS_ADMIN is in the ambient set as well as the effective one: the
 *     kernel clears the ambient set on every exec that grants privileges
 *     (set-uid, set-gid, file capabilities), and on entering a new user
 *     namespace;
 *   - its UID map, as the daemon reads it, is the daemon's own: capabilities
 *     held in a user namespace of the caller's own count for nothing.
 * /proc is read directly, never under the --root of the tests: callers are
 * real processes.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct caller_process {
	uid_t uids[4]; /* real, effective, saved, file system; in our namespace */
	uint64_t cap_effective;
	uint64_t cap_ambient;
	bool same_user_namespace; /* as the daemon's */
};

/*
 * Parse the text of /proc/<pid>/status (@len bytes, not NUL-terminated):
 * the Uid, CapEff and CapAmb lines. -EBADMSG if one is missing or malformed.
 * Leaves same_user_namespace false.
 */
int caller_process_parse_status(const char *text, size_t len, struct caller_process *ret);

/*
 * Read the process @pid from /proc: status, and uid_map compared with our
 * own. Both files are read through one handle of /proc/<pid>, so they
 * describe one process (-ESRCH if it is gone). Negative errno on failure,
 * @ret untouched.
 */
int caller_process_read(pid_t pid, struct caller_process *ret);

/* Whether @p counts as holding CAP_SYS_ADMIN for a connection made as @uid. */
bool caller_process_admits(const struct caller_process *p, uid_t uid);
