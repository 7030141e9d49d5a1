/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kshim: virt_* barriers as C11 fences. Userspace tests are single-threaded,
 * so these only have to compile and keep the ordering the code asks for.
 */
#ifndef KSHIM_ASM_BARRIER_H
#define KSHIM_ASM_BARRIER_H

#define virt_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virt_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define virt_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

#endif
