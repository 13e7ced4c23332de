/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tlb-rules: shared state of the two halves (main.c: the guest-requested
 * flushes; retype.c: frames that change type or are freed) and the
 * protocol with vCPU 1.
 */
#pragma once

#include "lib.h"

#define PTE_RW		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_RO		(_PAGE_PRESENT | _PAGE_ACCESSED)
#define PTE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)
#define STORE_SLOT	7	/* the word vCPU 1 stores into */
/* What vCPU 1 stores once a frame changed hands: a not-present entry, harmless anywhere. */
#define MARKER		0x0bad0bad0bad0ba0UL

/*
 * vCPU 1, between commands, keeps its TLB entry for v1_ptr hot: it loads
 * v1_ptr[0] (HOT_READ) or stores 0 to v1_ptr[STORE_SLOT] (HOT_WRITE).
 */
enum v1_hot { HOT_NONE, HOT_READ, HOT_WRITE };

/*
 * A window: a page of our image that neither vCPU has touched yet, so no
 * TLB can hold a translation of it: mapping it anywhere needs no flush,
 * and a case's set-up never depends on the flush rules it tests.
 */
struct window {
	volatile uint64_t *va;
	uint64_t l1e_maddr;		/* its L1 entry (an mmu_update ptr) */
	volatile uint64_t *l1e;		/* the same, read-only: a store there is a ptwr */
};
struct window take_window(void);

extern uint8_t decoy[PAGE_SIZE];
extern unsigned long *p2m;

/* main.c: vCPU 1's side. v1_use() points it at @ptr (NULL: idle); the rest wait for its answer. */
void v1_use(volatile uint64_t *ptr, enum v1_hot hot);
uint64_t v1_probe(void);		/* vCPU 1 loads ptr[0] now */
void v1_store(uint64_t val);		/* vCPU 1 stores @val at ptr[STORE_SLOT], many times */
void v1_mark(uint64_t val);		/* the same, then it stores nothing until v1_use() */
/*
 * vCPU 1 blocks in SCHEDOP_poll (v1_block returns once its runstate says
 * blocked), then stores nothing until v1_wake() raised its port, it woke
 * and a v1_store()/v1_mark() came.
 */
void v1_block(void);
void v1_wake(void);

long uvm(const void *va, uint64_t val, unsigned long flags);
long mmu1(uint64_t ptr, uint64_t val);
long mmuext1(unsigned int cmd, unsigned long mfn);
void ptwr_store(volatile uint64_t *p, uint64_t val);
/* A fresh frame nothing maps, cleared (MMUEXT_CLEAR_PAGE); its pfn in *pfn. */
unsigned long fresh_frame(unsigned long *pfn);

/* retype.c */
void test_retype_pin(void);
void test_retype_hook(void);
void test_retype_ptwr(void);
void test_retype_self(void);
void test_retype_l1_dies(void);
void test_free_decrease(void);
void test_free_exchange(void);
void test_lazy_retype(void);
void test_lazy_free(void);
void test_lazy_initialise(void);
