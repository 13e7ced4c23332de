// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time. The TSC is the clock; its rate comes from counting TSC cycles
 * while PIT channel 2 (a fixed 1.193182 MHz) counts down a known interval.
 * Channel 2 is polled through its gate/output bits in port 0x61, so no
 * interrupt is involved. Best of several runs, because under emulation an
 * interval can be stretched by the host.
 */
#include <hv/bug.h>
#include <hv/printk.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/time.h>

#define PIT_HZ			1193182
#define PIT_CH2_DATA		0x42
#define PIT_MODE		0x43
#define PIT_MODE_CH2_ONESHOT	0xb0	/* channel 2, lo/hi byte, mode 0, binary */
#define PORT_B			0x61
#define PORT_B_GATE2		0x01
#define PORT_B_SPEAKER		0x02
#define PORT_B_OUT2		0x20

#define CALIBRATE_MS		10
#define CALIBRATE_RUNS		3
#define PIT_POLL_LIMIT		100000000UL	/* a missing PIT must not hang boot */

/* Set once on the boot CPU, read-only afterwards. */
static uint64_t tsc_per_khz;	/* TSC ticks per millisecond */
static uint64_t tsc_at_boot;
static uint64_t boot_epoch;	/* wall-clock seconds at system time 0 */

uint64_t wallclock_at_boot(void)
{
	return boot_epoch;
}

/* Count down @ticks PIT ticks on channel 2 and wait; returns TSC cycles spent. */
static uint64_t pit_wait(uint32_t ticks)
{
	uint8_t b = inb(PORT_B);
	uint64_t t0, t1;
	unsigned long n = 0;

	outb(PORT_B, (b & ~PORT_B_SPEAKER) & ~PORT_B_GATE2);
	outb(PIT_MODE, PIT_MODE_CH2_ONESHOT);
	outb(PIT_CH2_DATA, ticks & 0xff);
	outb(PIT_CH2_DATA, (ticks >> 8) & 0xff);
	t0 = rdtsc();
	outb(PORT_B, (b & ~PORT_B_SPEAKER) | PORT_B_GATE2);	/* start counting */
	while (!(inb(PORT_B) & PORT_B_OUT2) && ++n < PIT_POLL_LIMIT)
		;
	t1 = rdtsc();
	outb(PORT_B, b);
	if (n >= PIT_POLL_LIMIT)
		return 0;
	return t1 - t0;
}

/* CMOS real-time clock registers (MC146818). */
#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define RTC_SEC		0x00
#define RTC_MIN		0x02
#define RTC_HOUR	0x04
#define RTC_DAY		0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09
#define RTC_STATUS_A	0x0a
#define RTC_STATUS_B	0x0b
#define RTC_CENTURY	0x32
#define RTC_UIP		0x80	/* status A: update in progress */
#define RTC_BINARY	0x04	/* status B: values are binary, not BCD */
#define RTC_24H		0x02
#define RTC_PM		0x80
#define RTC_UIP_WAIT	100000

static unsigned int cmos(unsigned int reg)
{
	outb(CMOS_INDEX, (uint8_t)reg);
	return inb(CMOS_DATA);
}

static unsigned int bcd(unsigned int v, bool binary)
{
	return binary ? v : (v & 0xf) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), for the wallclock. */
static uint64_t days_since_epoch(unsigned int y, unsigned int m, unsigned int d)
{
	/* Shift so the year starts in March: leap days fall at the year's end. */
	unsigned int yy = m <= 2 ? y - 1 : y, mm = m <= 2 ? m + 9 : m - 3;
	uint64_t era_days = 365ULL * yy + yy / 4 - yy / 100 + yy / 400;

	return era_days + (153 * mm + 2) / 5 + d - 1 - 719468;
}

