/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once
#include <hv/types.h>

struct boot_info;

/*
 * Build dom0 from the boot modules (0: kernel, 1: initrd) with @dom0_mem
 * bytes (0: a default) and make its vCPU 0 runnable. 0 or -errno, with
 * the reason printed.
 */
int dom0_build(const struct boot_info *bi, uint64_t dom0_mem);
