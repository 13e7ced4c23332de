// SPDX-License-Identifier: GPL-2.0-only
/*
 * Secondary vCPUs (vcpu_op, pv-abi-core.md 2.7): a context that starts a
 * vCPU in a C function on a stack of the guest's, on the page tables and
 * with the callbacks vCPU 0 has, and each vCPU's own clock. The started
 * vCPU has no trap table: it must not fault.
 */
#include "lib.h"

/* Entered with RDI = arg, RSI = fn and RSP 16-byte aligned: the call makes it a normal entry. */
asm(".pushsection .text\n"
    ".globl vcpu_entry\n"
    "vcpu_entry:\n\t"
    "call *%rsi\n\t"
    "ud2\n"
    ".popsection");
void vcpu_entry(void);

void vcpu_context(vcpu_guest_context_t *ctx, void (*fn)(unsigned long), unsigned long arg,
		  void *stack_top)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->flags = VGCF_in_kernel;
	ctx->user_regs.rip = (unsigned long)vcpu_entry;
	ctx->user_regs.rsp = (unsigned long)stack_top & ~15UL;
	ctx->user_regs.rdi = arg;
	ctx->user_regs.rsi = (unsigned long)fn;
	ctx->user_regs.rflags = X86_EFLAGS_IF;
	ctx->user_regs.cs = FLAT_KERNEL_CS;
	ctx->user_regs.ss = FLAT_KERNEL_SS;
	ctx->kernel_ss = FLAT_KERNEL_SS;
	ctx->kernel_sp = ctx->user_regs.rsp;
	ctx->ctrlreg[3] = virt_to_mfn((void *)start_info->pt_base) << PAGE_SHIFT;
	ctx->event_callback_eip = (unsigned long)event_callback_entry;
	ctx->failsafe_callback_eip = (unsigned long)failsafe_callback_entry;
}

long vcpu_start(unsigned int id, void (*fn)(unsigned long), unsigned long arg, void *stack_top)
{
	static vcpu_guest_context_t ctx;	/* only vCPU 0 starts others */
	long rc;

	vcpu_context(&ctx, fn, arg, stack_top);
	rc = HYPERVISOR_vcpu_op(VCPUOP_initialise, id, &ctx);
	return rc ? rc : HYPERVISOR_vcpu_op(VCPUOP_up, id, NULL);
}

uint64_t vcpu_now(unsigned int id)
{
	return pvclock_ns(&shared_info->vcpu_info[id].time);
}

void smp_guest_setup(void)
{
	long rc;

	if (HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL) < 0)
		test_skip("dom0 has one vCPU (boot with dom0_max_vcpus=2)");
	if (!map_shared_info(&rc))
		test_error("map_shared_info: rc %ld %s", rc, errno_name(rc));
	if ((rc = traps_install()))
		test_error("set_trap_table: rc %ld %s", rc, errno_name(rc));
}
