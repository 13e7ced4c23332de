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

/* Wall-clock seconds at system time 0 (guests' wc_sec). */
uint64_t wallclock_at_boot(void);
/* Wall-clock seconds since 1970 from the CMOS RTC, or 0 if unusable. */
uint64_t rtc_epoch_seconds(void);

/* The pvclock (mul, shift) pair converting TSC ticks to nanoseconds. */
void tsc_pvclock_scale(uint32_t *mul, int8_t *shift);
/* The TSC value at which now_ns() was 0. */
uint64_t tsc_at_boot_value(void);
