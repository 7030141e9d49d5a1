/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Printers for list, types and status, in text and JSON, in mdevctl's shapes
 * and order. They only read the model and write to @f; selection rules
 * (which devices a "list" shows) live here too so both printers agree.
 */
#pragma once

#include "cli-model.h"

struct cli_list_filter {
	bool defined; /* list -d: definitions; else running devices */
	const char *uuid; /* NULL: any */
	const char *parent; /* NULL: any */
};

bool cli_list_selects(const struct cli_list_filter *flt, const struct cli_device *d);
/* mdevctl's type fields: trimmed, description's newlines as ", ". */
char *cli_type_text(const char *s, bool description);

int cli_format_list_text(FILE *f, const struct cli_model *m, const struct cli_list_filter *flt,
			 bool verbose);
int cli_format_list_json(FILE *f, const struct cli_model *m, const struct cli_list_filter *flt);
int cli_format_types_text(FILE *f, const struct cli_model *m, const char *parent);
int cli_format_types_json(FILE *f, const struct cli_model *m, const char *parent);
int cli_format_status_text(FILE *f, const struct cli_device *d);
int cli_format_status_json(FILE *f, const struct cli_device *d);
/* One device's status as a JSON object (also used by monitor --json). */
struct json_object *cli_device_to_json(const struct cli_device *d);
