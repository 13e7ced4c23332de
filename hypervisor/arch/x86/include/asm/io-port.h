/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which I/O ports a domain reaches (arch/x86/pv/io-port.c). Pure: the
 * ports the hypervisor owns at run time are passed in, so the policy is
 * unit-tested on the host.
 */
#pragma once
#include <hv/types.h>

/* Ports the hypervisor found at boot (0: none). */
struct io_port_owned {
	uint16_t pm1a_cnt;	/* ACPI PM1a/PM1b control: Ward enters S5 */
	uint16_t pm1b_cnt;
};

/*
 * May a privileged domain's access of @size bytes (1, 2 or 4) at @port
 * reach the hardware? @val is the value of a write (@write true). Every
 * byte of the access must be allowed. Unprivileged domains reach no port.
 */
bool io_port_allowed(const struct io_port_owned *own, unsigned int port, unsigned int size,
		     bool write, uint32_t val);
