/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mdevctl change stamp (contract in mdevctl-stamp.h). A manager listener
 * that decides, per change, whether a definition changed, and a oneshot
 * deferred source that touches the stamp once for all the changes of a
 * batch. Which devices are defined is remembered here (a sorted set of
 * UUIDs), since a REMOVED change no longer has the device to look at.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mdevctl-stamp.h"
#include "root-path.h"

/*
 * What a defined device's definitions are made of (besides being defined):
 * every parent's, not only the one Parent/Type show, which a start on
 * another parent changes without changing any file.
 */
#define STAMP_DEFINITION_PROPERTIES DEVICE_PROPERTY_DEFINITIONS

typedef char stamp_uuid[UUID_STRING_LEN + 1];

struct mdevctl_stamp {
	struct manager *manager;
	sd_event_source *defer; /* oneshot: touch once the batch is delivered */
	char *dir, *path; /* <root>/etc/mdevctl.d and the stamp in it */
	stamp_uuid *defined; /* sorted */
	size_t n_defined;
	unsigned long touches;
};

static int uuid_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The index of @uuid in the set, or where it would go (*@ret_found false). */
static size_t defined_find(const struct mdevctl_stamp *s, const char *uuid, bool *ret_found)
{
	size_t lo = 0, hi = s->n_defined;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(uuid, s->defined[mid]);

		if (c == 0) {
			*ret_found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*ret_found = false;
	return lo;
}

/* Record whether @uuid is defined now; returns whether it was before. */
static bool defined_set(struct mdevctl_stamp *s, const char *uuid, bool defined)
{
	bool found;
	size_t i = defined_find(s, uuid, &found);
	stamp_uuid *grown;

	if (found && !defined) {
		s->n_defined--;
		memmove(s->defined + i, s->defined + i + 1,
			(s->n_defined - i) * sizeof(*s->defined));
	} else if (!found && defined) {
		grown = realloc(s->defined, (s->n_defined + 1) * sizeof(*grown));
		if (!grown) {
			/* Forgetting it only costs a missed touch on its removal. */
			log_oom();
			return found;
		}
		s->defined = grown;
		memmove(s->defined + i + 1, s->defined + i,
			(s->n_defined - i) * sizeof(*s->defined));
		memcpy(s->defined[i], uuid, sizeof(stamp_uuid));
		s->n_defined++;
	}
	return found;
}

static bool is_definition_change(struct mdevctl_stamp *s, const struct manager_change_event *ev)
{
	const struct managed_device *d = NULL;
	bool was, is;

	if (ev->object != MANAGER_OBJECT_DEVICE || strlen(ev->id) != UUID_STRING_LEN)
		return false;
	/* On REMOVED the id may already be a new device, announced next. */
	if (ev->change != MANAGER_CHANGE_REMOVED)
		d = manager_get_device(s->manager, ev->id);
	is = d && d->defined;
	was = defined_set(s, ev->id, is);
	if (was != is)
		return true;
	return is && ev->change == MANAGER_CHANGE_CHANGED &&
	       (ev->properties & STAMP_DEFINITION_PROPERTIES);
}

/* Create the directory if needed and the file (empty: only its times matter). */
static int stamp_create(const struct mdevctl_stamp *s)
{
	_cleanup_close_ int fd = -1;

	if (mkdir(s->dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = open(s->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return -errno;
	return 0;
}

static void stamp_touch(struct mdevctl_stamp *s)
{
	int r = 0;

	if (utimensat(AT_FDCWD, s->path, NULL, AT_SYMLINK_NOFOLLOW) < 0) {
		r = -errno;
		/* Removed by someone: creating it is an event too. */
		if (r == -ENOENT)
			r = stamp_create(s);
	}
	if (r < 0) {
		log_warning_errno(r, "Failed to touch %s, libvirt will not see the change: %m",
				  s->path);
		return;
	}
	s->touches++;
	log_debug("Touched %s (%lu)", s->path, s->touches);
}

static int on_defer(sd_event_source *source, void *userdata)
{
	stamp_touch(userdata);
	return 0;
}

static void on_change(struct manager *m, const struct manager_change_event *ev, void *userdata)
{
	struct mdevctl_stamp *s = userdata;
	int r;

	if (!is_definition_change(s, ev))
		return;
	r = sd_event_source_set_enabled(s->defer, SD_EVENT_ONESHOT);
	if (r < 0) {
		log_warning_errno(r, "Failed to queue the touch of %s, touching now: %m", s->path);
		stamp_touch(s);
	}
}

/* The devices defined now: the set the first changes are compared with. */
static int defined_seed(struct mdevctl_stamp *s)
{
	size_t n = manager_n_devices(s->manager);

	s->defined = calloc(n ? n : 1, sizeof(*s->defined));
	if (!s->defined)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct managed_device *d = manager_device_at(s->manager, i);

		if (d->defined)
			memcpy(s->defined[s->n_defined++], d->uuid, sizeof(stamp_uuid));
	}
	/* The manager lists devices in UUID order; the set must not depend on it. */
	qsort(s->defined, s->n_defined, sizeof(*s->defined), uuid_cmp);
	return 0;
}

int mdevctl_stamp_new(sd_event *e, struct manager *m, struct mdevctl_stamp **ret)
{
	_cleanup_mdevctl_stamp_free_ struct mdevctl_stamp *s = NULL;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->manager = m;
	r = root_path(MDEVCTL_STAMP_DIR, &s->dir);
	if (r < 0)
		return r;
	r = root_path(MDEVCTL_STAMP_DIR "/" MDEVCTL_STAMP_NAME, &s->path);
	if (r < 0)
		return r;
	r = defined_seed(s);
	if (r < 0)
		return r;
	r = sd_event_add_defer(e, &s->defer, on_defer, s);
	if (r < 0)
		return r;
	(void)sd_event_source_set_description(s->defer, "mdevctl-stamp");
	r = sd_event_source_set_enabled(s->defer, SD_EVENT_OFF);
	if (r < 0)
		return r;
	r = manager_add_listener(m, on_change, s);
	if (r < 0)
		return r;

	/* Creates what is missing; the changes made while we were away are announced. */
	stamp_touch(s);
	*ret = TAKE_PTR(s);
	return 0;
}

struct mdevctl_stamp *mdevctl_stamp_free(struct mdevctl_stamp *s)
{
	if (!s)
		return NULL;
	if (s->manager)
		manager_remove_listener(s->manager, on_change, s);
	sd_event_source_disable_unref(s->defer);
	free(s->defined);
	free(s->dir);
	free(s->path);
	free(s);
	return NULL;
}

unsigned long mdevctl_stamp_touches(const struct mdevctl_stamp *s)
{
	return s->touches;
}
