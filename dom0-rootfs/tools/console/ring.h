/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The backend side of a domU's primary console ring (struct
 * xencons_interface, xen/io/console.h): we consume "out" and produce "in".
 * The guest writes out_prod and in_cons at any time, so each is read once
 * per call and a distance larger than the ring is treated as corruption.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <xen/io/console.h>

/*
 * Move up to @len bytes the guest wrote into @buf and free their slots.
 * Returns the count (0: nothing pending), or -EIO if the guest's index is
 * impossible; then out_cons is moved to out_prod so the ring recovers.
 */
int cons_ring_read(struct xencons_interface *intf, char *buf, size_t len);

/*
 * Queue up to @len bytes of input for the guest. Returns how many fit
 * (possibly 0 when the ring is full), or -EIO on an impossible in_cons.
 */
int cons_ring_write(struct xencons_interface *intf, const char *buf, size_t len);
