/* SPDX-License-Identifier: GPL-2.0-only */
/* kshim: the few <linux/kernel.h> helpers (align.h, minmax.h) in use. */
#ifndef KSHIM_LINUX_KERNEL_H
#define KSHIM_LINUX_KERNEL_H

#include <linux/types.h>

#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))

#endif
