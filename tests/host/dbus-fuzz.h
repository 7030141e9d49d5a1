/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dbus-fuzz (tests/host/dbus-fuzz.c): shared state and the argument
 * generator (dbus-fuzz-values.c).
 *
 * All randomness comes from struct fuzz's seeded generator and nothing else,
 * so a seed and the introspected methods fix every call. Strings returned by
 * rnd_string() are the caller's to free; append_*() append to an open message
 * and return a negative errno from sd-bus on failure.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "macro.h"

#define API_NAME "org.mdevvirtio1"
#define API_ROOT "/org/mdevvirtio1"
#define MANAGER_IFACE "org.mdevvirtio1.Manager"
/* The UUID whose device the fuzzer defines to have a Device object, and one
 * for the plain Define/Undefine at the end. */
#define FUZZ_UUID "f0220000-0000-4000-8000-000000000000"
#define PLAIN_UUID "f0220000-ffff-4000-8000-00000000ffff"
#define METHODS_MAX 128
#define NAMES_MAX 64
#define ERROR_NAMES_MAX 64
#define HUGE_STRING (1024 * 1024)
#define HUGE_ARRAY 100000
/* dbus-daemon's default limit of descriptors per message is 16. */
#define FDS_PER_MESSAGE 8

struct method {
	char *path, *iface, *member, *sig;
};

struct fuzz {
	sd_bus *bus;
	uint64_t rng;
	uint64_t timeout_usec;
	unsigned big_every; /* one call in big_every may carry a huge value; 0 never */
	unsigned big_left; /* huge values the message being built may still get */
	unsigned fds_left; /* 'h' types its signatures may still get */
	char *owner; /* the daemon's unique name */
	struct method methods[METHODS_MAX];
	size_t n_methods;
	char *ifaces[NAMES_MAX]; /* every interface name seen, for Properties calls */
	size_t n_ifaces;
	char *props[NAMES_MAX]; /* every property name seen */
	size_t n_props;
	struct {
		char *name;
		unsigned count;
	} errors[ERROR_NAMES_MAX];
	size_t n_errors;
	unsigned returns;
};

uint64_t rnd(struct fuzz *f);
unsigned rnd_below(struct fuzz *f, unsigned n);
bool one_in(struct fuzz *f, unsigned n);
char *rnd_string(struct fuzz *f, bool allow_big);
void rnd_path(struct fuzz *f, char *buf, size_t size);

/* The length of the complete type at @s, 0 if @s does not start with one. */
size_t type_len(const char *s);
/* Append one random complete type to @buf of at least 256 bytes (a string). */
void rnd_type(struct fuzz *f, char *buf, unsigned depth);

/* Append a random value of the complete type @t. */
int append_value(struct fuzz *f, sd_bus_message *m, const char *t, unsigned depth);
/* Append Properties.Get/GetAll/Set arguments naming seen interfaces and properties. */
int append_property_args(struct fuzz *f, sd_bus_message *m, const struct method *me);
