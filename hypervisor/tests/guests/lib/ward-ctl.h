/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom0's side of Ward's control interface (ward/ctl.h), for the guests
 * that build domUs (domctl, gnttab-xdom), and the event wait they share.
 */
#pragma once

#include "lib.h"
#include <ward/ctl.h>

/* How long poll_port() waits, and the SCHEDOP_poll slice it waits in. */
#define EVENT_WAIT_NS		(20ULL * 1000 * 1000 * 1000)
#define POLL_SLICE_NS		(100ULL * 1000 * 1000)

long ctl_call(struct ward_ctl *c);
void ctl_init(struct ward_ctl *c, uint32_t cmd, uint32_t domid);
/* Free pages as WARD_CTL_physinfo reports them; 0 if the call fails. */
unsigned long free_pages_now(void);
/* Clear port @p's pending bit in shared_info. */
void clear_port(evtchn_port_t p);
/* Wait (SCHEDOP_poll) until port @p is pending, then clear it; false after EVENT_WAIT_NS. */
bool poll_port(evtchn_port_t p);
