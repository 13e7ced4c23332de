// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exception table: pairs {faulting instruction, where to resume},
 * emitted next to the few instructions allowed to fault (EXTABLE in
 * assembly, asm_extable() in C). It is small, so a linear search is fine.
 */
#include <asm/extable.h>

struct extable_entry {
	unsigned long insn;
	unsigned long fixup;
};

extern const struct extable_entry __ex_table_start[], __ex_table_end[];

unsigned long search_exception_table(unsigned long rip)
{
	for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++)
		if (e->insn == rip)
			return e->fixup;
	return 0;
}
