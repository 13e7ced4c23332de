/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the vcpu-up guest's files share: the commands vCPU 1 obeys (it
 * polls v1_cmd and sets it back to CMD_NONE when a command is done), and
 * the clock and wait helpers of main.c.
 */
#pragma once

#include "lib.h"

enum v1_command { CMD_NONE, CMD_READ, CMD_POLL, CMD_DOWN, CMD_SELECTORS, CMD_GDT_SWAP };

extern volatile unsigned long v1_cmd;
extern bool ref_xen;		/* "ref=xen": running on the reference Xen */

uint64_t now(void);
/* Wait (yielding) until *p == want; false after 5 s. */
bool wait_for(volatile unsigned long *p, unsigned long want);
/* A present, writable, accessed and dirty PTE for one of our pages. */
uint64_t pte_for(const void *page);

/* gdt.c: set_gdt, and the race (vCPU 1's side is CMD_GDT_SWAP). */
void test_set_gdt(void);
void gdt_swap_rounds(void);
void test_gdt_race(void);

/* vcpu-info.c */
void test_vcpu_info_frame(void);
