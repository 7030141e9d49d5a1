/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What org.mdevvirtio1.Device shows of the kernel's netlink view of a
 * running device (man org.mdevvirtio1(5)):
 *   Status as          the virtio status byte as flag names, in bit order:
 *                      "acknowledge", "driver", "driver-ok", "features-ok",
 *                      "needs-reset", "failed", and "0x<bit>" for any other;
 *                      empty when reset (0) or unknown
 *   DeviceFeatures t   the features the device offers, 0 when unknown
 *   DriverFeatures t   the features the driver negotiated, 0 before that
 *   Config a{sv}       net: mac s, mtu q, max_virtqueue_pairs q, link s
 *                      ("up", "down"); blk: capacity t (512-byte sectors),
 *                      block_size u; both: generation u, virtqueues u;
 *                      only what the kernel reported, empty when unknown
 *   GetStatistics() -> a{sv}   "total": a{st}; "queues": a(ua{st}) (index,
 *                      counters), each with kicks, completed, descriptors,
 *                      bytes, errors, drops
 *   ClearStatistics()  zero them (root only, like every change)
 * "Unknown" is a stopped device, a vfio mdev device, or the family absent.
 */
#include "bus-access.h"
#include "bus-error.h"
#include "bus-internal.h"

#define VIRTIO_NET_S_LINK_UP 1

