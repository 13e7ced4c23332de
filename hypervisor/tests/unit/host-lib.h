// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ward's lib/ on the host. Functions whose names libc also has are
 * compiled by host-lib.c as ward_<name>, so a test binary keeps libc (and
 * the sanitizers' interceptors) for its own use and still calls Ward's
 * versions by their ward_ name. parse_ulong() and strlcpy() (which glibc
 * 2.36 lacks) keep their real names: modules such as cmdline.c link
 * against Ward's own. Tests list "tests/unit/host-lib.c" in "// sources:".
 */
#pragma once
#include <hv/types.h>

void *ward_memset(void *s, int c, size_t n);
void *ward_memcpy(void *dst, const void *src, size_t n);
void *ward_memmove(void *dst, const void *src, size_t n);
int ward_memcmp(const void *a, const void *b, size_t n);
size_t ward_strlen(const char *s);
size_t ward_strnlen(const char *s, size_t max);
int ward_strcmp(const char *a, const char *b);
int ward_strncmp(const char *a, const char *b, size_t n);
char *ward_strchr(const char *s, int c);
int ward_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ward_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

size_t strlcpy(char *dst, const char *src, size_t size);
bool parse_ulong(const char *s, const char **end, unsigned long *out);
