// SPDX-License-Identifier: GPL-2.0-only
/*
 * Turning the machine off. Tests run QEMU with an isa-debug-exit device at
 * port TEST_EXIT_PORT: a write of v ends QEMU with status (v << 1) | 1,
 * so a test run ends by itself and its status says how it ended.
 */
#include <hv/arch.h>
#include <hv/printk.h>
#include <asm/acpi.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/time.h>

#define TEST_EXIT_PORT	0xf4

/*
 * The write to PM1_CNT takes effect when the platform gets to it (QEMU's
 * main loop, a real chipset's sequencing), not at the instruction: wait
 * this long before saying it did not.
 */
#define POWER_OFF_WAIT_NS	(2ULL * 1000 * 1000 * 1000)

#define KBC_CMD_PORT		0x64
#define KBC_CMD_PULSE_RESET	0xfe

__noreturn void arch_reboot(void)
{
	local_irq_disable();
	printk("ward: rebooting\n");
	/* The keyboard controller's reset line: every PC and QEMU model has it. */
	outb(KBC_CMD_PORT, KBC_CMD_PULSE_RESET);
	for (;;)
		halt();
}

__noreturn void arch_power_off(int code)
{
	local_irq_disable();
	if (opt_test_exit) {
		printk("ward: test exit, code %d\n", code);
		outl(TEST_EXIT_PORT, (uint32_t)code);
	}
	printk("ward: powering off\n");
	if (acpi_power_off()) {
		uint64_t deadline = now_ns() + POWER_OFF_WAIT_NS;

		while (now_ns() < deadline)
			cpu_relax();
		printk("ward: the machine is still on 2 s after the ACPI power-off; halting\n");
	} else {
		printk("ward: no ACPI power-off (no FADT or S5 object); halting\n");
	}
	for (;;)
		halt();
}