uint64_t rtc_epoch_seconds(void)
{
	unsigned int sec, min, hour, day, mon, year, cent, b;
	bool binary, pm;

	for (unsigned int i = 0; i < RTC_UIP_WAIT && (cmos(RTC_STATUS_A) & RTC_UIP); i++)
		;
	b = cmos(RTC_STATUS_B);
	binary = b & RTC_BINARY;
	sec = bcd(cmos(RTC_SEC), binary);
	min = bcd(cmos(RTC_MIN), binary);
	hour = cmos(RTC_HOUR);
	if (b & RTC_24H) {
		hour = bcd(hour, binary);
	} else {
		/* 12-hour mode: 12 AM is 0, 12 PM is 12. */
		pm = hour & RTC_PM;
		hour = bcd(hour & ~RTC_PM, binary) % 12 + (pm ? 12 : 0);
	}
	day = bcd(cmos(RTC_DAY), binary);
	mon = bcd(cmos(RTC_MONTH), binary);
	year = bcd(cmos(RTC_YEAR), binary);
	cent = bcd(cmos(RTC_CENTURY), binary);
	year += (cent >= 19 && cent <= 30) ? cent * 100 : 2000;
	if (!mon || mon > 12 || !day || day > 31 || hour > 23 || min > 59 || sec > 60)
		return 0;	/* no usable RTC */
	return days_since_epoch(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
}

void tsc_calibrate(void)
{
	uint32_t ticks = PIT_HZ / 1000 * CALIBRATE_MS;
	uint64_t best = ~0ULL;

	for (int i = 0; i < CALIBRATE_RUNS; i++) {
		uint64_t c = pit_wait(ticks);

		if (c && c < best)
			best = c;
	}
	if (best == ~0ULL)
		panic("PIT channel 2 does not count: cannot calibrate the TSC");
	tsc_per_khz = best / CALIBRATE_MS;
	tsc_at_boot = rdtsc();
	boot_epoch = rtc_epoch_seconds();
	pr_info("TSC: %llu.%03llu MHz (calibrated against the PIT)\n",
		(unsigned long long)(tsc_per_khz / 1000), (unsigned long long)(tsc_per_khz % 1000));
}

uint64_t tsc_khz(void)
{
	return tsc_per_khz;
}

uint64_t now_ns(void)
{
	uint64_t d = rdtsc() - tsc_at_boot;

	BUG_ON(!tsc_per_khz);
	/* Split to avoid overflow: whole ms, then the remainder. */
	return d / tsc_per_khz * 1000000 + (d % tsc_per_khz) * 1000000 / tsc_per_khz;
}

void udelay(unsigned long us)
{
	if (!tsc_per_khz) {
		/* Before calibration: the PIT, in chunks it can count. */
		while (us) {
			unsigned long chunk = min(us, 50000UL);

			pit_wait((uint32_t)(chunk * PIT_HZ / 1000000));
			us -= chunk;
		}
		return;
	}
	uint64_t end = rdtsc() + us * tsc_per_khz / 1000;

	while ((int64_t)(rdtsc() - end) < 0)
		cpu_relax();
}

/*
 * The pvclock scale for the TSC: ns = ((tsc << shift) * mul) >> 32, with
 * shift possibly negative (right shift) and mul < 2^32 (public/xen.h,
 * struct vcpu_time_info). Pick the shift that keeps mul in range.
 */
void tsc_pvclock_scale(uint32_t *mul, int8_t *shift)
{
	uint64_t khz = tsc_per_khz;
	int s = 0;

	BUG_ON(!khz);
	/* Too slow a TSC: each tick is over 1 ns, so shift left. */
	while (khz < 1000000 && s < 31) {
		khz <<= 1;
		s++;
	}
	/* Too fast for 32 bits of fraction is impossible once khz >= 1e6. */
	*mul = (uint32_t)((1000000ULL << 32) / khz);
	*shift = (int8_t)s;
}

uint64_t tsc_at_boot_value(void)
{
	return tsc_at_boot;
}
