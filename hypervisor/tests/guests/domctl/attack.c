// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the structured attackers share (attack.h): the start of day, the
 * frame pool and windows, one-request hypercall wrappers, vCPU 1 and its
 * jobs, and the oracle that walks our page tables.
 *
 * The pool is the top POOL_FRAMES of our memory: the builder's bootstrap
 * region ends well below it (a 4 MiB boundary at least 512 KiB past the
 * page tables and stack), so nothing maps those frames and each can be
 * made anything. Markers are pool frames whose words all say "mark" and
 * their MFN, with bit 0 clear: what vCPU 1 may read when it races us.
 */
#include "attack.h"

struct attack_env at;
uint64_t poison;

static uint8_t windows[NR_WINDOWS][PAGE_SIZE] __page_aligned;
/* What each window maps now and with which flags; vCPU 0's, like the windows. */
static unsigned long win_cur[NR_WINDOWS];
static uint64_t win_flags[NR_WINDOWS];
/* Ownership by MFN: the p2m at start, plus and minus what the kinds change. */
static uint64_t owned_bits[TRACK_MFNS / 64];

/* ---- randomness ---------------------------------------------------------- */

uint64_t rnd(void)
{
	return xorshift64s(&at.rng);
}

unsigned long rnd_below(unsigned long n)
{
	return n ? rnd() % n : 0;
}

bool one_in(unsigned long n)
{
	return rnd_below(n) == 0;
}

/* ---- frames ---------------------------------------------------------------- */

bool owned(unsigned long mfn)
{
	return mfn < TRACK_MFNS && (owned_bits[mfn / 64] & (1UL << (mfn % 64)));
}

void set_owned(unsigned long mfn, bool yes)
{
	if (mfn >= TRACK_MFNS)
		return;
	if (yes)
		owned_bits[mfn / 64] |= 1UL << (mfn % 64);
	else
		owned_bits[mfn / 64] &= ~(1UL << (mfn % 64));
}

int pool_index(unsigned long mfn)
{
	for (int i = 0; i < POOL_FRAMES; i++)
		if (at.pool[i] == mfn)
			return i;
	return -1;
}

uint64_t marker_word(unsigned long mfn)
{
	return MARKER_HI | ((mfn << 1) & 0xfffffffeUL);
}

/*
 * What a stale read of a marker may see between its free and its reuse:
 * the marker, Ward's 0xa5 fill, or the two torn (the fill runs a byte at
 * a time), so each of the high four bytes is the marker's or 0xa5.
 */
static bool marker_or_fill(uint64_t v)
{
	for (unsigned int b = 4; b < 8; b++) {
		uint8_t got = (uint8_t)(v >> (8 * b));

		if (got != (uint8_t)(MARKER_HI >> (8 * b)) && got != (uint8_t)FREED_FILL)
			return false;
	}
	return true;
}

long marker_fill(unsigned long mfn)
{
	static mmu_update_t req[PT_ENTRIES];

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		req[i].ptr = MADDR(mfn, i) | MMU_NORMAL_PT_UPDATE;
		req[i].val = marker_word(mfn);
	}
	return HYPERVISOR_mmu_update(req, PT_ENTRIES, NULL, DOMID_SELF);
}

unsigned long own_mfn(const void *va)
{
	return virt_to_mfn(va);
}

/*
 * The builder's tables map the region with one L3, one L2 and L1s that
 * are pt_base's next frames, all mapped (read-only) in the region.
 */
unsigned long l1_of(unsigned long va, unsigned int *idx)
{
	const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
	const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;
	unsigned long mfn = PTE_MFN(l4[(va >> 39) & 511]);

	for (int shift = 30; shift >= 21; shift -= 9) {
		const uint64_t *t = NULL;

		/* Find the region page that holds frame @mfn. */
		for (unsigned long f = 0; f < start_info->nr_pt_frames; f++)
			if (p2m[virt_to_pfn(l4) + f] == mfn)
				t = l4 + f * PT_ENTRIES;
		if (!t)
			return 0;
		mfn = PTE_MFN(t[(va >> shift) & 511]);
	}
	*idx = (va >> PAGE_SHIFT) & 511;
	return mfn;
}

/* ---- one-request hypercalls ---------------------------------------------- */

