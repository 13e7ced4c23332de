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
#include <cmocka.h>
#include <hv/types.h>

#ifndef CONFIG_DEBUG
#define CONFIG_DEBUG 1
#endif

struct shim_bug {
	jmp_buf *env;		/* set by expect_bug() while it runs its statement */
	unsigned int hits;	/* BUGs since the last expect_bug() */
	const char *expr;	/* the last one: expression, file, line */
	const char *file;
	int line;
};

/* One instance shared by the test and the modules under test. */
__attribute__((weak)) struct shim_bug shim_bug;

static inline __noreturn void assert_failed(const char *expr, const char *file,
					    int line, const char *func)
{
	shim_bug.hits++;
	shim_bug.expr = expr;
	shim_bug.file = file;
	shim_bug.line = line;
	if (shim_bug.env)
		longjmp(*shim_bug.env, 1);
	mock_assert(0, expr, file, line);	/* fails the current test */
	abort();				/* not reached */
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
 * so whatever it was updating (a held lock, a free list) must not be trusted
 * afterwards; shim_bug.expr says which check fired.
 */
#define expect_bug(stmt) do { \
	jmp_buf shim_env__; \
	shim_bug.hits = 0; \
	shim_bug.expr = NULL; \
	if (setjmp(shim_env__) == 0) { \
		shim_bug.env = &shim_env__; \
		stmt; \
		shim_bug.env = NULL; \
		fail_msg("expected a BUG from: %s", #stmt); \
	} \
	shim_bug.env = NULL; \
} while (0)
