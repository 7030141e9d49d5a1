/* SPDX-License-Identifier: GPL-2.0-only */
/* kshim: endian conversions on the UAPI __le types. */
#ifndef KSHIM_ASM_BYTEORDER_H
#define KSHIM_ASM_BYTEORDER_H

#include <endian.h>
#include <linux/types.h>

#define le16_to_cpu(x) ((u16)le16toh((u16)(x)))
#define le32_to_cpu(x) ((u32)le32toh((u32)(x)))
#define le64_to_cpu(x) ((u64)le64toh((u64)(x)))
#define cpu_to_le16(x) ((__le16)htole16((u16)(x)))
#define cpu_to_le32(x) ((__le32)htole32((u32)(x)))
#define cpu_to_le64(x) ((__le64)htole64((u64)(x)))

#endif
