/* SPDX-License-Identifier: GPL-2.0-only */
/* The domctl guest's parts: main.c (dom0's side, the child) and fuzz.c. */
#pragma once

/* The fuzzing child: random hypercalls, then poweroff (reboot: a check failed). */
void __noreturn child_fuzz(unsigned long seed);

/* The instruction-fuzzing child: random code in kernel mode, then poweroff. */
void __noreturn child_insn_fuzz(unsigned long seed);
