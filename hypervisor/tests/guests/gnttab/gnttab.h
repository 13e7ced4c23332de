/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the gnttab guest's files share. The guest is dom0 alone, so it
 * grants pages of its own bss to itself (entry domid = 0, which Xen
 * allows) and maps or copies them back through grant_table_op.
 *
 * Pages (all in bss, so their L1 entries exist in the builder's tables):
 *  - gt_win: where frame 0 of our grant table is mapped;
 *  - granted[]: the pages we grant (each filled with a pattern);
 *  - target[]: pages whose PTE a host mapping replaces; restore_target()
 *    puts back their own frame afterwards;
 *  - local[]: frames named directly (gmfn) in copies.
 */
#pragma once

#include "lib.h"
#include <xen/grant_table.h>

#define OWN_DOMID	0	/* we are dom0 */
#define OTHER_DOMID	5	/* a grantee that is not us */
#define UNKNOWN_DOMID	0x7000	/* a domain that does not exist */
#define REF_A		10	/* refs >= GNTTAB_NR_RESERVED_ENTRIES, as Linux */
#define REF_B		11
#define REF_C		12
#define REF_IMPLICIT	20	/* may stay pinned on Xen: used once */
#define NR_GRANTED	3
#define NR_TARGET	3
#define NR_LOCAL	2

extern bool ref_xen;
extern grant_entry_v1_t *gt;	/* frame 0 of our table, at gt_win */
extern unsigned int max_frames;
extern uint8_t granted[NR_GRANTED][PAGE_SIZE];
extern uint8_t target[NR_TARGET][PAGE_SIZE];
extern uint8_t local_pages[NR_LOCAL][PAGE_SIZE];
extern void *const bad_ptrs[4];
extern const char *const bad_ptr_names[4];

static inline long gnttab_op(unsigned int cmd, void *uop, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

static inline uint64_t pattern(unsigned int page, unsigned int i)
{
	return 0x6a00000000000000UL | ((uint64_t)page << 16) | i;
}

/* main.c */
void grant(grant_ref_t ref, domid_t domid, unsigned long mfn, uint16_t flags);
void revoke(grant_ref_t ref);
uint16_t entry_flags(grant_ref_t ref);
void check_flags(const char *what, grant_ref_t ref, uint16_t want);
void fill_granted(void);
uint64_t l1e_maddr(const void *va);
uint64_t l1e_read(const void *va);
void restore_target(unsigned int i);
/* One map op; returns its status, fills *handle and *bus. */
int16_t map1(uint64_t host_addr, uint32_t flags, grant_ref_t ref, domid_t dom,
	     grant_handle_t *handle, uint64_t *bus);
int16_t unmap1(uint64_t host_addr, uint64_t dev_bus_addr, grant_handle_t handle);
const char *gntst_name(int16_t st);
bool check_st(const char *what, int16_t st, int16_t want);

/* map.c */
void test_map_va(void);
void test_map_readonly(void);
void test_map_contains_pte(void);
void test_map_device(void);
void test_unmap_parts(void);
void test_pin_counts(void);
void test_map_refused(void);
void test_unmap_refused(void);
void test_map_batches(void);
void test_implicit_unmap(void);
void test_map_special_frames(void);
void test_maptrack_full(void);

/* copy.c */
void test_copy(void);
void test_copy_refused(void);
