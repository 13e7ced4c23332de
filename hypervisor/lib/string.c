// SPDX-License-Identifier: GPL-2.0-only
/* Freestanding string and memory functions. */
#include <hv/lib.h>

/*
 * memset, memcpy and memmove move 8 bytes at a time, 64 per loop turn.
 * They are not only boot-time code: every frame a domain gets is zeroed
 * (dom0's gigabyte at boot), and page copies, grant copies and structure
 * copies come here. Under QEMU TCG a byte loop costs one loop turn per
 * byte, and so does `rep movsb`/`rep stosb` (one translated-block run per
 * iteration); eight 8-byte moves per turn cut that by 64. The loops must
 * not be turned back into calls of themselves by GCC's pattern matching
 * (-ftree-loop-distribute-patterns), hence the attribute.
 */
#define NO_LIBCALL	__attribute__((optimize("no-tree-loop-distribute-patterns")))
#define WORD		sizeof(uint64_t)
#define LOOP_BYTES	(8 * WORD)

NO_LIBCALL void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;
	uint64_t v = 0x0101010101010101ULL * (unsigned char)c;
	uint64_t *q;

	for (; n && ((uintptr_t)p & (WORD - 1)); n--)
		*p++ = (unsigned char)c;
	q = (uint64_t *)p;
	for (; n >= LOOP_BYTES; n -= LOOP_BYTES, q += 8) {
		q[0] = v; q[1] = v; q[2] = v; q[3] = v;
		q[4] = v; q[5] = v; q[6] = v; q[7] = v;
	}
	for (; n >= WORD; n -= WORD)
		*q++ = v;
	p = (unsigned char *)q;
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

/* Forward copy; overlapping is fine when @dst is below @src (memmove relies on it). */
NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* 8-byte moves need no alignment on x86; aligning the destination helps. */
	for (; n && ((uintptr_t)d & (WORD - 1)); n--)
		*d++ = *s++;
	for (; n >= LOOP_BYTES; n -= LOOP_BYTES, d += LOOP_BYTES, s += LOOP_BYTES) {
		uint64_t a0, a1, a2, a3, a4, a5, a6, a7;

		/* All loads before any store: an overlap behind @src stays a forward copy. */
		__builtin_memcpy(&a0, s, WORD);
		__builtin_memcpy(&a1, s + WORD, WORD);
		__builtin_memcpy(&a2, s + 2 * WORD, WORD);
		__builtin_memcpy(&a3, s + 3 * WORD, WORD);
		__builtin_memcpy(&a4, s + 4 * WORD, WORD);
		__builtin_memcpy(&a5, s + 5 * WORD, WORD);
		__builtin_memcpy(&a6, s + 6 * WORD, WORD);
		__builtin_memcpy(&a7, s + 7 * WORD, WORD);
		__builtin_memcpy(d, &a0, WORD);
		__builtin_memcpy(d + WORD, &a1, WORD);
		__builtin_memcpy(d + 2 * WORD, &a2, WORD);
		__builtin_memcpy(d + 3 * WORD, &a3, WORD);
		__builtin_memcpy(d + 4 * WORD, &a4, WORD);
		__builtin_memcpy(d + 5 * WORD, &a5, WORD);
		__builtin_memcpy(d + 6 * WORD, &a6, WORD);
		__builtin_memcpy(d + 7 * WORD, &a7, WORD);
	}
	for (; n >= WORD; n -= WORD, d += WORD, s += WORD) {
		uint64_t a;

		__builtin_memcpy(&a, s, WORD);
		__builtin_memcpy(d, &a, WORD);
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* @dst overlaps the end of @src: copy backwards, 8 bytes at a time. */
	for (; n >= WORD; n -= WORD) {
		uint64_t a;

		__builtin_memcpy(&a, s + n - WORD, WORD);
		__builtin_memcpy(d + n - WORD, &a, WORD);
	}
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

/* Copy with truncation; returns strlen(src) so callers can detect truncation. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

bool parse_ulong(const char *s, const char **end, unsigned long *out)
{
	unsigned long base = 10, v = 0;
	bool any = false;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    ((s[2] >= '0' && s[2] <= '9') || ((s[2] | 0x20) >= 'a' && (s[2] | 0x20) <= 'f'))) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (;; s++) {
		unsigned long d;
		char c = *s;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (~0UL - d) / base)
			return false;	/* overflow */
		v = v * base + d;
		any = true;
	}
	if (end)
		*end = s;
	if (any)
		*out = v;
	return any;
}
