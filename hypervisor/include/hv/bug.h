/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * panic() for broken hypervisor invariants; BUG_ON stays in release builds,
 * ASSERT is debug-only. Never use either on guest input: that needs an
 * error path.
 */
#pragma once
#include <hv/types.h>

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
__noreturn void assert_failed(const char *expr, const char *file, int line,
			      const char *func);

#define BUG_ON(c) do { \
	if (unlikely(c)) assert_failed("BUG_ON(" #c ")", __FILE__, __LINE__, __func__); \
} while (0)
#define BUG()	assert_failed("BUG", __FILE__, __LINE__, __func__)

#ifdef CONFIG_DEBUG
#define ASSERT(c) do { \
	if (unlikely(!(c))) assert_failed(#c, __FILE__, __LINE__, __func__); \
} while (0)
#else
#define ASSERT(c) do { (void)sizeof(c); } while (0)
#endif
