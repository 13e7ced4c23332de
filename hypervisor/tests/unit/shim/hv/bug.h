// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host stand-in for <hv/bug.h>. BUG_ON/BUG/ASSERT/panic record what fired
 * and, when the running test said it expects one (expect_bug()), longjmp
 * back into the test, much as the real panic stops the CPU. An unexpected
 * one fails the current cmocka test with the expression and location.
 *
 * Unit tests always build the debug configuration: ASSERTs are live and
 * page-alloc.c poisons freed frames (test-page-alloc.c checks both).
 */
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <hv/types.h>

#ifndef CONFIG_DEBUG
#define CONFIG_DEBUG 1
#endif

/* State shared by the shims, the test and the modules under test. */
struct shim_state {
	jmp_buf *bug_env;	/* set by expect_bug() while its statement runs */
	unsigned int bug_hits;	/* BUGs since expect_bug() started */
	const char *bug_expr;	/* the last BUG: expression, file, line */
	const char *bug_file;
	int bug_line;
	/*
	 * A BUG abandons the locks held at the time, as a panic would: a
	 * lock counts as held only in the epoch it was taken in (spinlock.h).
	 */
	unsigned int lock_epoch;
	unsigned int locks_held;
};
__attribute__((weak)) struct shim_state shim;

static inline void shim_abandon_locks(void)
{
	shim.lock_epoch++;
	shim.locks_held = 0;
}

/* Fail the running test outright: something no test could expect. */
static inline __noreturn void shim_fail(const char *what, const char *file, int line)
{
	shim.bug_env = NULL;
	shim_abandon_locks();
	mock_assert(0, what, file, line);	/* longjmps out of the test */
	abort();				/* not reached */
}

static inline __noreturn void assert_failed(const char *expr, const char *file,
					    int line, const char *func)
{
	shim.bug_hits++;
	shim.bug_expr = expr;
	shim.bug_file = file;
	shim.bug_line = line;
	if (shim.bug_env) {
		shim_abandon_locks();
		longjmp(*shim.bug_env, 1);
	}
	shim_fail(expr, file, line);
}

#define panic(fmt, ...) assert_failed("panic: " fmt, __FILE__, __LINE__, __func__)

#define BUG_ON(c) do { \
	if (unlikely(c)) \
		assert_failed("BUG_ON(" #c ")", __FILE__, __LINE__, __func__); \
} while (0)
#define BUG()	assert_failed("BUG", __FILE__, __LINE__, __func__)
#define ASSERT(c) do { \
	if (unlikely(!(c))) \
		assert_failed(#c, __FILE__, __LINE__, __func__); \
} while (0)

/*
 * Run @stmt and require that it hits a BUG. The BUG abandons @stmt half-way,
 * so whatever it was updating (a free list, say) must not be trusted
 * afterwards; shim.bug_expr says which check fired.
 */
#define expect_bug(stmt) do { \
	jmp_buf shim_env__; \
	shim.bug_hits = 0; \
	shim.bug_expr = NULL; \
	if (setjmp(shim_env__) == 0) { \
		shim.bug_env = &shim_env__; \
		stmt; \
		shim.bug_env = NULL; \
		fail_msg("expected a BUG from: %s", #stmt); \
	} \
	shim.bug_env = NULL; \
} while (0)

/* expect_bug(), and the BUG's expression must mention @what. */
#define expect_bug_about(stmt, what) do { \
	expect_bug(stmt); \
	if (!strstr(shim.bug_expr, what)) \
		fail_msg("BUG \"%s\" is not about \"%s\"", shim.bug_expr, what); \
} while (0)
