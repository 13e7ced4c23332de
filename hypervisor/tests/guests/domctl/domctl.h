/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The domctl guest's parts: main.c (dom0's side, the child), fuzz.c (the
 * random children) and attack*.c (the structured ones).
 */
#pragma once

#include "lib.h"

/* The fuzzing child: random hypercalls, then poweroff (reboot: a check failed). */
void __noreturn child_fuzz(unsigned long seed);

/* The instruction-fuzzing child: random code in kernel mode, then poweroff. */
void __noreturn child_insn_fuzz(unsigned long seed);

/*
 * A structured attacker (attack.c): @kind names one (attack_kinds[]); it
 * powers off when the hypervisor held, reboots after printing a
 * "child: BREACH:" line when it caught the hypervisor breaking isolation.
 * @longer: the make-fuzz scale (more steps, bigger batches).
 */
void __noreturn child_attack(const char *kind, unsigned long seed, bool longer);
/* Is @kind one child_attack() knows? */
bool attack_kind_known(const char *kind);

/*
 * xorshift64*: small, and the same sequence for the same seed. A call that
 * wrote over the state may have zeroed it, where xorshift would stick.
 */
static inline uint64_t xorshift64s(uint64_t *s)
{
	if (!*s)
		*s = 1;
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}
