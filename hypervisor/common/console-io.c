// SPDX-License-Identifier: GPL-2.0-only
/*
 * console_io: guests write to the hypervisor console (dom0's early and
 * "hvc0" console goes here). dom0's text goes out as it is; other
 * domains' lines are prefixed with "(dN) " so they can be told apart.
 * Console input for dom0 arrives with the dom0 console work (issue 6).
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <asm/hypercall.h>

#define CONSOLE_CHUNK	128
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
				printk("%.*s", (int)n, chunk);
			else
				printk("(d%u) %.*s", d->domain_id, (int)n, chunk);
			done += n;
		}
		return 0;
	case CONSOLEIO_read:
		if (!guest_range_ok(buffer, count))
			return -EFAULT;
		return 0;	/* no input yet */
	default:
		return -ENOSYS;
	}
}
