// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's page tables: built once on the boot CPU and shared by
 * all CPUs (and, from issue 3, copied into slots 256-271 of guest L4s).
 *   - directmap: all RAM and ACPI ranges, read-write, never executable;
 *   - image: per section, text read-only+executable, rodata read-only,
 *     data and bss read-write; nothing is both writable and executable;
 *   - ioremap window: device MMIO, uncached, mapped on demand.
 * Before this runs, head.S's boot tables map the first 4 GiB.
 */
#include <hv/arch.h>
#include <hv/bootinfo.h>
#include <hv/bug.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/printk.h>
#include <hv/spinlock.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/processor.h>

#define PTE_HV_DATA	(PTE_P | PTE_RW | PTE_G | PTE_NX)
#define PTE_HV_TEXT	(PTE_P | PTE_G)
#define PTE_HV_RODATA	(PTE_P | PTE_G | PTE_NX)
#define PTE_HV_MMIO	(PTE_P | PTE_RW | PTE_G | PTE_NX | PTE_PCD | PTE_PWT)
#define PTE_TABLE	(PTE_P | PTE_RW)	/* intermediate levels: leaves decide */
#define SUPERPAGE_2M	(1UL << L2_SHIFT)

uint64_t idle_pg_table_cr3;
/* The root; written on the boot CPU at boot, then under ioremap_lock. */
static uint64_t *idle_l4;
static DEFINE_SPINLOCK(ioremap_lock);
static unsigned long ioremap_next = IOREMAP_VIRT_START;
/* The last page of the window stays unmapped (fault=pf uses it). */
#define IOREMAP_LIMIT	(IOREMAP_VIRT_START + IOREMAP_VIRT_SIZE - PAGE_SIZE)

static uint64_t *alloc_table(void)
{
	uint64_t *t = alloc_pages(0);

	if (!t)
		panic("out of memory for page tables");
	return t;
}

/*
 * Replace the 2 MiB mapping at *@l2e by an L1 table mapping the same
 * frames with the same permissions. Only the calling CPU's TLB is flushed:
 * other CPUs may keep the old superpage entry for a while, which is
 * harmless because every frame keeps its mapping and permissions.
 */
static void split_superpage(uint64_t *l2e)
{
	uint64_t *l1 = alloc_table();
	uint64_t flags = (*l2e & ~PTE_ADDR_MASK & ~PTE_PS) | (*l2e & PTE_NX);
	paddr_t base = *l2e & PTE_ADDR_MASK;

	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		l1[i] = (base + ((paddr_t)i << L1_SHIFT)) | flags;
	*l2e = virt_to_maddr(l1) | PTE_TABLE;
	flush_tlb_all_local();
}

/* The table at @level (1..3) covering @va, allocating missing levels. */
static uint64_t *walk_alloc(unsigned long va, int level)
{
	uint64_t *t = idle_l4;

	for (int shift = L4_SHIFT; shift > L1_SHIFT + 9 * (level - 1); shift -= 9) {
		uint64_t *e = &t[PT_INDEX(va, shift)];

		if (!(*e & PTE_P))
			*e = virt_to_maddr(alloc_table()) | PTE_TABLE;
		if (*e & PTE_PS) {
			/* Only directmap 2 MiB pages exist; 1 GiB ones are never made. */
			BUG_ON(shift != L2_SHIFT);
			split_superpage(e);
		}
		t = maddr_to_virt(*e & PTE_ADDR_MASK);
	}
	return t;
}

static void map_4k(unsigned long va, paddr_t pa, uint64_t flags)
{
	uint64_t *l1 = walk_alloc(va, 1);

	l1[PT_INDEX(va, L1_SHIFT)] = (pa & PTE_ADDR_MASK) | flags;
}


static void map_2m(unsigned long va, paddr_t pa, uint64_t flags)
{
	uint64_t *l2 = walk_alloc(va, 2);

	l2[PT_INDEX(va, L2_SHIFT)] = (pa & PTE_ADDR_MASK) | flags | PTE_PS;
}

/* Map [s, e) at DIRECTMAP + pa, with 2 MiB pages where alignment allows. */
static void map_directmap_range(paddr_t s, paddr_t e)
{
	s = ROUNDDOWN(s, (paddr_t)PAGE_SIZE);
	e = ROUNDUP(e, (paddr_t)PAGE_SIZE);
	while (s < e) {
		if (IS_ALIGNED(s, SUPERPAGE_2M) && e - s >= SUPERPAGE_2M) {
			map_2m(DIRECTMAP_VIRT_START + s, s, PTE_HV_DATA);
			s += SUPERPAGE_2M;
		} else {
			uint64_t *l2 = walk_alloc(DIRECTMAP_VIRT_START + s, 2);

			/* Already covered by a superpage from an adjacent range. */
			if (!(l2[PT_INDEX(DIRECTMAP_VIRT_START + s, L2_SHIFT)] & PTE_PS))
				map_4k(DIRECTMAP_VIRT_START + s, s, PTE_HV_DATA);
			s += PAGE_SIZE;
		}
	}
}

static void map_image_section(const char *start, const char *end, uint64_t flags)
{
	for (unsigned long va = (unsigned long)start; va < (unsigned long)end; va += PAGE_SIZE)
		map_4k(va, va - IMAGE_VIRT_BASE, flags);
}

/* Guards table allocation in walk_alloc() once other CPUs run. */
static DEFINE_SPINLOCK(pt_lock);

void paging_unmap_page(unsigned long va)
{
	unsigned long flags = spin_lock_irqsave(&pt_lock);
	uint64_t *l1 = walk_alloc(va, 1);

	l1[PT_INDEX(va, L1_SHIFT)] = 0;
	spin_unlock_irqrestore(&pt_lock, flags);
	invlpg(va);
}

