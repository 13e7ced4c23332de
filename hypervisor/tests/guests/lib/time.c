// SPDX-License-Identifier: GPL-2.0-only
/* The guest's clock from a pvclock record (pv-abi-core.md 5). */
#include "lib.h"

uint64_t pvclock_ns(const volatile struct vcpu_time_info *t)
{
	uint32_t ver, mul;
	uint64_t tsc, sys, delta;
	int8_t shift;

	/* An odd or changed version means the hypervisor was mid-update: retry. */
	do {
		ver = t->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		tsc = t->tsc_timestamp;
		sys = t->system_time;
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((ver & 1) || ver != t->version);
	delta = rdtsc() - tsc;
	if (shift >= 0)
		delta <<= shift;
	else
		delta >>= -shift;
	return sys + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}