long mmu_write(uint64_t maddr, uint64_t val)
{
	mmu_update_t u = { .ptr = maddr | MMU_NORMAL_PT_UPDATE, .val = val };

	return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

long mmuext(unsigned int cmd, unsigned long arg1, unsigned long arg2)
{
	struct mmuext_op op = { .cmd = cmd };

	op.arg1.mfn = arg1;
	op.arg2.src_mfn = arg2;
	return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

long pin(unsigned int level, unsigned long mfn)
{
	static const unsigned int cmd[] = { MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE,
					    MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE };
	int i = pool_index(mfn);
	long rc = mmuext(cmd[(level - 1) & 3], mfn, 0);

	if (rc)
		return rc;
	/* A frame our windows map writable is no page table: the pin had to fail. */
	if (this_vcpu() == 0 && win_writable(mfn))
		breach("pinned frame %lx as L%u while a window maps it writable", mfn, level);
	if (i >= 0 && this_vcpu() == 0)
		at.pinned[i] = (uint8_t)level;
	return 0;
}

long unpin(unsigned long mfn)
{
	int i = pool_index(mfn);
	long rc = mmuext(MMUEXT_UNPIN_TABLE, mfn, 0);

	if (!rc && i >= 0 && this_vcpu() == 0)
		at.pinned[i] = 0;
	return rc;
}

long uvm(unsigned long va, uint64_t pte, unsigned long flags)
{
	return HYPERVISOR_update_va_mapping(va, pte, flags);
}

long gnttab(unsigned int cmd, void *uop, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

long reservation(unsigned int cmd, xen_pfn_t *list, unsigned long n)
{
	struct xen_memory_reservation r = {
		.nr_extents = n,
		.extent_order = 0,
		.domid = DOMID_SELF,
	};

	set_xen_guest_handle(r.extent_start, list);
	return HYPERVISOR_memory_op(cmd, &r);
}

/* ---- windows ------------------------------------------------------------- */

unsigned long win_va(enum window w)
{
	return (unsigned long)windows[w];
}

bool win_writable(unsigned long mfn)
{
	for (unsigned int w = 0; w < NR_WINDOWS; w++)
		if (win_cur[w] == mfn && (win_flags[w] & _PAGE_RW))
			return true;
	return false;
}

long win_map(enum window w, unsigned long mfn, uint64_t flags, unsigned long uvmf)
{
	uint64_t pte = flags ? ((uint64_t)mfn << PAGE_SHIFT) | flags : 0;
	bool pinned = false;
	long rc;

	for (int i = 0; i < POOL_FRAMES; i++)
		pinned |= at.pool[i] == mfn && at.pinned[i];
	rc = uvm(win_va(w), pte, uvmf);
	/* UVMF_MULTI's mask may be unreadable: the entry is written all the same. */
	if (rc && rc != -XEN_EFAULT)
		return rc;
	win_cur[w] = flags ? mfn : 0;
	win_flags[w] = flags;
	if ((flags & _PAGE_RW) && pinned)
		breach("mapped frame %lx writable while it is pinned as L%d", mfn,
		       at.pinned[pool_index(mfn)]);
	return rc;
}

void win_restore(enum window w)
{
	win_map(w, own_mfn(windows[w]), PTE_RW, UVMF_INVLPG | UVMF_LOCAL);
}

unsigned long win_mfn(enum window w)
{
	return win_cur[w];
}

void win_note(enum window w, unsigned long mfn, uint64_t flags)
{
	win_cur[w] = flags ? mfn : 0;
	win_flags[w] = flags;
}

const volatile uint64_t *look(unsigned long mfn)
{
	if (win_cur[W_CHECK] != mfn &&
	    win_map(W_CHECK, mfn, PTE_RO, UVMF_INVLPG | UVMF_LOCAL))
		return NULL;
	return (const volatile uint64_t *)windows[W_CHECK];
}

bool peek(unsigned long mfn, unsigned int i, uint64_t *v)
{
	const volatile uint64_t *p = look(mfn);

	if (!p)
		return false;
	*v = p[i & 511];
	return true;
}

/* ---- probes ---------------------------------------------------------------- */

/*
 * After the access at label 1: a fault there resumes at 3 (in
 * .text.fixup), which clears @ok and goes on after the access.
 */
#define PROBE_FIXUP			\
	"2:\n\t"				\
	".pushsection .text.fixup, \"ax\"\n"	\
	"3: xor %k[ok], %k[ok]\n\t"		\
	"jmp 2b\n\t"			\
	".popsection\n\t"			\
	_ASM_EXTABLE(1b, 3b)

bool try_load(unsigned long va, uint64_t *v)
{
	uint64_t val = 0;
	unsigned long ok = 1;

	asm volatile("1: movq (%[va]), %[val]\n\t" PROBE_FIXUP
		     : [val] "+r"(val), [ok] "+r"(ok)
		     : [va] "r"(va)
		     : "memory");
	*v = val;
	return ok;
}

bool try_store(unsigned long va, uint64_t v)
{
	unsigned long ok = 1;

	asm volatile("1: movq %[v], (%[va])\n\t" PROBE_FIXUP
		     : [ok] "+r"(ok)
		     : [va] "r"(va), [v] "r"(v)
		     : "memory");
	return ok;
}

/* ---- faults we take on purpose ---------------------------------------------- */

struct jmp_ctx recover_ctx[2];
volatile bool recover_armed[2];
volatile unsigned long traps_taken[2];

#define V1_STACK_SIZE	16384
static uint8_t v1_stack[V1_STACK_SIZE] __aligned(16);

unsigned int this_vcpu(void)
{
	unsigned long sp;

	asm volatile("mov %%rsp, %0" : "=r"(sp));
	return sp >= (unsigned long)v1_stack && sp < (unsigned long)v1_stack + V1_STACK_SIZE;
}

/*
 * Exceptions no extable entry expects: resume a TRY, or end the child. A
 * #DB is our own breakpoints' or single step's (attack-dbg.c): they go
 * off, and outside a TRY the frame simply resumes.
 */
static void attack_trap(struct trap_frame *f)
{
	unsigned int me = this_vcpu();

	traps_taken[me]++;
	if ((f->vector & ~TRAP_HAS_EC) == X86_EXC_DB) {
		HYPERVISOR_set_debugreg(7, 0);
		f->rflags &= ~X86_EFLAGS_TF;
		if (!recover_armed[me])
			return;
	}
	if (recover_armed[me]) {
		recover_armed[me] = false;
		ctx_resume(&recover_ctx[me]);
	}
	printk("child: vCPU %u: unexpected exception %lu at %lx (error %lx): crashing\n", me,
	       f->vector & ~TRAP_HAS_EC, f->rip, f->error_code);
	guest_shutdown(SHUTDOWN_crash);
}

/* ---- vCPU 1 ------------------------------------------------------------------ */

/*
 * The mailbox: vCPU 0 posts a job (posted++), vCPU 1 takes it (taken =
 * posted), runs it until stop and says so (done = taken). Between jobs
 * vCPU 1 takes itself down; vCPU 0 brings it up again after posting
 * (VCPUOP_up of a running vCPU changes nothing, so a lost race costs one
 * retry, never the job).
 */
static struct {
	volatile unsigned long posted, taken, done;
	volatile bool stop;
	volatile bool ready;
	enum v1_job job;
	uint64_t a[4];
	volatile unsigned long iters;
	volatile bool bad;
	volatile uint64_t bad_va, bad_val;
} mb;
static vcpu_guest_context_t v1_ctx;
static bool v1_is_up;

void v1_entry(void);
void v1_main(void);

asm(".pushsection .text\n"
    ".globl v1_entry\n"
    "v1_entry:\n\t"
    "call v1_main\n\t"
    "ud2\n"
    ".popsection");

/* Batch calls take DOMID_SELF as their fourth argument; the others ignore it. */
static long v1_hypercall(uint64_t nr, uint64_t a, uint64_t b, uint64_t c)
{
	return hypercall5((unsigned int)nr, a, b, c, DOMID_SELF, 0);
}

static void v1_run_job(void)
{
	const uint64_t *a = mb.a;
	unsigned long i = 0;

	for (; !mb.stop; i++, mb.iters = i) {
		switch (mb.job) {
		case V1_STORE:
			try_store(a[2], a[0]);
			try_store(a[2], a[1]);
			break;
		case V1_LOAD: {
			unsigned long va = a[2] + (i % (a[3] ? a[3] : 1)) * PAGE_SIZE;
			uint64_t v;

			if (try_load(va, &v) && !marker_or_fill(v)) {
				mb.bad_va = va;
				mb.bad_val = v;
				mb.bad = true;
				return;
			}
			break;
		}
		case V1_REMAP:
			if (!uvm(a[2], ((uint64_t)a[0] << PAGE_SHIFT) | PTE_RW, UVMF_NONE)) {
				try_store(a[2] + (a[3] & 0xff8), 0);
				uvm(a[2], 0, UVMF_NONE);
				dawdle(4);	/* room for vCPU 0's pin */
				/* Through whatever our TLB still holds: must fault once pinned. */
				try_store(a[2] + (a[3] & 0xff8), a[1]);
			}
			break;
		case V1_MMU:
			mmu_write(a[0], a[1]);
			mmu_write(a[0], 0);
			break;
		case V1_CALL:
			v1_hypercall(a[0], a[1], a[2], a[3]);
			break;
		case V1_GNT_MAP: {
			struct gnttab_map_grant_ref m = {
				.host_addr = a[2], .flags = (uint32_t)a[1],
				.ref = (grant_ref_t)a[0], .dom = at.domid,
			};
			struct gnttab_unmap_grant_ref u = { .host_addr = a[2] };

			if (!gnttab(GNTTABOP_map_grant_ref, &m, 1) && m.status == GNTST_okay) {
				try_store(a[2] + 8 * (i % 512), a[3]);
				u.handle = m.handle;
				u.dev_bus_addr = m.dev_bus_addr;
				gnttab(GNTTABOP_unmap_grant_ref, &u, 1);
			}
			break;
		}
		case V1_DBG:
			/* Buffer-style calls: (list, count, NULL, DOMID_SELF). */
			HYPERVISOR_set_debugreg(0, a[2]);
			HYPERVISOR_set_debugreg(7, a[0]);
			v1_hypercall(a[1], a[2], a[3], 0);
			HYPERVISOR_set_debugreg(7, 0);
			break;
		default:
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
			break;
		}
	}
}

void v1_main(void)
{
	traps_install();
	mb.ready = true;
	for (;;) {
		unsigned long seq = mb.posted;

		if (mb.taken == seq) {
			HYPERVISOR_vcpu_op(VCPUOP_down, 1, NULL);
			continue;
		}
		mb.taken = seq;
		v1_run_job();
		__atomic_store_n(&mb.done, seq, __ATOMIC_SEQ_CST);
	}
}

uint64_t now_ns(void)
{
	return pvclock_ns(&shared_info->vcpu_info[0].time);
}

bool v1_up(void)
{
	uint64_t end;

	if (v1_is_up)
		return true;
	memset(&v1_ctx, 0, sizeof(v1_ctx));
	v1_ctx.flags = VGCF_in_kernel;
	v1_ctx.user_regs.rip = (unsigned long)v1_entry;
	v1_ctx.user_regs.rsp = (unsigned long)(v1_stack + V1_STACK_SIZE);
	v1_ctx.user_regs.rflags = X86_EFLAGS_IF;
	v1_ctx.user_regs.cs = FLAT_KERNEL_CS;
	v1_ctx.user_regs.ss = FLAT_KERNEL_SS;
	v1_ctx.kernel_ss = FLAT_KERNEL_SS;
	v1_ctx.kernel_sp = v1_ctx.user_regs.rsp;
	v1_ctx.ctrlreg[3] = at.root << PAGE_SHIFT;
	v1_ctx.event_callback_eip = (unsigned long)event_callback_entry;
	v1_ctx.failsafe_callback_eip = (unsigned long)failsafe_callback_entry;
	if (HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &v1_ctx) ||
	    HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL))
		return false;
	for (end = now_ns() + 5000000000ULL; !mb.ready && now_ns() < end;)
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	v1_is_up = mb.ready;
	return v1_is_up;
}

bool v1_running(void)
{
	return v1_is_up && mb.done != mb.posted;
}

void v1_start(enum v1_job job, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t end = now_ns() + 5000000000ULL;

	if (!v1_is_up || v1_running())
		return;
	mb.job = job;
	mb.a[0] = a0;
	mb.a[1] = a1;
	mb.a[2] = a2;
	mb.a[3] = a3;
	mb.iters = 0;
	mb.stop = false;
	__atomic_add_fetch(&mb.posted, 1, __ATOMIC_SEQ_CST);
	while (mb.taken != mb.posted && now_ns() < end)
		HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL);
}

