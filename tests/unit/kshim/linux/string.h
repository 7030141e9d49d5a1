/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KSHIM_LINUX_STRING_H
#define KSHIM_LINUX_STRING_H
#include <string.h>
#endif
