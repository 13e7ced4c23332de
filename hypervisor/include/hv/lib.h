/* SPDX-License-Identifier: GPL-2.0-only */
/* Freestanding library: string functions and formatted printing. */
#pragma once
#include <hv/types.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * Formatted printing into a bounded buffer. Always NUL-terminates when
 * size > 0 and returns the length the full output would have had, as C99
 * says. Supports %d %i %u %x %X %o %p %s %c %% with flags "-0+ #", width,
 * precision (also "*") and length modifiers hh h l ll z t j.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * Parse an unsigned number: decimal, 0x hex or 0 octal. Returns false on
 * no digits or on overflow. *end (if given) points past the last digit.
 */
bool parse_ulong(const char *s, const char **end, unsigned long *out);