bool v1_stop(void)
{
	uint64_t end = now_ns() + 10000000000ULL;

	if (!v1_is_up)
		return true;
	mb.stop = true;
	while (mb.done != mb.posted) {
		if (now_ns() > end)
			return false;
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
	if (mb.bad)
		breach("vCPU 1 read %lx at %lx: neither a marker nor a freed frame's fill",
		       (unsigned long)mb.bad_val, (unsigned long)mb.bad_va);
	return true;
}

unsigned long v1_iterations(void)
{
	return mb.iters;
}

void dawdle(unsigned int rounds)
{
	for (unsigned int i = 0; i < rounds * 64; i++)
		asm volatile("pause" ::: "memory");
}

/* ---- the oracle --------------------------------------------------------------- */

#define MAX_TABLES	1024
#define MAX_WRITABLE	16384

static struct {
	unsigned long mfn;
	unsigned int level;
} tables[MAX_TABLES];
static unsigned int nr_tables;
static uint64_t writable_bits[TRACK_MFNS / 64];
static uint32_t writable_list[MAX_WRITABLE];
static unsigned int nr_writable;
static uint64_t walk_buf[4][PT_ENTRIES];
static const char *walk_when;

void breach(const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("child: BREACH: %s (attack seed %lu)\n", msg, at.seed);
	guest_shutdown(SHUTDOWN_reboot);
}

/* Record @mfn as a level-@level table; false if it was already walked. */
static bool add_table(unsigned long mfn, unsigned int level)
{
	for (unsigned int i = 0; i < nr_tables; i++) {
		if (tables[i].mfn != mfn)
			continue;
		if (tables[i].level != level)
			breach("%s: frame %lx is an L%u and an L%u table at once", walk_when, mfn,
			       tables[i].level, level);
		return false;
	}
	if (nr_tables == MAX_TABLES)
		return false;	/* enough to judge by */
	tables[nr_tables].mfn = mfn;
	tables[nr_tables++].level = level;
	return true;
}

static void add_writable(unsigned long mfn)
{
	uint64_t bit = 1UL << (mfn % 64);

	if (writable_bits[mfn / 64] & bit)
		return;
	writable_bits[mfn / 64] |= bit;
	if (nr_writable < MAX_WRITABLE)
		writable_list[nr_writable] = (uint32_t)mfn;
	nr_writable++;
}

static void walk_table(unsigned long mfn, unsigned int level)
{
	uint64_t *t = walk_buf[level - 1];

	if (win_map((enum window)(W_WALK1 + level - 1), mfn, PTE_RO, UVMF_INVLPG | UVMF_LOCAL))
		breach("%s: cannot map our L%u table %lx read-only", walk_when, level, mfn);
	memcpy(t, windows[W_WALK1 + level - 1], PAGE_SIZE);
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = t[i];
		unsigned long m = PTE_MFN(e);

		if (!(e & _PAGE_PRESENT) || (level == 4 && i >= HV_SLOT_FIRST && i <= HV_SLOT_LAST))
			continue;
		if (!owned(m))
			breach("%s: L%u %lx[%u] = %lx maps frame %lx, which is not ours", walk_when,
			       level, mfn, i, (unsigned long)e, m);
		if (level == 1) {
			if (e & _PAGE_RW)
				add_writable(m);
			continue;
		}
		if (e & _PAGE_PSE)
			breach("%s: L%u %lx[%u] = %lx is a superpage", walk_when, level, mfn, i,
			       (unsigned long)e);
		if (add_table(m, level - 1))
			walk_table(m, level - 1);
	}
}

