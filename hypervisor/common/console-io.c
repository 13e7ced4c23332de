// SPDX-License-Identifier: GPL-2.0-only
/*
 * console_io: guests write to the hypervisor console (dom0's early and
 * "hvc0" console goes here). Each domain's text is held until its newline
 * "hvc0" console goes here). dom0's text goes out as it comes: it may be
 * an interactive shell's prompt, which has no newline. Other domains' text
 * is held until its newline (or CONSOLE_LINE_MAX bytes) and printed as one
 * line with "(dN) " in front, so lines can be told apart and a domU's line
 * never has another's in its middle.
 * Input: the serial line is polled on every timer tick of the boot CPU
 * (no UART interrupt needed); bytes go into a ring for dom0, which is told
 * with VIRQ_CONSOLE and reads them with CONSOLEIO_read.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/arch.h>
#include <hv/spinlock.h>
#include <hv/virq.h>
#include <asm/hypercall.h>

#define CONSOLE_CHUNK	128
/* Input ring size (a power of two); input beyond it is dropped. */
#define CONSOLE_IN_SIZE	4096
/* Bytes taken from the UART per poll, so a flood cannot stall a tick. */
#define CONSOLE_POLL_MAX	64

/* The input ring: written by the poller, read by CONSOLEIO_read; guarded by in_lock. */
static char in_ring[CONSOLE_IN_SIZE];
static unsigned int in_prod, in_cons;
static DEFINE_SPINLOCK(in_lock);

void console_poll_input(void)
{
	unsigned long flags;
	bool got = false;
	struct domain *d0;

	flags = spin_lock_irqsave(&in_lock);
	for (unsigned int i = 0; i < CONSOLE_POLL_MAX; i++) {
		int c = arch_console_getc();

		if (c < 0)
			break;
		if (in_prod - in_cons < CONSOLE_IN_SIZE)
			in_ring[in_prod++ % CONSOLE_IN_SIZE] = (char)c;
		got = true;
	}
	spin_unlock_irqrestore(&in_lock, flags);
	if (got && (d0 = domain_lookup(0)) != NULL && !d0->is_dying)
		send_guest_global_virq(d0, VIRQ_CONSOLE);
}

static long console_read(unsigned long buffer, unsigned long count)
{
	char chunk[CONSOLE_CHUNK];
	unsigned long done = 0;

	while (done < count) {
		unsigned long flags = spin_lock_irqsave(&in_lock);
		size_t n = 0;

		while (n < sizeof(chunk) && done + n < count && in_cons != in_prod)
			chunk[n++] = in_ring[in_cons++ % CONSOLE_IN_SIZE];
		spin_unlock_irqrestore(&in_lock, flags);
		if (!n)
			break;
		/* A fault loses these bytes; the guest gave us a bad buffer. */
		if (copy_to_guest_raw(buffer + done, chunk, n))
			return -EFAULT;
		done += n;
	}
	return (long)done;
}
/* Print @d's held line (d->con_lock held); a full one gets its newline. */
static void console_line_out(struct domain *d)
{
	bool ended = d->con_line[d->con_len - 1] == '\n';

	pr_dom_info(d, "(d%u) %.*s%s", d->domain_id, (int)d->con_len, d->con_line, ended ? "" : "\n");
	d->con_len = 0;
}

/* Add @n bytes of @d's output to its line, printing each line it ends. */
static void console_line_add(struct domain *d, const char *s, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&d->con_lock);

	for (size_t i = 0; i < n; i++) {
		d->con_line[d->con_len++] = s[i];
		if (s[i] == '\n' || d->con_len == sizeof(d->con_line))
			console_line_out(d);
	}
	spin_unlock_irqrestore(&d->con_lock, flags);
}

void console_io_flush(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&d->con_lock);

	if (d->con_len)
		console_line_out(d);
	spin_unlock_irqrestore(&d->con_lock, flags);
}

/* One call's output bound: a guest cannot hold the console for long. */
#define CONSOLE_WRITE_MAX	(64 * 1024)

long do_console_io(unsigned long cmd, unsigned long count, unsigned long buffer)
{
	struct domain *d = current_vcpu()->domain;
	char chunk[CONSOLE_CHUNK];

	switch (cmd) {
	case CONSOLEIO_write:
		if (count > CONSOLE_WRITE_MAX)
			return -EINVAL;
		if (!guest_range_ok(buffer, count))
			return -EFAULT;
		for (unsigned long done = 0; done < count;) {
			size_t n = min((size_t)(count - done), sizeof(chunk));

			if (copy_from_guest_raw(chunk, buffer + done, n))
				return -EFAULT;
			if (d->domain_id == 0)
				console_write_unkept(chunk, n);
			else
				console_line_add(d, chunk, n);
			done += n;
		}
		return 0;
	case CONSOLEIO_read:
		if (!d->is_privileged)
			return -EPERM;
		if (count > CONSOLE_WRITE_MAX)
			return -EINVAL;
		if (!guest_range_ok(buffer, count))
			return -EFAULT;
		return console_read(buffer, count);
	default:
		return -ENOSYS;
	}
}
