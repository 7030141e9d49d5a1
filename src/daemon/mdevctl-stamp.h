/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mdevctl change stamp: how tools that watch mdevctl's directory learn
 * that our definitions changed. libvirt (and anything else written for
 * mdevctl) re-reads `mdevctl list --defined` whenever inotify reports an
 * event under /etc/mdevctl.d; our definitions live in /etc/mdevvirtio.d, so
 * after every batch of committed definition changes the daemon sets the
 * times of one file there, /etc/mdevctl.d/.mdevvirtiod.stamp (below
 * root_get()): one IN_ATTRIB event per batch, nothing else.
 *
 * A committed definition change is a device of the manager becoming defined
 * or undefined, or a defined device whose parent, type, start or attributes
 * changed: whatever made it (D-Bus Define, Modify, Undefine, a CLI import, a
 * file dropped into, edited in or removed from a definition directory,
 * Reload). Starting and stopping a device, parents coming and going, drivers
 * binding and bad files are not definition changes and never touch the
 * stamp. The changes of one manager batch give one touch.
 *
 * mdevctl_stamp_new() creates /etc/mdevctl.d (0755) and the stamp (0644, empty)
 * if they are missing, then touches it once: definitions may have changed
 * while the daemon was not running. A stamp that cannot be written is logged
 * (warning) and never fails an operation; the next change tries again, and
 * re-creates the file if it was removed. The stamp is a hidden regular file
 * directly in /etc/mdevctl.d, which mdevctl itself skips (it reads only
 * directories there).
 *
 * Ownership: the stamp is a listener of @m and must be freed before it.
 */
#pragma once

#include <systemd/sd-event.h>

#include "macro.h"
#include "manager.h"

#define MDEVCTL_STAMP_DIR "/etc/mdevctl.d"
#define MDEVCTL_STAMP_NAME ".mdevvirtiod.stamp"

struct mdevctl_stamp;

/* Listen to @m on @e. -ENOMEM, -EINVAL (a root that makes no path), or 0. */
int mdevctl_stamp_new(sd_event *e, struct manager *m, struct mdevctl_stamp **ret);
struct mdevctl_stamp *mdevctl_stamp_free(struct mdevctl_stamp *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct mdevctl_stamp *, mdevctl_stamp_free)
#define _cleanup_mdevctl_stamp_free_ _cleanup_(mdevctl_stamp_freep)

/* How many times the stamp was touched (tests, the debug log). */
unsigned long mdevctl_stamp_touches(const struct mdevctl_stamp *s);
