// SPDX-License-Identifier: GPL-2.0-only
/*
 * Signal micro-benchmarks. Delivery builds a signal frame on the user
 * stack and returns through sigreturn; a protection fault adds an
 * exception that, under a PV hypervisor, first lands in the hypervisor
 * and is bounced into the guest kernel.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"

static volatile sig_atomic_t signals_seen;

static void on_signal(int sig)
{
	(void)sig;
	signals_seen++;
}

static void install(int sig, void (*handler)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		bench_die("sigaction: %s", strerror(errno));
}

static uint64_t loop_sig_install(void *arg, uint64_t n)
{
	struct sigaction sa;
	uint64_t t0;

	(void)arg;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		if (sigaction(SIGUSR1, &sa, NULL) < 0)
			bench_die("sigaction: %s", strerror(errno));
	return now_ns() - t0;
}

static int run_sig_install(double *out)
{
	*out = bench_per_op_us(loop_sig_install, NULL);
	return 0;
}

static uint64_t loop_sig_deliver(void *arg, uint64_t n)
{
	pid_t self = getpid();
	uint64_t t0;

	(void)arg;
	signals_seen = 0;
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		kill(self, SIGUSR1);
	t0 = now_ns() - t0;
	if ((uint64_t)signals_seen != n)
		bench_die("%llu of %llu signals delivered",
			  (unsigned long long)signals_seen,
			  (unsigned long long)n);
	return t0;
}

static int run_sig_deliver(double *out)
{
	install(SIGUSR1, on_signal, 0);
	*out = bench_per_op_us(loop_sig_deliver, NULL);
	return 0;
}

/*
 * The protection fault: a write to a PROT_READ page raises SIGSEGV, whose
 * handler siglongjmps back past the write. SA_NODEFER leaves SIGSEGV
 * unblocked in the handler, so sigsetjmp need not save the signal mask
 * and the operation makes no system call: it is fault + signal delivery
 * + longjmp. The page stays read-only, so every iteration faults.
 */
static sigjmp_buf fault_jmp;
static volatile sig_atomic_t faults_seen;

static void on_segv(int sig)
{
	(void)sig;
	faults_seen++;
	siglongjmp(fault_jmp, 1);
}

static uint64_t loop_prot_fault(void *arg, uint64_t n)
{
	volatile char *page = arg;
	volatile uint64_t i;
	uint64_t t0;

	faults_seen = 0;
	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (sigsetjmp(fault_jmp, 0) == 0)
			*page = 1;
	t0 = now_ns() - t0;
	if ((uint64_t)faults_seen != n)
		bench_die("%llu of %llu writes faulted",
			  (unsigned long long)faults_seen,
			  (unsigned long long)n);
	return t0;
}

static int run_prot_fault(double *out)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *page;

	page = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		bench_die("mmap: %s", strerror(errno));
	page[0] = 0;	/* populate it: we time protection, not page-in */
	if (mprotect(page, pg, PROT_READ) < 0)
		bench_die("mprotect: %s", strerror(errno));
	install(SIGSEGV, on_segv, SA_NODEFER);
	*out = bench_per_op_us(loop_prot_fault, page);
	return 0;
}

const struct bench micro_signal_benches[] = {
	{ "sig_install", "us",
	  "sigaction() installing a SIGUSR1 handler",
	  run_sig_install },
	{ "sig_deliver", "us",
	  "kill(self, SIGUSR1): send, deliver to a handler, sigreturn",
	  run_sig_deliver },
	{ "prot_fault", "us",
	  "write to a read-only page; SIGSEGV handler siglongjmps out",
	  run_prot_fault },
	{ NULL, NULL, NULL, NULL },
};
