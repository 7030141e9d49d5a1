/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names of device states and the manager's errors: setting, classifying
 * errnos from the sysfs layer, taking over its messages (manager.h). A leaf:
 * it calls nothing else of the manager.
 */
#include <stdarg.h>

#include "manager-internal.h"

const char *device_state_to_string(enum device_state s)
{
	static const char *const table[_DEVICE_STATE_MAX] = {
	    [DEVICE_STATE_STOPPED] = "stopped",
	    [DEVICE_STATE_STARTING] = "starting",
	    [DEVICE_STATE_RUNNING] = "running",
	    [DEVICE_STATE_STOPPING] = "stopping",
	    [DEVICE_STATE_WAITING_FOR_PARENT] = "waiting-for-parent",
	    [DEVICE_STATE_FAILED] = "failed",
	};

	if ((int)s < 0 || s >= _DEVICE_STATE_MAX)
		return NULL;
	return table[s];
}

void manager_error_done(struct manager_error *e)
{
	if (!e)
		return;
	free(e->message);
	free(e->warning);
	*e = (struct manager_error){};
}

int manager_error_set(struct manager_error *e, enum manager_error_kind kind, int r,
		      const char *format, ...)
{
	va_list ap;
	char *msg;

	r = negative_errno(r);
	if (!e)
		return r;
	va_start(ap, format);
	if (vasprintf(&msg, format, ap) < 0)
		msg = NULL;
	va_end(ap);
	free(e->message);
	e->message = msg;
	e->kind = kind;
	return r;
}

enum manager_error_kind manager_error_kind_from_errno(int r)
{
	switch (-negative_errno(r)) {
	case ENODEV:
		return MANAGER_ERROR_PARENT_NOT_FOUND;
	case EOPNOTSUPP:
		return MANAGER_ERROR_TYPE_NOT_SUPPORTED;
	case EUSERS:
		return MANAGER_ERROR_NO_INSTANCES;
	case EEXIST:
		return MANAGER_ERROR_ALREADY_EXISTS;
	case EBUSY:
		return MANAGER_ERROR_BUSY;
	case EINVAL:
		return MANAGER_ERROR_INVALID_ARGUMENT;
	default:
		return MANAGER_ERROR_KERNEL;
	}
}

int manager_error_take(struct manager_error *e, int r, char **message)
{
	r = negative_errno(r);
	if (e) {
		free(e->message);
		e->message = *message;
		*message = NULL;
		e->kind = manager_error_kind_from_errno(r);
		if (!e->message)
			e->message = strdup(strerror(-r));
	}
	return r;
}