BUS_PROPERTY_GETTER(bus_device_get_status)
{
	static const char *const flags[8] = {
	    "acknowledge", "driver", "driver-ok", "features-ok", NULL, NULL, "needs-reset", "failed",
	};
	const struct managed_device *d;
	int r;

	r = bus_device_get(userdata, path, &d, error);
	if (r < 0)
		return r;
	r = sd_bus_message_open_container(reply, 'a', "s");
	if (r < 0)
		return r;
	for (unsigned bit = 0; d->virtio->known && bit < 8; bit++) {
		char other[sizeof("0x80")];

		if (!(d->virtio->status & (1u << bit)))
			continue;
		snprintf(other, sizeof(other), "0x%02x", 1u << bit);
		r = sd_bus_message_append(reply, "s", flags[bit] ? flags[bit] : other);
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(reply);
}

BUS_PROPERTY_GETTER(bus_device_get_features)
{
	const struct managed_device *d;
	int r;

	r = bus_device_get(userdata, path, &d, error);
	if (r < 0)
		return r;
	return sd_bus_message_append(reply, "t",
				     streq(property, "DeviceFeatures")
					 ? d->virtio->device_features
					 : d->virtio->driver_features);
}

static int append_entry(sd_bus_message *reply, const char *key, const char *type, ...)
{
	va_list ap;
	int r;

	r = sd_bus_message_open_container(reply, 'e', "sv");
	if (r < 0)
		return r;
	r = sd_bus_message_append(reply, "s", key);
	if (r < 0)
		return r;
	r = sd_bus_message_open_container(reply, 'v', type);
	if (r < 0)
		return r;
	va_start(ap, type);
	r = sd_bus_message_appendv(reply, type, ap);
	va_end(ap);
	if (r < 0)
		return r;
	r = sd_bus_message_close_container(reply);
	if (r < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

BUS_PROPERTY_GETTER(bus_device_get_config)
{
	const struct managed_device *d;
	const struct mdev_nl_config *c;
	int r = 0;

	r = bus_device_get(userdata, path, &d, error);
	if (r < 0)
		return r;
	c = &d->virtio->config;
	r = sd_bus_message_open_container(reply, 'a', "{sv}");
	if (r < 0)
		return r;
	if (d->virtio->known && d->virtio->num_vqs)
		r = append_entry(reply, "virtqueues", "u", d->virtio->num_vqs);
	if (r >= 0 && d->virtio->has_config) {
		char mac[sizeof("00:00:00:00:00:00")];

		if (r >= 0 && c->has_generation)
			r = append_entry(reply, "generation", "u", c->generation);
		if (r >= 0 && c->has_mac) {
			snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", c->mac[0],
				 c->mac[1], c->mac[2], c->mac[3], c->mac[4], c->mac[5]);
			r = append_entry(reply, "mac", "s", mac);
		}
		if (r >= 0 && c->has_mtu)
			r = append_entry(reply, "mtu", "q", c->mtu);
		if (r >= 0 && c->has_max_vqp)
			r = append_entry(reply, "max_virtqueue_pairs", "q", c->max_vqp);
		if (r >= 0 && c->has_net_status)
			r = append_entry(reply, "link", "s",
					 c->net_status & VIRTIO_NET_S_LINK_UP ? "up" : "down");
		if (r >= 0 && c->has_capacity)
			r = append_entry(reply, "capacity", "t", c->capacity);
		if (r >= 0 && c->has_blk_size)
			r = append_entry(reply, "block_size", "u", c->blk_size);
	}
	if (r < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

static int append_counters(sd_bus_message *reply, const struct mdev_nl_vq_stats *s)
{
	return sd_bus_message_append(reply, "a{st}", 6, "kicks", s->kicks, "completed", s->completed,
				     "descriptors", s->descriptors, "bytes", s->bytes, "errors",
				     s->errors, "drops", s->drops);
}

/* The queues as a(ua{st}). */
static int append_queues(sd_bus_message *reply, const struct mdev_nl_stats *s)
{
	int r = sd_bus_message_open_container(reply, 'a', "(ua{st})");

	for (size_t i = 0; r >= 0 && i < s->n_vqs; i++) {
		r = sd_bus_message_open_container(reply, 'r', "ua{st}");
		if (r >= 0)
			r = sd_bus_message_append(reply, "u", s->vqs[i].index);
		if (r >= 0)
			r = append_counters(reply, &s->vqs[i]);
		if (r >= 0)
			r = sd_bus_message_close_container(reply);
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* One {sv} entry of the reply: "total" or "queues". */
static int append_stats_entry(sd_bus_message *reply, const char *key, const struct mdev_nl_stats *s)
{
	bool total = streq(key, "total");
	int r;

	r = sd_bus_message_open_container(reply, 'e', "sv");
	if (r >= 0)
		r = sd_bus_message_append(reply, "s", key);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'v', total ? "a{st}" : "a(ua{st})");
	if (r >= 0)
		r = total ? append_counters(reply, &s->total) : append_queues(reply, s);
	if (r >= 0)
		r = sd_bus_message_close_container(reply); /* v */
	return r < 0 ? r : sd_bus_message_close_container(reply); /* e */
}

int bus_append_statistics(sd_bus_message *reply, const struct mdev_nl_stats *s)
{
	int r = sd_bus_message_open_container(reply, 'a', "{sv}");

	if (r >= 0)
		r = append_stats_entry(reply, "total", s);
	if (r >= 0)
		r = append_stats_entry(reply, "queues", s);
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int reply_statistics(sd_bus_message *m, const struct mdev_nl_stats *s)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int r;

	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = bus_append_statistics(reply, s);
	if (r < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}

int bus_device_method_get_statistics(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	_cleanup_free_ struct mdev_nl_stats *s = NULL;
	struct bus_api *api = userdata;
	char uuid[UUID_STRING_LEN + 1];
	int r;

	r = bus_device_called_uuid(m, api, uuid, error);
	if (r < 0)
		return r;
	r = manager_device_statistics(api->manager, uuid, &s, &e);
	if (r < 0)
		return bus_error_from_manager(error, r, &e);
	return reply_statistics(m, s);
}

int bus_device_method_clear_statistics(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	char uuid[UUID_STRING_LEN + 1];
	int r;

	r = bus_device_called_uuid(m, userdata, uuid, error);
	if (r < 0)
		return r;
	return bus_device_op(m, userdata, uuid, "ClearStatistics", manager_device_clear_statistics,
			     error);
}
