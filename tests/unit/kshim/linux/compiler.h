/* SPDX-License-Identifier: GPL-2.0-only */
/* kshim: single-access and compiler-barrier primitives. */
#ifndef KSHIM_LINUX_COMPILER_H
#define KSHIM_LINUX_COMPILER_H

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)                               \
	do {                                             \
		*(volatile __typeof__(x) *)&(x) = (val); \
	} while (0)
#define barrier() __asm__ __volatile__("" ::: "memory")

#endif
