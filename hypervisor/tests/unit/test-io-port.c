// SPDX-License-Identifier: GPL-2.0-only
/*
 * arch/x86/pv/io-port.c: which of dom0's port accesses reach the hardware.
 * One table row per rule (and per edge of each range), plus the owned
 * ACPI PM1 control ports, multi-byte accesses that straddle a refused
 * port and malformed sizes.
 */
// sources: arch/x86/pv/io-port.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <asm/io-port.h>

#define PM1A	0x604
#define PM1B	0x608

struct row {
	unsigned int port, size;
	bool write;
	uint32_t val;
	bool allowed;
};

static const struct io_port_owned owned = { .pm1a_cnt = PM1A, .pm1b_cnt = PM1B };

static const struct row rows[] = {
	/* PICs and ELCR: the hypervisor's, both ways. */
	{ 0x20, 1, false, 0, false }, { 0x21, 1, true, 0xff, false },
	{ 0xa0, 1, true, 0, false }, { 0xa1, 1, false, 0, false },
	{ 0x4d0, 1, false, 0, false }, { 0x4d1, 1, true, 0, false },
	{ 0x1f, 1, false, 0, true }, { 0x22, 1, false, 0, true },
	/* PIT: channel 0/1 never; channel 2 and port 0x61 yes. */
	{ 0x40, 1, false, 0, false }, { 0x40, 1, true, 0, false },
	{ 0x41, 1, true, 0, false }, { 0x42, 1, false, 0, true },
	{ 0x42, 1, true, 0xff, true }, { 0x61, 1, true, 0x01, true },
	{ 0x61, 1, false, 0, true },
	/* Mode register: only writes selecting channel 2 (0xb0: ch2, lo/hi, mode 0). */
	{ 0x43, 1, true, 0xb0, true }, { 0x43, 1, true, 0x80, true },
	{ 0x43, 1, true, 0x34, false }, { 0x43, 1, true, 0x74, false },
	{ 0x43, 1, true, 0xc2, false }, { 0x43, 1, false, 0, false },
	/* COM1 and isa-debug-exit. */
	{ 0x3f7, 1, false, 0, true }, { 0x3f8, 1, true, 'x', false },
	{ 0x3fd, 1, false, 0, false }, { 0x3ff, 1, false, 0, false },
	{ 0x400, 1, false, 0, true }, { 0xf3, 1, true, 0, true },
	{ 0xf4, 4, true, 0, false }, { 0xf4, 1, true, 0, false },
	{ 0xf7, 1, true, 0, false }, { 0xf8, 1, true, 0, true },
	/* PCI configuration, RTC, keyboard controller, POST port: pass. */
	{ 0xcf8, 4, true, 0x80000000, true }, { 0xcfc, 4, false, 0, true },
	{ 0xcfe, 2, false, 0, true }, { 0x70, 1, true, 0x0a, true },
	/* 0xcf9 byte writes reset the machine; the config address spans it. */
	{ 0xcf9, 1, true, 0x06, false }, { 0xcf9, 1, false, 0, true },
	{ 0xcf8, 4, true, 0x80000800, true }, { 0xcf8, 2, true, 0x0600, true },
	{ 0x71, 1, false, 0, true }, { 0x64, 1, false, 0, true },
	{ 0x80, 1, false, 0, true },
	/* ACPI PM1 control: read yes, write no; the PM timer next to it passes. */
	{ PM1A, 2, false, 0, true }, { PM1A, 2, true, 0x2001, false },
	{ PM1A + 1, 1, true, 0, false }, { PM1A + 2, 2, true, 0, true },
	{ PM1B, 2, true, 0, false }, { PM1B, 4, false, 0, true },
	{ PM1A - 1, 1, true, 0, true },
	/* Wide accesses must be allowed in every byte. */
	{ 0x42, 2, true, 0xb0ff, true }, { 0x42, 2, true, 0x34ff, false },
	{ 0x3f6, 4, false, 0, false }, { 0x1e, 4, false, 0, false },
	{ 0x3f4, 4, false, 0, true },
	/* Malformed: sizes other than 1, 2, 4, and ports past 0xffff. */
	{ 0x80, 0, false, 0, false }, { 0x80, 3, false, 0, false },
	{ 0x80, 8, false, 0, false }, { 0xffff, 1, false, 0, true },
	{ 0xffff, 2, false, 0, false }, { 0xfffe, 4, false, 0, false },
	{ 0x10000, 1, false, 0, false },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		bool got = io_port_allowed(&owned, r->port, r->size, r->write, r->val);

		if (got != r->allowed)
			fail_msg("port %#x size %u %s %#x: %s, want %s", r->port, r->size,
				 r->write ? "write" : "read", r->val, got ? "allowed" : "refused",
				 r->allowed ? "allowed" : "refused");
	}
}

static void test_no_pm1_ports(void **state)
{
	static const struct io_port_owned none = { 0, 0 };

	(void)state;
	/* With no FADT, port 0 is not a PM1 register (it is DMA, and passes). */
	assert_true(io_port_allowed(&none, 0, 1, true, 0));
	assert_true(io_port_allowed(&none, PM1A, 2, true, 0x2001));
	assert_true(io_port_allowed(&none, 1, 1, true, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_no_pm1_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
