/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor heap: small objects from per-size-class free lists carved
 * out of pages, large ones straight from the frame allocator. Every block
 * carries a header so xfree() finds its size and catches double frees.
 */
#pragma once
#include <hv/types.h>

void heap_init(void);
void *xmalloc(size_t size);	/* 16-byte aligned, or NULL */
void *xzalloc(size_t size);	/* zeroed */
void xfree(void *p);		/* NULL is fine; a bad pointer is a BUG */
