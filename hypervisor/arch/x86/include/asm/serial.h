/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once
#include <hv/types.h>

void serial_init(void);
void serial_write(const char *s, size_t len);
/* Non-blocking read of one byte; -1 when none is waiting. */
int serial_getc(void);
