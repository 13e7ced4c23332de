/* SPDX-License-Identifier: GPL-2.0-only */
/* TSC-based time: calibrated once against the PIT on the boot CPU. */
#pragma once
#include <hv/types.h>

/* Calibrate the TSC (boot CPU, interrupts off). */
void tsc_calibrate(void);
uint64_t tsc_khz(void);
/* Nanoseconds since tsc_calibrate(). */
uint64_t now_ns(void);
/* Busy-wait; before calibration it uses the PIT directly. */
void udelay(unsigned long us);
