// SPDX-License-Identifier: GPL-2.0-only
/*
 * dom0's I/O ports. Like Xen, Ward lets dom0 reach every port except
 * those the hypervisor itself drives; an access that is refused reads as
 * all ones and writes go nowhere (emul-priv.c), as for an absent device.
 * Refused:
 *  - the 8259 PICs (0x20-0x21, 0xa0-0xa1) and their ELCR (0x4d0-0x4d1):
 *    Ward keeps them masked and delivers interrupts itself;
 *  - PIT channels 0 and 1 (0x40, 0x41) and mode-register writes that
 *    select them (or the read-back command): channel 0 is the hypervisor's.
 *    Channel 2 (0x42, mode writes selecting it) and port 0x61 (its gate
 *    and the speaker) are dom0's: Linux calibrates the TSC with them, and
 *    Xen lets dom0 use them too;
 *  - COM1 (0x3f8-0x3ff), the hypervisor's console;
 *  - QEMU's isa-debug-exit (0xf4-0xf7), through which Ward's test mode
 *    ends the run: dom0 powers off through SCHEDOP_shutdown instead;
 *  - writes to the ACPI PM1 control registers: entering S5 (or any sleep
 *    state) is the hypervisor's job (Xen takes it with
 *    XENPF_enter_acpi_sleep);
 *  - byte writes to 0xcf9, the chipset's reset control: resetting the
 *    machine is the hypervisor's job (dom0 asks with SCHEDOP_shutdown).
 *    Wider accesses at 0xcf8 are the PCI configuration address.
 * PCI configuration (0xcf8-0xcff), the RTC/CMOS (0x70-0x71), the ACPI PM
 * timer and event blocks, the keyboard controller, VGA and device BARs
 * pass through. String I/O (ins/outs) is not emulated yet.
 */
#include <asm/io-port.h>

#define PIC_MASTER_CMD		0x20
#define PIC_MASTER_DATA		0x21
#define PIC_SLAVE_CMD		0xa0
#define PIC_SLAVE_DATA		0xa1
#define PIC_ELCR1		0x4d0
#define PIC_ELCR2		0x4d1
#define PIT_CH0			0x40
#define PIT_CH1			0x41
#define PIT_MODE		0x43
#define PIT_SELECT_SHIFT	6
#define PIT_SELECT_CH2		2
#define COM1_FIRST		0x3f8
#define COM1_LAST		0x3ff
#define TEST_EXIT_FIRST		0xf4
#define TEST_EXIT_LAST		0xf7
#define PM1_CNT_LEN		2
#define IO_PORT_MAX		0xffff
#define RESET_CONTROL		0xcf9

static bool in_range(unsigned int port, unsigned int first, unsigned int len)
{
	return len && port >= first && port - first < len;
}

static bool byte_allowed(const struct io_port_owned *own, unsigned int port, bool write,
			 uint8_t val)
{
	switch (port) {
	case PIC_MASTER_CMD: case PIC_MASTER_DATA:
	case PIC_SLAVE_CMD: case PIC_SLAVE_DATA:
	case PIC_ELCR1: case PIC_ELCR2:
	case PIT_CH0: case PIT_CH1:
		return false;
	case PIT_MODE:
		return write && (val >> PIT_SELECT_SHIFT) == PIT_SELECT_CH2;
	default:
		break;
	}
	if (port >= COM1_FIRST && port <= COM1_LAST)
		return false;
	if (port >= TEST_EXIT_FIRST && port <= TEST_EXIT_LAST)
		return false;
	if (write && (in_range(port, own->pm1a_cnt, own->pm1a_cnt ? PM1_CNT_LEN : 0) ||
		      in_range(port, own->pm1b_cnt, own->pm1b_cnt ? PM1_CNT_LEN : 0)))
		return false;
	return true;
}

bool io_port_allowed(const struct io_port_owned *own, unsigned int port, unsigned int size,
		     bool write, uint32_t val)
{
	if ((size != 1 && size != 2 && size != 4) || port > IO_PORT_MAX ||
	    port + size - 1 > IO_PORT_MAX)
		return false;
	if (write && size == 1 && port == RESET_CONTROL)
		return false;
	for (unsigned int i = 0; i < size; i++)
		if (!byte_allowed(own, port + i, write, (uint8_t)(val >> (8 * i))))
			return false;
	return true;
}
