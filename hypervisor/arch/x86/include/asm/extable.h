/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once
#include <hv/types.h>

/*
 * The fixup address for a hypervisor fault at @rip, or 0. Instructions
 * that may fault on purpose (guest memory copies, guest iretq, guest MSR
 * and selector loads) are listed in section .ex_table.
 */
unsigned long search_exception_table(unsigned long rip);
