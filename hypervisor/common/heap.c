// SPDX-License-Identifier: GPL-2.0-only
/*
 * xmalloc/xfree. Sizes up to the largest class come from per-class free
 * lists; a class is refilled by carving one page into equal blocks (pages
 * are never returned: the hypervisor's small objects are long-lived).
 * Larger requests get their own 2^k pages. Each block starts with a
 * 16-byte header recording how to free it, and a magic that catches
 * double frees and wild pointers.
 */
#include <hv/heap.h>
#include <hv/bug.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/spinlock.h>

#define HEAP_MAGIC_USED	0x57415244u	/* "WARD" */
#define HEAP_MAGIC_FREE	0x46524545u	/* "FREE" */
#define HEAP_ALIGN	16
#define NR_CLASSES	8		/* 32, 64, ..., 4096-byte blocks incl. header */
#define CLASS_MIN_SHIFT	5
#define LARGE		0xff		/* hdr->cls for page-backed blocks */

struct heap_hdr {
	uint32_t magic;
	uint8_t cls;		/* size class, or LARGE */
	uint8_t order;		/* LARGE: page order */
	uint16_t pad;
	struct heap_hdr *next;	/* free-list link while free */
};
BUILD_BUG_ON(sizeof(struct heap_hdr) != HEAP_ALIGN);

/* Owned by this file, guarded by heap_lock. */
static struct heap_hdr *free_list[NR_CLASSES];
static DEFINE_SPINLOCK(heap_lock);

void heap_init(void)
{
	for (unsigned int i = 0; i < NR_CLASSES; i++)
		free_list[i] = NULL;
}

static size_t class_size(unsigned int cls)
{
	return (size_t)1 << (cls + CLASS_MIN_SHIFT);
}

static bool refill(unsigned int cls)
{
	char *page = alloc_pages(0);
	size_t sz = class_size(cls);

	if (!page)
		return false;
	for (size_t off = 0; off + sz <= PAGE_SIZE; off += sz) {
		struct heap_hdr *h = (struct heap_hdr *)(page + off);

		h->magic = HEAP_MAGIC_FREE;
		h->cls = (uint8_t)cls;
		h->next = free_list[cls];
		free_list[cls] = h;
	}
	return true;
}

void *xmalloc(size_t size)
{
	size_t need = size + sizeof(struct heap_hdr);
	struct heap_hdr *h;
	unsigned long flags;
	unsigned int cls;

	if (size == 0 || need < size)
		return NULL;
	for (cls = 0; cls < NR_CLASSES && class_size(cls) < need; cls++)
		;
	if (cls == NR_CLASSES) {
		unsigned int order = 0;

		while ((PAGE_SIZE << order) < need) {
			if (++order > MAX_ORDER)
				return NULL;
		}
		h = alloc_pages(order);
		if (!h)
			return NULL;
		h->cls = LARGE;
		h->order = (uint8_t)order;
		h->magic = HEAP_MAGIC_USED;
		return h + 1;
	}

	flags = spin_lock_irqsave(&heap_lock);
	if (!free_list[cls] && !refill(cls)) {
		spin_unlock_irqrestore(&heap_lock, flags);
		return NULL;
	}
	h = free_list[cls];
	free_list[cls] = h->next;
	spin_unlock_irqrestore(&heap_lock, flags);
	BUG_ON(h->magic != HEAP_MAGIC_FREE);	/* someone wrote to a free block */
	h->magic = HEAP_MAGIC_USED;
	return h + 1;
}

void *xzalloc(size_t size)
{
	void *p = xmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void xfree(void *p)
{
	struct heap_hdr *h;
	unsigned long flags;

	if (!p)
		return;
	BUG_ON((uintptr_t)p % HEAP_ALIGN);
	h = (struct heap_hdr *)p - 1;
	BUG_ON(h->magic != HEAP_MAGIC_USED);	/* double free or not ours */
	if (h->cls == LARGE) {
		h->magic = HEAP_MAGIC_FREE;
		free_pages(h, h->order);
		return;
	}
	BUG_ON(h->cls >= NR_CLASSES);
	h->magic = HEAP_MAGIC_FREE;
	flags = spin_lock_irqsave(&heap_lock);
	h->next = free_list[h->cls];
	free_list[h->cls] = h;
	spin_unlock_irqrestore(&heap_lock, flags);
}