unsigned int walked_level(unsigned long mfn)
{
	for (unsigned int i = 0; i < nr_tables; i++)
		if (tables[i].mfn == mfn)
			return tables[i].level;
	return 0;
}

void walk_check(const char *when)
{
	walk_when = when;
	nr_tables = 0;
	nr_writable = 0;
	if (add_table(at.cur_root, 4))
		walk_table(at.cur_root, 4);
	if (add_table(at.root, 4))
		walk_table(at.root, 4);
	for (int i = 0; i < POOL_FRAMES; i++)
		if (at.pinned[i] && add_table(at.pool[i], at.pinned[i]))
			walk_table(at.pool[i], at.pinned[i]);
	for (unsigned int i = 0; i < nr_tables; i++)
		if (writable_bits[tables[i].mfn / 64] & (1UL << (tables[i].mfn % 64)))
			breach("%s: frame %lx is an L%u table and mapped writable", when,
			       tables[i].mfn, tables[i].level);
	/* Clear what we set (the list, or everything if it overflowed). */
	if (nr_writable > MAX_WRITABLE)
		memset(writable_bits, 0, sizeof(writable_bits));
	else
		for (unsigned int i = 0; i < nr_writable; i++)
			writable_bits[writable_list[i] / 64] = 0;
	for (unsigned int w = W_WALK1; w <= W_WALK4; w++)
		win_restore((enum window)w);
}

