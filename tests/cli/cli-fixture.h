/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fixture backend and fake-tree writer for the CLI tests (see cli-fixture.c). */
#pragma once

#include <json-c/json.h>

#include "cli-backend.h"

#define FIXTURE_GENERATED_UUID "00000000-0000-4000-8000-000000000000"

/* cli_connect_t: @userdata is the fixture file name. */
int fixture_connect(void *userdata, struct cli_backend *ret);
int fixture_load_model(struct json_object *root, struct cli_model **ret);
/* Write the fixture as an mdevctl world: <dir>/sys/{class,bus,devices}, <dir>/etc/mdevctl.d. */
int fixture_make_tree(const char *fixture, const char *dir);
