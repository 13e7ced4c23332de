/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gzip (RFC 1952) and raw DEFLATE (RFC 1951) decompression, single shot:
 * the whole input is in memory and the output buffer is the history
 * window. Used by the domain builder for gzip-compressed kernels (a gzip'd
 * ELF, or a bzImage whose payload is gzip). The input is untrusted: every
 * read is bounded by in_len, every write by out_cap, and corrupt input is
 * refused with -EINVAL and a one-line reason.
 *
 * The decoder keeps its state (under 3 KiB) on the caller's stack and has
 * no writable static data, so calls on different CPUs need no locking.
 * in[] and out[] must not overlap; out may be NULL only if out_cap is 0.
 * The bytes of out[] past *out_len are unspecified after any call, and the
 * whole buffer is after an error.
 */
#pragma once
#include <hv/types.h>

/*
 * Decompress one gzip member from in[0..in_len) into out[0..out_cap).
 * Returns 0 and sets *out_len, or a negative errno (-EINVAL corrupt,
 * truncated, bad CRC or ISIZE; -ENOSPC the output would exceed out_cap)
 * and sets *why (if why is not NULL) to a static one-line reason such as
 * "gzip: bad header magic" or "inflate: invalid distance too far back".
 * Bytes after the member are ignored (bzImage payloads may be padded).
 * A header CRC (FHCRC) is checked when present.
 */
int gunzip(const void *in, size_t in_len, void *out, size_t out_cap,
	   size_t *out_len, const char **why);

/*
 * Decompress a raw DEFLATE stream, with gunzip()'s contract. On success
 * *in_used (if in_used is not NULL) is the number of input bytes the
 * stream occupies, counting its final, partly used byte.
 */
int inflate_raw(const void *in, size_t in_len, void *out, size_t out_cap,
		size_t *out_len, size_t *in_used, const char **why);

/*
 * Read the ISIZE trailer (uncompressed size mod 2^32) of a gzip stream
 * whose only member ends exactly at in_len. Returns false if in_len is
 * too short to hold a header and trailer or the magic is wrong. Nothing
 * else is checked: with trailing padding the value read is meaningless,
 * so use it to size a buffer, then let gunzip() verify.
 */
bool gzip_isize(const void *in, size_t in_len, uint32_t *isize);

/*
 * CRC-32 as gzip, xz and Ethernet use it (IEEE 802.3 polynomial,
 * reflected, pre- and post-inverted). Start with crc = 0 and feed the
 * previous result back in to continue over more data.
 */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);
