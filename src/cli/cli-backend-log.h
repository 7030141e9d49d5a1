/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A struct cli_backend that logs every call it passes on, for MDEVCTL_LOG:
 * at debug the operation with its arguments and what the daemon answered
 * (the generated UUID, or the error name and message), at trace also every
 * attribute sent and every device and parent loaded. It owns the backend it
 * wraps: its free() frees both.
 */
#pragma once

#include "cli-backend.h"

/* Replace *@b by a logging wrapper around it; on -ENOMEM *@b is left as it was. */
int cli_backend_log_wrap(struct cli_backend *b);
