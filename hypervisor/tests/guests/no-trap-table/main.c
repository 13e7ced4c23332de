// SPDX-License-Identifier: GPL-2.0-only
/*
 * An exception with no trap table installed: the hypervisor must crash
 * this domain (never itself), log the crash with a register dump naming
 * d0v0, and report the shutdown (pv-abi-core.md 3.5, 2.6). The guest
 * prints the address of its ud2 so that the CI script can find it in the
 * dump. Getting past the ud2 is the only thing the guest itself can see
 * going wrong, and it reports FAILURE then; on success it prints no
 * result line at all, so the verdict comes from the hypervisor's lines.
 */
#include "lib.h"

const char test_title[] = "no-trap-table: #UD without a trap table";

extern char ud2_insn[];

void test_main(start_info_t *si)
{
	printk("no-trap-table: executing ud2 at %016lx with no trap table\n",
	       (unsigned long)ud2_insn);
	asm volatile("ud2_insn: ud2" ::: "memory");
	test_fail("execution continued after #UD with no trap table");
}
