/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine-to-phys table: m2p[mfn] = the owner's pfn for that frame.
 * Guests read it at RO_MPT_VIRT_START (MACH2PHYS_VIRT_START in the ABI);
 * the hypervisor writes it through its own alias.
 */
#pragma once
#include <hv/types.h>

#define M2P_INVALID	(~0UL)

/* Allocate and map the table for every frame (boot CPU, after paging). */
void m2p_init(void);
void m2p_set(mfn_t mfn, unsigned long pfn);
unsigned long m2p_get(mfn_t mfn);
/* Entries the table has (the ABI's max_mfn is this minus one). */
unsigned long m2p_entries(void);
