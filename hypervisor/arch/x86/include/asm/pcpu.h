/* SPDX-License-Identifier: GPL-2.0-only */
/* What dom0 learns about the physical CPUs (arch/x86/pv/platform-op.c). */
#pragma once
#include <hv/types.h>

/* The highest physical CPU number present (CPUs are numbered densely). */
uint32_t pcpu_max_present(void);
/* Family, model and stepping as the SDM composes them from CPUID leaf 1. */
void pcpu_signature(uint32_t *family, uint32_t *model, uint32_t *stepping);
