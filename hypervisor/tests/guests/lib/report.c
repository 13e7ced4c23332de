// SPDX-License-Identifier: GPL-2.0-only
/*
 * Result bookkeeping in the XTF model. A guest runs its cases, each of which
 * may record failures with test_fail() and carry on; test_error() (the test
 * itself is broken), test_skip() and test_abort() (a failure the test
 * cannot continue after) end the run at once. Whatever happens, exactly one
 * "Test result:" line is printed, then the domain shuts down (poweroff).
 */
#include "lib.h"

start_info_t *start_info;

/* Owned by the single vCPU; a fault handler may add to them. */
static unsigned int nr_failures;
static char first_failure[160];
static bool result_printed;
static unsigned int case_failures_at_start;
static bool case_skipped;

static const struct {
	long rc;
	const char *name;
} errnos[] = {
	{ -XEN_EPERM, "-EPERM" },	{ -XEN_ENOENT, "-ENOENT" },
	{ -XEN_ESRCH, "-ESRCH" },	{ -XEN_E2BIG, "-E2BIG" },
	{ -XEN_EAGAIN, "-EAGAIN" },	{ -XEN_ENOMEM, "-ENOMEM" },
	{ -XEN_EACCES, "-EACCES" },	{ -XEN_EFAULT, "-EFAULT" },
	{ -XEN_EBUSY, "-EBUSY" },	{ -XEN_EEXIST, "-EEXIST" },
	{ -XEN_ENODEV, "-ENODEV" },	{ -XEN_EINVAL, "-EINVAL" },
	{ -XEN_ENOSPC, "-ENOSPC" },	{ -XEN_ERANGE, "-ERANGE" },
	{ -XEN_ENOSYS, "-ENOSYS" },	{ -XEN_ENODATA, "-ENODATA" },
	{ -XEN_EOPNOTSUPP, "-EOPNOTSUPP" },	{ -XEN_ENXIO, "-ENXIO" },
};

/* Symbolic name of a negative errno, or "" for anything else. */
const char *errno_name(long rc)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].rc == rc)
			return errnos[i].name;
	return "";
}

bool check_rc(const char *what, long rc, long want)
{
	if (rc == want)
		return true;
	test_fail("%s: rc %ld %s, expected %ld %s", what, rc, errno_name(rc),
		  want, errno_name(want));
	return false;
}

static void vrecord_failure(const char *fmt, va_list ap)
{
	char msg[sizeof(first_failure)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	printk("  FAIL: %s\n", msg);
	if (nr_failures++ == 0)
		memcpy(first_failure, msg, sizeof(msg));
}

void test_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord_failure(fmt, ap);
	va_end(ap);
}

/* Print the one result line (once) without shutting down. */
void test_report_only(void)
{
	if (result_printed)
		return;
	result_printed = true;
	if (nr_failures > 1)
		printk("Test result: FAILURE: %s (and %u more)\n",
		       first_failure, nr_failures - 1);
	else if (nr_failures)
		printk("Test result: FAILURE: %s\n", first_failure);
	else
		printk("Test result: SUCCESS\n");
}

void __noreturn guest_shutdown(unsigned int reason)
{
	struct sched_shutdown arg = { .reason = reason };
	long rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &arg);

	/* Only reached if the hypervisor is broken; nothing else to report. */
	printk("(SCHEDOP_shutdown reason %u returned %ld %s)\n", reason, rc,
	       errno_name(rc));
	for (;;)
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

void __noreturn test_finish(void)
{
	test_report_only();
	guest_shutdown(SHUTDOWN_poweroff);
}

void __noreturn test_abort(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord_failure(fmt, ap);
	va_end(ap);
	test_finish();
}

/* Print "Test result: KIND: msg" unless a result was printed already. */
static void __noreturn vfinish_with(const char *kind, const char *fmt,
				    va_list ap)
{
	char msg[sizeof(first_failure)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!result_printed) {
		result_printed = true;
		printk("Test result: %s: %s\n", kind, msg);
	}
	guest_shutdown(SHUTDOWN_poweroff);
}

void __noreturn test_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfinish_with("ERROR", fmt, ap);
}

void __noreturn test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfinish_with("SKIP", fmt, ap);
}

/* Skip the rest of the current case; the test as a whole goes on. */
void case_skip(const char *fmt, ...)
{
	char msg[sizeof(first_failure)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("  skipped: %s\n", msg);
	case_skipped = true;
}

/* "case=N" on the command line: the 1-based case to run alone, or 0. */
static size_t only_case(void)
{
	const char *p = strstr((const char *)start_info->cmd_line, "case=");
	size_t n = 0;

	if (!p)
		return 0;
	for (p += 5; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (size_t)(*p - '0');
	return n;
}

void run_cases(const struct test_case *cases, size_t nr)
{
	unsigned int skipped = 0, failed = 0;
	size_t i, only = only_case();

	for (i = 0; i < nr; i++) {
		if (only && i + 1 != only) {
			skipped++;
			continue;
		}
		printk("case %s\n", cases[i].name);
		case_failures_at_start = nr_failures;
		case_skipped = false;
		cases[i].fn();
		if (nr_failures != case_failures_at_start) {
			printk("case %s: FAILED\n", cases[i].name);
			failed++;
		} else if (case_skipped) {
			printk("case %s: skipped\n", cases[i].name);
			skipped++;
		} else {
			printk("case %s: ok\n", cases[i].name);
		}
	}
	printk("%zu cases: %zu passed, %u failed, %u skipped\n", nr,
	       nr - failed - skipped, failed, skipped);
	if (nr && skipped == nr && !nr_failures)
		test_skip("every case was skipped");
}

/* True if WORD appears as a whole word in the guest's command line. */
bool cmdline_has(const char *word)
{
	const char *p = (const char *)start_info->cmd_line;
	const char *end = p + strnlen(p, MAX_GUEST_CMDLINE);
	size_t n = strlen(word);

	for (; p + n <= end; p++) {
		if (memcmp(p, word, n))
			continue;
		if ((p == (const char *)start_info->cmd_line || p[-1] == ' ') &&
		    (p + n == end || p[n] == ' '))
			return true;
	}
	return false;
}

/* Called by head.S on the image's own stack with the builder's RSI. */
void __noreturn guest_main(start_info_t *si);
void __noreturn guest_main(start_info_t *si)
{
	char magic[sizeof(si->magic) + 1];

	start_info = si;
	memcpy(magic, si->magic, sizeof(si->magic));
	magic[sizeof(si->magic)] = '\0';
	printk("--- Ward test guest: %s\n", test_title);
	printk("start_info %p: magic \"%s\" nr_pages %lu flags 0x%x pt_base %p\n",
	       (void *)si, magic, si->nr_pages, si->flags, (void *)si->pt_base);
	si->cmd_line[MAX_GUEST_CMDLINE - 1] = '\0';
	printk("command line \"%s\"\n", (const char *)si->cmd_line);
	test_main(si);
	test_finish();
}
