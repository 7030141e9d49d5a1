/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The listings pre-rendered: what `mdevctl list --defined --dumpjson` and
 * `mdevctl list --dumpjson` print for everything the manager knows, byte for
 * byte as mdevvirtioctl's model path prints them (mdevctl-json.h writes
 * both), so a listing costs the daemon a copy instead of one record per
 * device. Served by Manager.ListJSON (bus-manager.c).
 *
 * What is listed follows the CLI's model (cli_model_finish()): the defined
 * listing has one entry per definition (parent, UUID), the entry of the
 * definition a device runs as (or, stopped, is selected as) showing the
 * device's parent, type, start and attributes, every other one its
 * definition's; the running listing has one entry per running device with
 * the device's. Both sorted byte-wise by parent, then UUID.
 *
 * Each listing is rendered on the first request and kept until a change the
 * manager reports could alter it (a listener of the manager): a device added
 * or removed, or one whose definitions, parent, type, start, attributes,
 * Defined or Active changed. The manager delivers its changes from a deferred
 * source that the event loop runs before it serves a call that arrived after
 * the change (sd-event runs older pending sources first at one priority), so
 * a client that changed something and then lists sees its change.
 *
 * Ownership: the cache owns the rendered text, kept in a memfd sealed
 * against writes (its pages are not the daemon's memory until mapped);
 * listing_cache_get() lends that descriptor until the next change is
 * delivered or the cache is freed. listing_cache_open() gives the caller a
 * memfd of its own with the same bytes, for one reply
 * (sd_bus_message_append_array_memfd() seals it for good and maps it only
 * while sending); listing_cache_open_read_only() a read-only descriptor of
 * the cached memfd itself, to hand out as it is. The cache is a listener of
 * @m and must be freed before it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"
#include "manager.h"

enum listing_kind {
	LISTING_RUNNING, /* list --dumpjson */
	LISTING_DEFINED, /* list --defined --dumpjson */
	_LISTING_MAX,
};

struct listing_cache;

/* -ENOMEM, or 0. */
int listing_cache_new(struct manager *m, struct listing_cache **ret);
struct listing_cache *listing_cache_free(struct listing_cache *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct listing_cache *, listing_cache_free)
#define _cleanup_listing_cache_free_ _cleanup_(listing_cache_freep)

/* The listing of @kind: a sealed memfd holding *@ret_size bytes (no NUL),
 * rendered now if it is not cached. -ENOMEM, another negative errno from
 * creating or writing the memfd, or 0. */
int listing_cache_get(struct listing_cache *c, enum listing_kind kind, int *ret_fd,
		      size_t *ret_size);
/* As listing_cache_get(), but *@ret_fd is a new memfd (not sealed) that the
 * caller owns and closes. */
int listing_cache_open(struct listing_cache *c, enum listing_kind kind, int *ret_fd,
		       size_t *ret_size);

/* As listing_cache_get(), but *@ret_fd is a new read-only descriptor of the
 * cached memfd, with an open file description of its own (offset, flags),
 * that the caller owns and closes: what Manager.ListJSONByFileDescriptor
 * hands out. Whoever holds it can read the bytes, not change them (the
 * seals; no write access, so no seal added either), and keeps them after a
 * change renders a new listing. */
int listing_cache_open_read_only(struct listing_cache *c, enum listing_kind kind, int *ret_fd,
				 size_t *ret_size);

/* How many times a listing was rendered (tests: a cached answer is not). */
unsigned long listing_cache_renders(const struct listing_cache *c);
