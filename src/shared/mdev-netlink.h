/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Client of the kernel's "mdev_virtio" generic netlink family (the contract is
 * in include/uapi/linux/mdev_virtio.h): plain C snapshots of parents, devices,
 * configs and virtqueue counters, a request client and an event listener.
 *
 * Errors are negative errnos, never libnl's -NLE_* codes:
 *   -ENOENT     the family (or the events group) is not registered: the
 *               module is not loaded
 *   -EINVAL     a UUID argument that is not a UUID
 *   -ETIMEDOUT  no complete answer within the client's timeout
 *   -EBADMSG    a reply or event that is malformed: truncated (also a
 *               datagram larger than the request socket's 64 KiB), a bad length,
 *               an attribute of the wrong size, an unterminated or non-UTF-8
 *               string, a missing mandatory attribute
 *   -EPROTO     a well-formed message that is not what was asked for
 *   -EAGAIN     a dump kept being interrupted by changes (retried first)
 *   anything else the kernel answered (-ENODEV for a UUID it does not know,
 *   -EPERM, -EOPNOTSUPP, ...), with its extack message kept:
 *   mdev_nl_last_error().
 *
 * Ownership: a struct mdev_nl or mdev_nl_events is owned by its opener and
 * freed by the matching _close() (NULL accepted, NULL returned). Parents and
 * stats are single allocations freed with free(); devices and configs are
 * plain values. Pointers handed to callbacks are valid during the call only.
 * Neither object is thread-safe; one thread uses one object.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uuid-util.h"

#define MDEV_NL_UUID_SIZE 16
#define MDEV_NL_MAC_SIZE 6
/* Limits on what the kernel may send, terminating NUL included. */
#define MDEV_NL_NAME_SIZE 129 /* parent, type id, driver: NAME_MAX_PARENT/_TYPE + 1 */
#define MDEV_NL_DESCRIPTION_SIZE 1024
#define MDEV_NL_ERROR_SIZE 256 /* extack message, longer ones are cut */
#define MDEV_NL_TYPES_MAX 256 /* types of one parent */
#define MDEV_NL_VQS_MAX 65536 /* virtqueues of one device (a u16 index space) */
/*
 * Default time a request may take; mdev_nl_set_timeout() changes it. Resolving
 * an absent family makes the kernel run modprobe for its alias first, which
 * takes seconds on a slow machine: that must end in -ENOENT, not -ETIMEDOUT.
 */
#define MDEV_NL_TIMEOUT_USEC (10 * 1000 * 1000ULL)

struct mdev_nl_type {
	char id[MDEV_NL_NAME_SIZE];
	char description[MDEV_NL_DESCRIPTION_SIZE]; /* "" if the kernel sent none */
	uint16_t class_id; /* MDEV_VIRTIO_CLASS_ID_* */
	uint32_t device_id; /* virtio device id: 1 net, 2 blk */
	uint32_t max_instances;
	uint32_t available;
};

struct mdev_nl_parent {
	char name[MDEV_NL_NAME_SIZE];
	size_t n_types;
	struct mdev_nl_type types[];
};

struct mdev_nl_device {
	uint8_t uuid[MDEV_NL_UUID_SIZE];
	char uuid_str[UUID_STRING_LEN + 1]; /* normalised: lower-case, hyphenated */
	char parent[MDEV_NL_NAME_SIZE];
	char type[MDEV_NL_NAME_SIZE];
	uint16_t class_id;
	uint32_t device_id;
	bool has_driver;
	char driver[MDEV_NL_NAME_SIZE]; /* "" while unbound */
	uint8_t status; /* the virtio status byte */
	uint64_t device_features;
	uint64_t driver_features;
	uint32_t num_vqs;
	uint16_t vq_num_max;
};

/* A device's config space as the kernel reports it; has_* says what was sent. */
struct mdev_nl_config {
	uint8_t uuid[MDEV_NL_UUID_SIZE];
	char uuid_str[UUID_STRING_LEN + 1];
	bool has_device_id, has_generation;
	uint32_t device_id;
	uint32_t generation;
	bool has_mac, has_mtu, has_max_vqp, has_net_status;
	uint8_t mac[MDEV_NL_MAC_SIZE];
	uint16_t mtu;
	uint16_t max_vqp;
	uint16_t net_status; /* VIRTIO_NET_S_* */
	bool has_capacity, has_blk_size;
	uint64_t capacity; /* 512-byte sectors */
	uint32_t blk_size;
};

struct mdev_nl_vq_stats {
	uint32_t index; /* 0 in a total */
	uint64_t kicks;
	uint64_t completed;
	uint64_t descriptors;
	uint64_t bytes;
	uint64_t errors;
	uint64_t drops;
};

struct mdev_nl_stats {
	uint8_t uuid[MDEV_NL_UUID_SIZE];
	char uuid_str[UUID_STRING_LEN + 1];
	struct mdev_nl_vq_stats total; /* sums over vqs[], saturated at UINT64_MAX */
	size_t n_vqs;
	struct mdev_nl_vq_stats vqs[]; /* in the kernel's order; indexes are unique */
};

enum mdev_nl_event_kind {
	MDEV_NL_EVENT_OVERRUN, /* events were lost (ENOBUFS) or garbled: dump again */
	MDEV_NL_EVENT_NEW,
	MDEV_NL_EVENT_DEL,
	MDEV_NL_EVENT_BIND,
	MDEV_NL_EVENT_UNBIND,
	MDEV_NL_EVENT_STATUS,
	MDEV_NL_EVENT_CONFIG_CHANGED,
	MDEV_NL_EVENT_FAMILY_NEW, /* the family is registered again (module loaded): dump */
	MDEV_NL_EVENT_FAMILY_DEL, /* the family is gone (module unloaded) */
};

/* "new", "del", ..., "overrun", "family-new", "family-del"; NULL for a value outside the enum. */
const char *mdev_nl_event_kind_to_string(enum mdev_nl_event_kind kind);

/* Callbacks: return 0 to go on, a negative errno to stop (it is returned). */
typedef int (*mdev_nl_device_fn)(const struct mdev_nl_device *dev, void *userdata);
typedef int (*mdev_nl_parent_fn)(const struct mdev_nl_parent *parent, void *userdata);
/* @dev is NULL for MDEV_NL_EVENT_OVERRUN and the FAMILY events. */
typedef int (*mdev_nl_event_fn)(enum mdev_nl_event_kind kind, const struct mdev_nl_device *dev,
				void *userdata);

/* Requests */
struct mdev_nl;

/* Connect and resolve the family; -ENOENT if it is not registered. */
int mdev_nl_open(struct mdev_nl **ret);
struct mdev_nl *mdev_nl_close(struct mdev_nl *nl);
/*
 * Bound on each request from send to last reply, overrun by an eighth of it
 * at most; 0 restores the default.
 */
void mdev_nl_set_timeout(struct mdev_nl *nl, uint64_t usec);
/* The kernel's extack message of the last failed request, "" if it sent none. */
const char *mdev_nl_last_error(const struct mdev_nl *nl);

/* @uuid in any spelling uuid_normalize() accepts. */
int mdev_nl_get_device(struct mdev_nl *nl, const char *uuid, struct mdev_nl_device *ret);
int mdev_nl_get_config(struct mdev_nl *nl, const char *uuid, struct mdev_nl_config *ret);
/* *ret is freed with free(). */
int mdev_nl_get_stats(struct mdev_nl *nl, const char *uuid, struct mdev_nl_stats **ret);
int mdev_nl_clear_stats(struct mdev_nl *nl, const char *uuid);
/*
 * Dumps call @fn once per object of one consistent snapshot: the whole dump
 * is read (and redone if the kernel flags it interrupted) before the first
 * call. Returns the number of objects, or a negative errno.
 */
int mdev_nl_dump_devices(struct mdev_nl *nl, mdev_nl_device_fn fn, void *userdata);
int mdev_nl_dump_parents(struct mdev_nl *nl, mdev_nl_parent_fn fn, void *userdata);

/* Events */
struct mdev_nl_events;

/*
 * A non-blocking socket subscribed to the "events" group and to nlctrl's
 * notifications about the family, so it follows the module across unload
 * and load: FAMILY_DEL when the family goes, FAMILY_NEW when it is back (the
 * socket is then subscribed to the new group; what happened in between is
 * for the owner to dump). -ENOENT without the family.
 */
int mdev_nl_events_open(struct mdev_nl_events **ret);
/* The same, but opened whether or not the family is registered now (*ret_present says). */
int mdev_nl_events_open_follow(struct mdev_nl_events **ret, bool *ret_present);
struct mdev_nl_events *mdev_nl_events_close(struct mdev_nl_events *ev);
/* For poll() or sd_event_add_io() (EPOLLIN); owned by @ev. */
int mdev_nl_events_fd(const struct mdev_nl_events *ev);
/*
 * Read what is pending, without blocking, calling @fn per event. Lost events
 * (ENOBUFS) and events that do not parse are reported as one
 * MDEV_NL_EVENT_OVERRUN each; events of unknown kinds (a newer kernel) are
 * skipped. Returns the number of callbacks made, or a negative errno (@fn's
 * own, or the socket's).
 */
int mdev_nl_events_process(struct mdev_nl_events *ev, mdev_nl_event_fn fn, void *userdata);