void paging_map_page(unsigned long va, mfn_t mfn, enum paging_perm perm)
{
	unsigned long flags = spin_lock_irqsave(&pt_lock);
	uint64_t *l1 = walk_alloc(va, 1);

	l1[PT_INDEX(va, L1_SHIFT)] = (mfn << PAGE_SHIFT) | PTE_P | PTE_NX |
				     (perm == PAGING_RW ? PTE_RW : 0);
	spin_unlock_irqrestore(&pt_lock, flags);
	/* Callers map addresses only they use, so a local flush is enough. */
	invlpg(va);
}

/*
 * Map a frame that guests may read (the RO M2P): user-accessible at every
 * level of its path. Only the RO M2P's own subtree gets US bits, so the
 * rest of the hypervisor's slots stay supervisor-only.
 */
void paging_map_page_guest_ro(unsigned long va, mfn_t mfn)
{
	unsigned long flags = spin_lock_irqsave(&pt_lock);
	uint64_t *t = idle_l4;

	for (int shift = L4_SHIFT; shift > L1_SHIFT; shift -= 9) {
		uint64_t *e = &t[PT_INDEX(va, shift)];

		if (!(*e & PTE_P))
			*e = virt_to_maddr(alloc_table()) | PTE_TABLE;
		*e |= PTE_US;
		t = maddr_to_virt(*e & PTE_ADDR_MASK);
	}
	t[PT_INDEX(va, L1_SHIFT)] = (mfn << PAGE_SHIFT) | PTE_P | PTE_US | PTE_NX;
	spin_unlock_irqrestore(&pt_lock, flags);
}

uint64_t *idle_l4_table(void)
{
	return idle_l4;
}

extern char bsp_stack_block[];

void arch_paging_init(const struct boot_info *bi)
{
	uint64_t top = 0;

	cpu_report();
	idle_l4 = alloc_table();
	/* CR3 must hold a sub-4 GiB address for the AP trampoline's 32-bit mov. */
	BUG_ON(virt_to_maddr(idle_l4) >= GiB(4));

	for (unsigned int i = 0; i < bi->nr_mem; i++) {
		const struct mem_range *r = &bi->mem[i];

		if (r->type != MEM_RAM && r->type != MEM_ACPI_RECLAIM && r->type != MEM_ACPI_NVS)
			continue;
		if (r->end > DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START) {
			pr_warn("memory above %#lx not mapped\n",
				DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START);
			continue;
		}
		map_directmap_range(r->start, r->end);
		top = max(top, r->end);
	}
	/*
	 * The image's frames also need directmap aliases (virt_to_maddr
	 * round trips); they are RAM, so already covered above.
	 */
	map_image_section(__text_start, __text_end, PTE_HV_TEXT);
	map_image_section(__rodata_start, __rodata_end, PTE_HV_RODATA);
	map_image_section(__data_start, __data_end, PTE_HV_DATA);
	map_image_section(__bss_start, __bss_end, PTE_HV_DATA);
	/*
	 * Every hypervisor slot gets its L3 now: guest L4s copy slots
	 * 256-271, so anything mapped under them later shows up everywhere.
	 */
	for (unsigned long slot = HV_SLOT_FIRST; slot <= HV_SLOT_LAST; slot++)
		walk_alloc(L4_SLOT_VA(slot), 3);

	idle_pg_table_cr3 = virt_to_maddr(idle_l4);
	write_cr3(idle_pg_table_cr3);
	/* Now that the image has its own 4K mappings, guard the boot CPU's stack. */
	paging_unmap_page((unsigned long)bsp_stack_block + STACK_GUARD_PAGE * PAGE_SIZE);
	pr_info("Paging: directmap up to %#llx, image W^X, NX %s, SMEP %s, SMAP %s\n",
		(unsigned long long)top, cpu_has_nx ? "on" : "off",
		cpu_has_smep ? "on" : "off", cpu_has_smap ? "on" : "off");
}

static void *ioremap_flags(paddr_t pa, size_t size, uint64_t flags)
{
	paddr_t base = ROUNDDOWN(pa, (paddr_t)PAGE_SIZE);
	size_t len = ROUNDUP(pa + size, (paddr_t)PAGE_SIZE) - base;
	unsigned long va, lock;

	if (!size || pa + size < pa)
		return NULL;
	lock = spin_lock_irqsave(&ioremap_lock);
	if (len > IOREMAP_LIMIT - ioremap_next) {
		spin_unlock_irqrestore(&ioremap_lock, lock);
		return NULL;
	}
	va = ioremap_next;
	ioremap_next += len;
	spin_unlock_irqrestore(&ioremap_lock, lock);
	lock = spin_lock_irqsave(&pt_lock);
	for (size_t off = 0; off < len; off += PAGE_SIZE)
		map_4k(va + off, base + off, flags);
	spin_unlock_irqrestore(&pt_lock, lock);
	return (void *)(va + (pa - base));
}

void *ioremap(paddr_t pa, size_t size)
{
	return ioremap_flags(pa, size, PTE_HV_MMIO);
}

void *ioremap_cached(paddr_t pa, size_t size)
{
	return ioremap_flags(pa, size, PTE_HV_DATA);
}

const void *arch_boot_phys_read(uint64_t pa, size_t len)
{
	/* Before paging_init the boot tables map [0, 4 GiB) at the directmap. */
	if (pa + len < pa || pa + len > GiB(4))
		return NULL;
	return maddr_to_virt(pa);
}

void arch_image_range(uint64_t *start, uint64_t *end)
{
	*start = virt_to_maddr(__image_start);
	*end = virt_to_maddr(__image_end);
}
