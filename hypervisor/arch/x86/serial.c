// SPDX-License-Identifier: GPL-2.0-only
/*
 * 16550 UART on COM1, polled. Polling keeps the panic path simple and is
 * fast enough for a console; input will be interrupt-driven when dom0
 * needs it (issue 6).
 */
#include <hv/arch.h>
#include <hv/cmdline.h>
#include <hv/lib.h>
#include <asm/io.h>
#include <asm/serial.h>

#define COM1_BASE	0x3f8
#define UART_CLOCK	115200		/* divisor 1 = 115200 baud */

/* Register offsets from the base port. */
#define UART_RBR	0	/* receive buffer (read, DLAB=0) */
#define UART_THR	0	/* transmit holding (write, DLAB=0) */
#define UART_DLL	0	/* divisor low (DLAB=1) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define UART_DLM	1	/* divisor high (DLAB=1) */
#define UART_FCR	2	/* FIFO control */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define FCR_ENABLE_CLEAR 0x07	/* enable FIFOs, clear both */
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20

/* Bounded wait for the transmitter: a missing UART must not hang boot. */
#define TX_SPIN_LIMIT	100000

/* console=com1 (default) or console=none. Set at boot, read-only after. */
static bool serial_enabled = true;
static int set_console(const char *v)
{
	if (!strcmp(v, "com1"))
		serial_enabled = true;
	else if (!strcmp(v, "none"))
		serial_enabled = false;
	else
		return -1;
	return 0;
}
custom_param("console", set_console);

void serial_init(void)
{
	uint16_t div = UART_CLOCK / 115200;

	outb(COM1_BASE + UART_IER, 0);
	outb(COM1_BASE + UART_LCR, LCR_DLAB);
	outb(COM1_BASE + UART_DLL, div & 0xff);
	outb(COM1_BASE + UART_DLM, div >> 8);
	outb(COM1_BASE + UART_LCR, LCR_8N1);
	outb(COM1_BASE + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1_BASE + UART_MCR, MCR_DTR_RTS_OUT2);
}

static void put_raw(char c)
{
	for (unsigned int i = 0; i < TX_SPIN_LIMIT; i++)
		if (inb(COM1_BASE + UART_LSR) & LSR_THR_EMPTY)
			break;
	outb(COM1_BASE + UART_THR, (uint8_t)c);
}

void serial_write(const char *s, size_t len)
{
	if (!serial_enabled)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			put_raw('\r');
		put_raw(s[i]);
	}
}

int serial_getc(void)
{
	if (!(inb(COM1_BASE + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1_BASE + UART_RBR);
}

int arch_console_getc(void)
{
	return serial_enabled ? serial_getc() : -1;
}

void arch_console_write(const char *s, size_t len)
{
	serial_write(s, len);
}
