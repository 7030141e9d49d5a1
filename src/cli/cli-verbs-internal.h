/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verb functions shared between cli-verbs*.c and cli-import.c; not an API. */
#pragma once

#include "cli-verbs.h"

/* cli-verbs-common.c: ask the backend for what the verb needs (cli-backend.h); reports failures. */
int cli_load(const struct cli_context *c, enum cli_load_scope scope, const char *uuid,
	     struct cli_model **ret);

int cli_verb_define(const struct cli_context *c);
int cli_verb_undefine(const struct cli_context *c);
int cli_verb_modify(const struct cli_context *c);
int cli_verb_start(const struct cli_context *c);
int cli_verb_stop(const struct cli_context *c);
int cli_verb_start_parent_mdevs(const struct cli_context *c);
int cli_verb_import(const struct cli_context *c);
/* cli-verbs-virtio.c */
int cli_verb_stats(const struct cli_context *c);
