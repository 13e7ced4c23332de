// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/printk.c. Its NMI path: a line printed from an NMI always starts a
 * line of its own. The NMI may arrive while the console is in the middle
 * of a line (a guest's partial line, or a write the NMI interrupted on
 * this very CPU, whose lock it then cannot take): it writes a newline
 * first, and it never waits for a lock this CPU itself holds. Its levels:
 * lines about domUs (LOG_G_*) obey guest_loglvl once it is given.
 */
// sources: common/printk.c lib/vsnprintf.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hv/printk.h>
#include <hv/arch.h>
#include <asm/percpu.h>

unsigned int shim_cpu;

static char out[4096];
static size_t out_len;
static bool in_nmi;
static uint64_t clock_ns;
static unsigned int clock_reads;
/* Set by a test: the NMI line to print in the middle of the next console write. */
static const char *nmi_during_write;

bool arch_in_nmi(void)
{
	return in_nmi;
}

uint64_t now_ns(void)
{
	clock_reads++;
	return clock_ns += 1000 * 1000;	/* 1 ms per read: a wait ends */
}

static void nmi_printk(const char *line)
{
	in_nmi = true;
	printk("%s", line);
	in_nmi = false;
}

void arch_console_write(const char *s, size_t len)
{
	size_t half = len / 2;

	if (nmi_during_write && !in_nmi) {
		const char *line = nmi_during_write;

		nmi_during_write = NULL;
		memcpy(out + out_len, s, half);
		out_len += half;
		nmi_printk(line);
		s += half;
		len -= half;
	}
	assert_true(out_len + len < sizeof(out));
	memcpy(out + out_len, s, len);
	out_len += len;
	out[out_len] = '\0';
}

static int setup(void **state)
{
	out_len = 0;
	out[0] = '\0';
	in_nmi = false;
	clock_reads = 0;
	nmi_during_write = NULL;
	shim_cpu = 0;
	printk("\n");		/* every case starts at the start of a line */
	out_len = 0;
	out[0] = '\0';
	return 0;
}

/* A guest left the console mid-line: the NMI's line starts a new one. */
static void test_nmi_after_partial_line(void **state)
{
	printk("~ # ");
	nmi_printk("CPU 0: NMI at e033:1, ignored\n");
	assert_string_equal(out, "~ # \nCPU 0: NMI at e033:1, ignored\n");
}

/* At the start of a line, nothing is added. */
static void test_nmi_at_line_start(void **state)
{
	printk("case one: ok\n");
	nmi_printk("CPU 0: NMI at e033:1, ignored\n");
	assert_string_equal(out, "case one: ok\nCPU 0: NMI at e033:1, ignored\n");
}

/*
 * The NMI interrupts this CPU's own console write: the lock is ours and
 * is never let go while the NMI runs, so it is not waited for (the
 * clock is not read for a deadline), and the line goes out on a line of
 * its own in the middle of the interrupted one.
 */
static void test_nmi_inside_own_write(void **state)
{
	nmi_during_write = "CPU 0: NMI at e008:2, ignored\n";
	printk("case bad ports: ok\n");
	assert_string_equal(out, "case bad \nCPU 0: NMI at e008:2, ignored\nports: ok\n");
	assert_int_equal(clock_reads, 1);	/* the deadline's start only */
}

/* Outside NMIs nothing changes: continuation lines stay together. */
static void test_plain_continuation(void **state)
{
	printk("a");
	printk("b\n");
	assert_string_equal(out, "ab\n");
}

/*
 * guest_loglvl: LOG_G_* lines follow loglvl until it is given (this case
 * runs before any other sets it), then only their own threshold.
 */
static void test_guest_levels_follow_loglvl(void **state)
{
	assert_true(printk_set_level_name("info"));
	printk(LOG_G_INFO "d1: shut down: poweroff\n");
	printk(LOG_G_DEBUG "d1: debug\n");
	assert_string_equal(out, "d1: shut down: poweroff\n");
}

static void test_guest_level_warn_hides_guest_info(void **state)
{
	assert_true(printk_set_level_name("info"));
	assert_true(printk_set_guest_level_name("warn"));
	printk(LOG_G_INFO "ctl: d1 created\n");
	printk(LOG_G_WARN "d1: every vCPU is down\n");
	printk(LOG_INFO "d0: shut down: poweroff\n");
	assert_string_equal(out, "d1: every vCPU is down\nd0: shut down: poweroff\n");
}

static void test_guest_level_all_under_quiet_host(void **state)
{
	assert_true(printk_set_level_name("warn"));
	assert_true(printk_set_guest_level_name("all"));
	printk(LOG_G_DEBUG "(d1) hello\n");
	printk(LOG_INFO "host info\n");
	assert_string_equal(out, "(d1) hello\n");
	assert_false(printk_set_guest_level_name("loud"));
	assert_true(printk_set_level_name("info"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_nmi_after_partial_line, setup),
		cmocka_unit_test_setup(test_nmi_at_line_start, setup),
		cmocka_unit_test_setup(test_nmi_inside_own_write, setup),
		cmocka_unit_test_setup(test_plain_continuation, setup),
		cmocka_unit_test_setup(test_guest_levels_follow_loglvl, setup),
		cmocka_unit_test_setup(test_guest_level_warn_hides_guest_info, setup),
		cmocka_unit_test_setup(test_guest_level_all_under_quiet_host, setup),
	};

	return cmocka_run_group_tests_name("printk", tests, NULL, NULL);
}
