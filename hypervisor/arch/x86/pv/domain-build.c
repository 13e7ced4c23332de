// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PV domain builder, for dom0 and for domUs. From a kernel image (ELF,
 * gzip'd ELF, or bzImage with an xz/gzip payload) and an optional initrd it
 * builds the start-of-day state the ABI describes (<public/xen.h>, "Start
 * of day memory layout"; pv-abi-core.md §2): a bootstrap region at
 * VIRT_BASE mapping pseudo-physical frames 0.. linearly, holding the
 * kernel, the p2m list, start_info, a domU's xenstore and console pages,
 * the bootstrap page tables (read-only) and a stack, padded to a 4 MiB
 * boundary. The initrd sits after it,
 * unmapped, when the kernel accepts it by PFN (MOD_START_PFN note).
 */
#include <hv/bootinfo.h>
#include <hv/bug.h>
#include <hv/cmdline.h>
#include <hv/domain.h>
#include <hv/grant-table.h>
#include <hv/elf.h>
#include <hv/errno.h>
#include <hv/heap.h>
#include <hv/kernel-image.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <public/elfnote.h>
#include <public/features.h>
#include <asm/domain-build.h>
#include <asm/m2p.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/time.h>

#define DOM0_DEFAULT_MEM	MiB(512)
#define DOM0_MIN_MEM		MiB(16)
/* Memory the hypervisor keeps for itself when dom0_mem is not given. */
#define HV_RESERVE		MiB(64)
/* The bootstrap region must fit the one L2 page Linux copies (1 GiB). */
#define REGION_MAX		GiB(1)
#define REGION_ALIGN		MiB(4)
#define REGION_PAD_MIN		KiB(512)
#define L1_SPAN			(1UL << L2_SHIFT)	/* 2 MiB per L1 table */
#define PTE_GUEST		(PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)
#define PTE_GUEST_RO		(PTE_P | PTE_US | PTE_A | PTE_D)
#define START_INFO_MAGIC	"xen-3.0-x86_64"
#define DOM0_INITIAL_IOPL	0

/* Hypercall page: 128 stubs of 32 bytes (pv-abi-core.md §1.4). */
#define HC_STUB_SIZE		32
#define HC_NR_STUBS		(PAGE_SIZE / HC_STUB_SIZE)
#define INSN_INT3		0xcc

struct layout {
	unsigned long virt_base;
	unsigned long nr_pages;		/* the domain's size in frames */
	unsigned long kern_end_pfn;	/* first pfn after the kernel image */
	unsigned long initrd_pfn;	/* first pfn of the initrd, if any */
	unsigned long initrd_pages;
	bool initrd_mapped;		/* inside the region (no MOD_START_PFN) */
	unsigned long p2m_pfn, p2m_pages;
	unsigned long si_pfn;
	unsigned long special_pfn;	/* domUs: the console page, then xenstore's */
	unsigned long special_pages;
	unsigned long pt_pfn, pt_pages;	/* L4, L3, L2, then L1s */
	unsigned long stack_pfn;
	unsigned long end_pfn;		/* region end, 4 MiB aligned */
};

struct builder {
	struct domain *d;
	mfn_t *p2m;
	struct layout lay;
};

static void *pfn_ptr(const struct builder *b, unsigned long pfn)
{
	return mfn_to_virt(b->p2m[pfn]);
}

static unsigned long pfn_va(const struct layout *l, unsigned long pfn)
{
	return l->virt_base + (pfn << PAGE_SHIFT);
}

/* elf_load() destination: guest virtual address -> our view of its frame. */
static void *elf_dest(void *ctx, uint64_t vaddr, size_t len)
{
	struct builder *b = ctx;
	unsigned long pfn;

	if (vaddr < b->lay.virt_base)
		return NULL;
	pfn = (vaddr - b->lay.virt_base) >> PAGE_SHIFT;
	if (pfn >= b->lay.kern_end_pfn || len > PAGE_SIZE - (vaddr & ~PAGE_MASK))
		return NULL;
	return (char *)pfn_ptr(b, pfn) + (vaddr & ~PAGE_MASK);
}

static void *unpack_alloc(void *ctx, size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		if (++order > MAX_ORDER)
			return NULL;
	*(unsigned int *)ctx = order;
	return alloc_pages(order);
}

/*
 * Lay the region out. The page-table count depends on the region's end,
 * which depends on the page-table count: iterate until stable.
 */
static int plan_layout(struct layout *l, const struct xen_elf_info *info, uint64_t mem,
		       size_t initrd_len, const char **why)
{
	unsigned long l1_base = l->virt_base & ~(L1_SPAN - 1);

	l->nr_pages = mem >> PAGE_SHIFT;
	l->kern_end_pfn = PFN_UP(info->virt_kend - l->virt_base);
	l->initrd_pages = PFN_UP(initrd_len);
	l->initrd_mapped = initrd_len && !xen_elf_has(info, XEN_ELFNOTE_MOD_START_PFN);
	l->pt_pages = 3;
	for (int iter = 0; iter < 8; iter++) {
		unsigned long pfn = l->kern_end_pfn, need_l1;

		if (l->initrd_mapped) {
			l->initrd_pfn = pfn;
			pfn += l->initrd_pages;
		}
		l->p2m_pfn = pfn;
		l->p2m_pages = PFN_UP(l->nr_pages * sizeof(unsigned long));
		pfn += l->p2m_pages;
		l->si_pfn = pfn++;
		l->special_pfn = pfn;
		pfn += l->special_pages;
		l->pt_pfn = pfn;
		pfn += l->pt_pages;
		l->stack_pfn = pfn++;
		l->end_pfn = PFN_DOWN(ROUNDUP(pfn_va(l, pfn) + REGION_PAD_MIN, REGION_ALIGN) -
				      l->virt_base);
		need_l1 = DIV_ROUND_UP(pfn_va(l, l->end_pfn) - l1_base, L1_SPAN);
		if (3 + need_l1 == l->pt_pages)
			break;
		l->pt_pages = 3 + need_l1;
	}
	if (!l->initrd_mapped && initrd_len)
		l->initrd_pfn = l->end_pfn;
	if ((l->virt_base & (GiB(1) - 1)) + (l->end_pfn << PAGE_SHIFT) > REGION_MAX) {
		*why = "the bootstrap region does not fit in 1 GiB above VIRT_BASE";
		return -EINVAL;
	}
	if (l->end_pfn + (l->initrd_mapped ? 0 : l->initrd_pages) > l->nr_pages) {
		*why = "the memory size is too small for the kernel, initrd and boot structures";
		return -ENOMEM;
	}
	return 0;
}

/* Bootstrap page tables: L4 -> L3 -> one L2 -> L1s covering the region. */
static void build_page_tables(struct builder *b)
{
	const struct layout *l = &b->lay;
	uint64_t *l4 = pfn_ptr(b, l->pt_pfn), *l3 = pfn_ptr(b, l->pt_pfn + 1);
	uint64_t *l2 = pfn_ptr(b, l->pt_pfn + 2);
	const uint64_t *idle = idle_l4_table();
	unsigned long va0 = l->virt_base & ~(L1_SPAN - 1);

	/* The hypervisor's slots, as in every L4 (pv-abi-core.md §2.7). */
	for (unsigned int s = HV_SLOT_FIRST; s <= HV_SLOT_LAST; s++)
		l4[s] = idle[s];
	l4[PT_INDEX(l->virt_base, L4_SHIFT)] = (b->p2m[l->pt_pfn + 1] << PAGE_SHIFT) | PTE_GUEST;
	l3[PT_INDEX(l->virt_base, L3_SHIFT)] = (b->p2m[l->pt_pfn + 2] << PAGE_SHIFT) | PTE_GUEST;
	for (unsigned long i = 0; i < l->pt_pages - 3; i++) {
		unsigned long va = va0 + i * L1_SPAN;
		uint64_t *l1 = pfn_ptr(b, l->pt_pfn + 3 + i);

		l2[PT_INDEX(va, L2_SHIFT)] = (b->p2m[l->pt_pfn + 3 + i] << PAGE_SHIFT) | PTE_GUEST;
		for (unsigned int e = 0; e < PT_ENTRIES; e++) {
			unsigned long pva = va + ((unsigned long)e << PAGE_SHIFT), pfn;

			if (pva < l->virt_base)
				continue;
			pfn = (pva - l->virt_base) >> PAGE_SHIFT;
			if (pfn >= l->end_pfn)
				break;
			/* Page-table frames are mapped read-only (the MMU rules, issue 4). */
			l1[e] = (b->p2m[pfn] << PAGE_SHIFT) |
				(pfn >= l->pt_pfn && pfn < l->pt_pfn + l->pt_pages ?
				 PTE_GUEST_RO : PTE_GUEST);
		}
	}
}

static void fill_hypercall_page(struct builder *b, unsigned long va)
{
	uint8_t *p = elf_dest(b, va, PAGE_SIZE);

	if (!p)
		return;	/* elf_xen_parse() checked it lies in the image */
	memset(p, INSN_INT3, PAGE_SIZE);
	for (unsigned int i = 0; i < HC_NR_STUBS; i++) {
		uint8_t *s = p + i * HC_STUB_SIZE;
		unsigned int n = 0;

		s[n++] = 0x51;			/* push %rcx */
		s[n++] = 0x41; s[n++] = 0x53;	/* push %r11 */
		if (i == __HYPERVISOR_iret)
			s[n++] = 0x50;		/* push %rax: iret's frame starts with RAX */
		s[n++] = 0xb8;			/* mov $i, %eax */
		memcpy(&s[n], &i, sizeof(uint32_t));
		n += sizeof(uint32_t);
		s[n++] = 0x0f; s[n++] = 0x05;	/* syscall */
		if (i == __HYPERVISOR_iret)
			continue;		/* iret never returns here */
		s[n++] = 0x41; s[n++] = 0x5b;	/* pop %r11 */
		s[n++] = 0x59;			/* pop %rcx */
		s[n++] = 0xc3;			/* ret */
	}
}

static void init_time(struct vcpu *v)
{
	struct vcpu_time_info *t = &v->vcpu_info->time;
	uint32_t mul;
	int8_t shift;

	/* Valid from the first instruction: Linux divides by the multiplier. */
	tsc_pvclock_scale(&mul, &shift);
	t->version = 1;
	barrier();
	t->tsc_timestamp = rdtsc();
	t->system_time = now_ns();
	t->tsc_to_system_mul = mul;
	t->tsc_shift = shift;
	barrier();
	t->version = 2;
}

/* The module command line without a leading image path (QEMU -kernel adds it). */
static const char *module_args(const char *s)
{
	const char *end = s;

	while (*end && *end != ' ')
		end++;
	for (const char *p = s; p < end; p++)
		if (*p == '=')
			return s;
	for (const char *p = s; p < end; p++)
		if (*p == '/') {
			while (*end == ' ')
				end++;
			return end;
		}
	return s;
}

#define SPECIAL_CONSOLE	0
#define SPECIAL_STORE	1
#define NR_SPECIAL	2

/* dom0 has no rings of its own; a domU's wait for dom0, by port and page. */
static int setup_domu_rings(struct builder *b, struct pv_build *pb, struct start_info *si)
{
	const struct layout *l = &b->lay;
	int rc;

	pb->console_mfn = b->p2m[l->special_pfn + SPECIAL_CONSOLE];
	pb->store_mfn = b->p2m[l->special_pfn + SPECIAL_STORE];
	rc = evtchn_alloc_unbound_for(b->d, 0, &pb->console_port);
	if (!rc)
		rc = evtchn_alloc_unbound_for(b->d, 0, &pb->store_port);
	/* The reserved refs grant both pages to dom0, as Xen's toolstack does. */
	if (!rc)
		rc = grant_table_seed(b->d, GNTTAB_RESERVED_CONSOLE, 0, pb->console_mfn,
				      GTF_permit_access);
	if (!rc)
		rc = grant_table_seed(b->d, GNTTAB_RESERVED_XENSTORE, 0, pb->store_mfn,
				      GTF_permit_access);
	if (rc)
		return rc;
	si->store_mfn = pb->store_mfn;
	si->store_evtchn = pb->store_port;
	si->console.domU.mfn = pb->console_mfn;
	si->console.domU.evtchn = pb->console_port;
	return 0;
}

int pv_build_domain(struct pv_build *pb, const char **why)
{
	bool dom0 = pb->flags & PV_BUILD_DOM0;
	struct kernel_image_desc desc;
	const void *elf_data;
	size_t elf_len;
	struct elf_image elf;
	struct xen_elf_info info;
	struct builder b = { 0 };
	struct layout *l = &b.lay;
	struct start_info *si;
	struct vcpu *v;
	unsigned int unpack_order = 0;
	void *unpacked = NULL;
	unsigned long nr_pfns;
	char name[8];
	int rc;

	pb->d = NULL;
	if (kernel_image_probe(pb->kernel, pb->kernel_len, &desc, why))
		return -EINVAL;
	rc = kernel_image_unpack(pb->kernel, pb->kernel_len, unpack_alloc, &unpack_order,
				 &elf_data, &elf_len, why);
	if (rc)
		goto out;
	if (elf_data != pb->kernel)
		unpacked = (void *)elf_data;
	rc = elf_init(&elf, elf_data, elf_len, why);
	if (!rc)
		rc = elf_xen_parse(&elf, &info, why);
	if (rc)
		goto out;
	/*
	 * As Xen: only a kernel that lists its supported features and leaves
	 * dom0 out is refused; one with no SUPPORTED_FEATURES note (an XTF
	 * test image, say) is taken at its word.
	 */
	if (dom0 && xen_elf_has(&info, XEN_ELFNOTE_SUPPORTED_FEATURES) &&
	    !xen_elf_supports(&info, XENFEAT_dom0)) {
		*why = "the kernel does not declare XENFEAT_dom0 support";
		rc = -EINVAL;
		goto out;
	}
	l->virt_base = info.virt_base;
	l->special_pages = dom0 ? 0 : NR_SPECIAL;
	rc = plan_layout(l, &info, pb->mem, pb->initrd_len, why);
	if (rc)
		goto out;

	b.d = domain_create(pb->domid, pb->vcpus, dom0);
	if (!b.d) {
		*why = "no domain could be created (out of memory or domain ids)";
		rc = -ENOMEM;
		goto out;
	}
	snprintf(name, sizeof(name), dom0 ? "dom0" : "d%u", b.d->domain_id);
	pr_dom_info(b.d, "%s: kernel: %s, %zu KiB -> %zu KiB ELF\n", name,
		    kernel_image_format(&desc), pb->kernel_len >> 10, desc.elf_len >> 10);
	pr_dom_info(b.d, "%s: guest OS %s, entry %#lx, virt base %#lx, image %#lx-%#lx%s\n", name,
		info.guest_os, (unsigned long)info.entry, (unsigned long)info.virt_base,
		(unsigned long)info.virt_kstart, (unsigned long)info.virt_kend,
		xen_elf_has(&info, XEN_ELFNOTE_HYPERCALL_PAGE) ? ", hypercall page" : "");
	/* A kernel that requires writable page tables gets the assist from the start. */
	if (xen_elf_requires(&info, XENFEAT_writable_page_tables))
		b.d->arch.vm_assist |= 1UL << VMASST_TYPE_writable_pagetables;
	/* Room to balloon up to max_mem: frames past nr_pages stay unpopulated. */
	nr_pfns = max(l->nr_pages, (unsigned long)(pb->max_mem >> PAGE_SHIFT));
	b.p2m = xmalloc(nr_pfns * sizeof(mfn_t));
	if (!b.p2m) {
		*why = "out of hypervisor memory for the p2m";
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned long pfn = 0; pfn < nr_pfns; pfn++)
		b.p2m[pfn] = INVALID_MFN;
	b.d->arch.p2m = b.p2m;
	b.d->arch.nr_pfns = nr_pfns;
	b.d->max_pages = nr_pfns;
	for (unsigned long pfn = 0; pfn < l->nr_pages; pfn++) {
		b.p2m[pfn] = domain_alloc_frame(b.d);
		if (b.p2m[pfn] == INVALID_MFN) {
			*why = "out of memory for the domain's frames";
			rc = -ENOMEM;
			goto out;
		}
		m2p_set(b.p2m[pfn], pfn);
	}

	rc = elf_load(&elf, &info, elf_dest, &b, why);
	if (rc)
		goto out;
	if (xen_elf_has(&info, XEN_ELFNOTE_HYPERCALL_PAGE))
		fill_hypercall_page(&b, info.hypercall_page);
	/* The initrd, page by page, into its frames. */
	for (unsigned long i = 0; i < l->initrd_pages; i++) {
		size_t n = min((size_t)PAGE_SIZE, pb->initrd_len - i * PAGE_SIZE);

		memcpy(pfn_ptr(&b, l->initrd_pfn + i), (const char *)pb->initrd + i * PAGE_SIZE, n);
	}
	/* The guest's p2m list: mfn_list[pfn] = mfn. */
	for (unsigned long pfn = 0; pfn < l->nr_pages; pfn++)
		((unsigned long *)pfn_ptr(&b, l->p2m_pfn + pfn / (PAGE_SIZE / 8)))
			[pfn % (PAGE_SIZE / 8)] = b.p2m[pfn];
	build_page_tables(&b);

	si = pfn_ptr(&b, l->si_pfn);
	strlcpy(si->magic, START_INFO_MAGIC, sizeof(si->magic));
	si->nr_pages = l->nr_pages;
	si->shared_info = virt_to_maddr(b.d->shared_info);
	si->flags = dom0 ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0;
	si->pt_base = pfn_va(l, l->pt_pfn);
	si->nr_pt_frames = l->pt_pages;
	si->mfn_list = pfn_va(l, l->p2m_pfn);
	if (pb->initrd_len) {
		si->mod_len = pb->initrd_len;
		if (l->initrd_mapped) {
			si->mod_start = pfn_va(l, l->initrd_pfn);
		} else {
			si->mod_start = l->initrd_pfn;
			si->flags |= SIF_MOD_START_PFN;
		}
	}
	strlcpy((char *)si->cmd_line, pb->cmdline ? pb->cmdline : "", sizeof(si->cmd_line));
	if (!dom0) {
		rc = setup_domu_rings(&b, pb, si);
		if (rc) {
			*why = "no event channel ports for the xenstore and console rings";
			goto out;
		}
	}

	v = b.d->vcpu[0];
	v->arch.kernel_cr3 = b.p2m[l->pt_pfn];
	/* The bootstrap tables go through the same validation as any guest's. */
	rc = pv_mm_take_initial_tables(v, v->arch.kernel_cr3);
	if (rc) {
		*why = "the bootstrap page tables do not validate (a builder bug)";
		goto out;
	}
	/* Virtual IOPL 0, as on Xen: Linux raises it with PHYSDEVOP_set_iopl. */
	v->arch.iopl = DOM0_INITIAL_IOPL;
	v->arch.regs.rip = info.entry;
	v->arch.regs.rsp = pfn_va(l, l->stack_pfn + 1);
	v->arch.regs.rsi = pfn_va(l, l->si_pfn);
	v->arch.initialised = true;	/* vCPU 0 has its context: VCPUOP_initialise says -EEXIST */
	/* Every vCPU's clock, so a secondary vCPU reads the time from its first instruction. */
	for (unsigned int i = 0; i < b.d->max_vcpus; i++)
		init_time(b.d->vcpu[i]);

	pr_dom_info(b.d, "%s: %lu MiB, region %#lx-%#lx, p2m %#lx, start_info %#lx, %lu page-table frames%s\n",
		name, l->nr_pages >> (20 - PAGE_SHIFT), pfn_va(l, 0),
		pfn_va(l, l->end_pfn), pfn_va(l, l->p2m_pfn), pfn_va(l, l->si_pfn), l->pt_pages,
		pb->initrd_len ? (l->initrd_mapped ? ", initrd mapped" : ", initrd by pfn") : "");
	pr_dom_info(b.d, "%s: command line: %s\n", name, (const char *)si->cmd_line);
	__atomic_and_fetch(&v->pause_flags, ~VPF_DOWN, __ATOMIC_SEQ_CST);
	pb->d = b.d;
	rc = 0;
out:
	if (unpacked)
		free_pages(unpacked, unpack_order);
	if (rc && b.d) {
		/* Not yet running anywhere: its memory can go straight back. */
		b.d->is_dying = true;
		domain_destroy(b.d);
	}
	return rc;
}

/*
 * dom0_max_vcpus=N: dom0's vCPUs (Xen's option, its plain form). vCPU 0
 * starts; the kernel brings up the others (VCPUOP_initialise/up).
 */
static unsigned long opt_dom0_max_vcpus = 1;
uint_param("dom0_max_vcpus", opt_dom0_max_vcpus);

int dom0_build(const struct boot_info *bi, uint64_t dom0_mem)
{
	const struct boot_module *km = &bi->mods[0], *im = bi->nr_mods > 1 ? &bi->mods[1] : NULL;
	struct pv_build pb = {
		.vcpus = (unsigned int)(opt_dom0_max_vcpus < 1 ? 1 :
					opt_dom0_max_vcpus > MAX_VCPUS ? MAX_VCPUS :
					opt_dom0_max_vcpus),
		.flags = PV_BUILD_DOM0,
		.domid = 0,
	};
	const char *why = NULL;
	int rc;

	if (!bi->nr_mods) {
		pr_warn("dom0: no kernel module given\n");
		return -EINVAL;
	}
	pb.kernel = maddr_to_virt(km->start);
	pb.kernel_len = km->end - km->start;
	if (im) {
		pb.initrd = maddr_to_virt(im->start);
		pb.initrd_len = im->end - im->start;
	}
	pb.cmdline = module_args(km->cmdline);
	if (!dom0_mem)
		dom0_mem = min(DOM0_DEFAULT_MEM,
			       (page_alloc_free_frames() << PAGE_SHIFT) - HV_RESERVE);
	if (dom0_mem < DOM0_MIN_MEM ||
	    (dom0_mem >> PAGE_SHIFT) + (HV_RESERVE >> PAGE_SHIFT) > page_alloc_free_frames()) {
		pr_err("dom0: dom0_mem=%lluM does not fit (%llu MiB free, min %llu MiB)\n",
		       (unsigned long long)(dom0_mem >> 20),
		       (unsigned long long)(page_alloc_free_frames() >> (20 - PAGE_SHIFT)),
		       (unsigned long long)(DOM0_MIN_MEM >> 20));
		return -ENOMEM;
	}
	pb.mem = dom0_mem;
	rc = pv_build_domain(&pb, &why);
	if (rc) {
		pr_err("dom0: kernel refused: %s\n", why);
		return rc;
	}
	vcpu_wake(pb.d->vcpu[0]);
	return 0;
}