/* ---- start of day ------------------------------------------------------------ */

/* Our domid: the remote end an unbound port of our own records for DOMID_SELF. */
static domid_t find_domid(void)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_status s = { .dom = DOMID_SELF };
	struct evtchn_close c;

	if (HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a))
		return DOMID_SELF;
	s.port = a.port;
	c.port = a.port;
	if (HYPERVISOR_event_channel_op(EVTCHNOP_status, &s))
		s.u.unbound.dom = DOMID_SELF;
	HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
	return s.u.unbound.dom;
}

/* A child that tests nothing must not pass for one that held: a failed check. */
static void __noreturn give_up(const char *why)
{
	printk("child: FAILED: the attack cannot start: %s\n", why);
	guest_shutdown(SHUTDOWN_reboot);
}

static void attack_init(unsigned long seed, bool longer)
{
	const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;
	unsigned long nr = start_info->nr_pages, pt_pfn, region_end;
	long rc;

	at.seed = seed;
	at.longer = longer;
	at.rng = seed * 0x9e3779b97f4a7c15ULL + 11;
	if (traps_install())
		give_up("set_trap_table");
	trap_hook = attack_trap;
	if (!map_shared_info(&rc))
		give_up("mapping shared_info");
	at.shinfo = start_info->shared_info >> PAGE_SHIFT;
	rc = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
	if (rc <= 0 || (unsigned long)rc > TRACK_MFNS)
		give_up("more RAM than the bitmaps cover");
	at.nr_mfns = (unsigned long)rc;
	for (unsigned long pfn = 0; pfn < nr; pfn++)
		set_owned(p2m[pfn], true);
	set_owned(at.shinfo, true);
	at.root = at.cur_root = virt_to_mfn((void *)start_info->pt_base);
	pt_pfn = virt_to_pfn((void *)start_info->pt_base);
	region_end = ((pt_pfn + start_info->nr_pt_frames + 1) * PAGE_SIZE + 512 * 1024 +
		      (4UL << 20) - 1) & ~((4UL << 20) - 1);
	if (nr < POOL_FRAMES || (nr - POOL_FRAMES) * PAGE_SIZE < region_end)
		give_up("no room for the pool above the bootstrap region");
	for (int i = 0; i < POOL_FRAMES; i++) {
		at.pool[i] = p2m[nr - POOL_FRAMES + i];
		if (mmuext(MMUEXT_CLEAR_PAGE, at.pool[i], 0))
			give_up("MMUEXT_CLEAR_PAGE of a pool frame");
	}
	for (at.foreign = 0x100; at.foreign < at.nr_mfns && owned(at.foreign); at.foreign++)
		;
	poison = ((uint64_t)at.foreign << PAGE_SHIFT) | PTE_RO;
	at.domid = find_domid();
	for (unsigned int w = 0; w < NR_WINDOWS; w++) {
		win_cur[w] = own_mfn(windows[w]);
		win_flags[w] = PTE_RW;
	}
	for (unsigned int w = W_SHARED0; w < W_SHARED0 + NR_SHARED; w++)
		for (unsigned int i = 0; i < PT_ENTRIES; i++)
			((uint64_t *)windows[w])[i] = marker_word(own_mfn(windows[w]));
	/* The first check of all: a frame not ours cannot be mapped. */
	if (!uvm(win_va(W_CHECK), ((uint64_t)at.foreign << PAGE_SHIFT) | PTE_RO,
		 UVMF_INVLPG | UVMF_LOCAL))
		breach("update_va_mapping of frame %lx, not ours, succeeded", at.foreign);
	printk("child: attack: domid %u, root %lx, pool %lx..%lx, foreign %lx, %lu MFNs\n",
	       at.domid, at.root, at.pool[0], at.pool[POOL_FRAMES - 1], at.foreign, at.nr_mfns);
}

static const struct {
	const char *name;
	void (*fn)(void);
} kinds[] = {
	{ "pt", attack_pt },
	{ "desc", attack_desc },
	{ "xenheap", attack_xenheap },
	{ "grant", attack_grant },
	{ "dbg", attack_dbg },
	{ "batch", attack_batch },
};

bool attack_kind_known(const char *kind)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i].name, kind))
			return true;
	return false;
}

void child_attack(const char *kind, unsigned long seed, bool longer)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (strcmp(kinds[i].name, kind))
			continue;
		printk("child: attack %s seed %lu%s\n", kind, seed, longer ? " (long)" : "");
		attack_init(seed, longer);
		kinds[i].fn();
		v1_stop();
		printk("child: attack %s seed %lu: the hypervisor held\n", kind, seed);
		guest_shutdown(SHUTDOWN_poweroff);
	}
	printk("child: FAILED: no attack kind '%s'\n", kind);
	guest_shutdown(SHUTDOWN_reboot);
}
