/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KSHIM_LINUX_OVERFLOW_H
#define KSHIM_LINUX_OVERFLOW_H

/* Like the kernel's: true on overflow, *d gets the wrapped sum. */
#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)

#endif
