/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * "stats": one running device's virtqueue counters, as the kernel keeps them
 * (Device.GetStatistics), one line per queue and a total:
 *     <uuid>
 *       queue       kicks   completed descriptors        bytes   errors    drops
 *       0              12          12          24         1176        0        0
 *       total          ...
 * and with --dumpjson {"uuid": ..., "total": {...}, "queues": [{"index": 0, ...}]}.
 * A device that is not running, a vfio device and a kernel without the
 * netlink family fail with the daemon's message.
 */
#include <inttypes.h>

#include "cli-json.h"
#include "cli-verbs-internal.h"
#include "log.h"

static void stats_line(FILE *f, const char *label, const struct cli_vq_stats *s)
{
	fprintf(f, "  %-6s %11" PRIu64 " %11" PRIu64 " %11" PRIu64 " %12" PRIu64 " %8" PRIu64
		   " %8" PRIu64 "\n",
		label, s->kicks, s->completed, s->descriptors, s->bytes, s->errors, s->drops);
}

static void stats_text(FILE *f, const char *uuid, const struct cli_stats *s)
{
	fprintf(f, "%s\n", uuid);
	fprintf(f, "  %-6s %11s %11s %11s %12s %8s %8s\n", "queue", "kicks", "completed",
		"descriptors", "bytes", "errors", "drops");
	for (size_t i = 0; i < s->n_queues; i++) {
		char label[16];

		snprintf(label, sizeof(label), "%" PRIu32, s->queues[i].index);
		stats_line(f, label, &s->queues[i]);
	}
	stats_line(f, "total", &s->total);
}

static struct json_object *counters_json(const struct cli_vq_stats *s, bool with_index)
{
	_cleanup_json_put_ struct json_object *o = json_object_new_object();
	const struct {
		const char *name;
		uint64_t value;
	} c[] = {{"kicks", s->kicks},		{"completed", s->completed},
		 {"descriptors", s->descriptors}, {"bytes", s->bytes},
		 {"errors", s->errors},		{"drops", s->drops}};

	if (!o)
		return NULL;
	if (with_index &&
	    json_object_object_add(o, "index", json_object_new_int64(s->index)) < 0)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(c); i++)
		if (json_object_object_add(o, c[i].name,
					   json_object_new_uint64(c[i].value)) < 0)
			return NULL;
	return TAKE_PTR(o);
}

static int stats_json(FILE *f, const char *uuid, const struct cli_stats *s)
{
	_cleanup_json_put_ struct json_object *o = json_object_new_object();
	struct json_object *queues = json_object_new_array();

	if (!o || !queues || json_object_object_add(o, "uuid", json_object_new_string(uuid)) < 0 ||
	    json_object_object_add(o, "total", counters_json(&s->total, false)) < 0 ||
	    json_object_object_add(o, "queues", queues) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_queues; i++)
		if (json_object_array_add(queues, counters_json(&s->queues[i], true)) < 0)
			return -ENOMEM;
	cli_json_write(f, o, true);
	fputc('\n', f);
	return 0;
}

int cli_verb_stats(const struct cli_context *c)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(cli_stats_freep) struct cli_stats *s = NULL;
	int r;

	if (!c->backend->statistics) {
		log_error("Counters are not available here");
		return CLI_EXIT_FAILURE;
	}
	r = c->backend->statistics(c->backend->userdata, c->cmd->uuid, &s, &error);
	if (r < 0 && sd_bus_error_has_name(&error, SD_BUS_ERROR_UNKNOWN_OBJECT)) {
		log_error("Device '%s' is neither defined nor running", c->cmd->uuid);
		return CLI_EXIT_FAILURE;
	}
	if (r < 0)
		return cli_report_error(r, &error, "read the counters of", c->cmd->uuid);
	if (c->cmd->dumpjson)
		r = stats_json(c->out, c->cmd->uuid, s);
	else
		stats_text(c->out, c->cmd->uuid, s), r = 0;
	if (r < 0)
		return log_oom(), CLI_EXIT_FAILURE;
	return CLI_EXIT_OK;
}
