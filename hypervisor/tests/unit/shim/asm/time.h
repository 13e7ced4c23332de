/* SPDX-License-Identifier: GPL-2.0-only */
/* Host stand-in for <asm/time.h>: the test provides the clock. */
#pragma once
#include <stdint.h>

uint64_t now_ns(void);
