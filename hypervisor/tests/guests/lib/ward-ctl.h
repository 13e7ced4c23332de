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
/*
 * dom0's start of day in a guest that builds domUs from a copy of itself:
 * skip on Xen (ref=xen: no such interface) and on a machine with fewer
 * than @min_cpus CPUs, insist on the initrd and map shared_info; ends the
 * test if any of it fails.
 */
void ctl_dom0_setup(unsigned int min_cpus);
/* System time (ns) from vCPU 0's clock in shared_info, which must be mapped. */
uint64_t clock_ns(void);
/* Block for about @ns: SCHEDOP_poll on no port, with a timeout. */
void sleep_ns(uint64_t ns);

/*
 * Build a copy of our own image (our initrd) as a paused domU with
 * @cmdline, @mem_kb of memory and @vcpus vCPUs; @c holds what create
 * reported. Its domid, or 0 after reporting the failure.
 */
uint32_t ctl_create_self(const char *cmdline, uint64_t mem_kb, unsigned int vcpus,
			 struct ward_ctl *c);
/* Is @domid in WARD_CTL_list (at all, dying or not)? */
bool ctl_listed(uint32_t domid);
/*
 * Spin until @cond holds; false after EVENT_WAIT_NS, reported as a test
 * failure waiting for @what.
 */
#define WAIT_UNTIL(cond, what)						\
	({								\
		uint64_t _end = clock_ns() + EVENT_WAIT_NS;		\
		bool _ok;						\
		while (!(_ok = (cond)) && clock_ns() < _end)		\
			;						\
		if (!_ok)						\
			test_fail("waited in vain for %s", what);	\
		_ok;							\
	})

/*
 * A child's start of day (a domU built from our image): map shared_info
 * (or shut down with reboot, the children's "a check failed") and return
 * its xenstore page, which the builder mapped in the bootstrap region and
 * which our child guests use as their mailbox with dom0.
 */
void *child_setup(const start_info_t *si);

/* Map frame @mfn of domain @domid at our page @slot (writable with @rw); the rc. */
long map_foreign(void *slot, uint64_t mfn, domid_t domid, bool rw);
/* Map @slot's own frame back at it (dropping a foreign mapping); aborts on failure. */
void unmap_foreign(void *slot);
