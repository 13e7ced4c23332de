/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Single-shot .xz decoder for the domain builder: Debian ships its kernel
 * as a bzImage whose payload is .xz with the x86 BCJ filter and LZMA2.
 *
 * The whole input and the whole output are in memory, and the output
 * buffer doubles as the LZMA dictionary, so nothing is allocated. The
 * decoder keeps its ~30 KB of LZMA probabilities (too much for a 16 KiB
 * hypervisor stack) and its CRC tables in file-scope state: callers must
 * be serialized. The domain builder is the only caller and builds one
 * domain at a time.
 */
#pragma once
#include <hv/types.h>

/*
 * Decode .xz data from in[0..in_len) into out[0..out_cap). The input is one
 * stream, or several concatenated streams separated by stream padding (zero
 * bytes in groups of four); any bytes after the last stream that do not
 * start another stream are ignored, such as the uncompressed size the
 * kernel build appends to its payload.
 *
 * Filters: LZMA2, optionally preceded by x86 BCJ. Checks: none, CRC32 and
 * CRC64 are verified; SHA-256 is accepted without verification.
 *
 * Returns 0 and sets *out_len; -EINVAL for corrupt or unsupported input;
 * -ENOSPC if the output does not fit in out_cap. On failure *why (if @why
 * is not NULL) points at a message starting with "xz: " that stays valid
 * until the next call; on success it is set to NULL. *out_len is written
 * only on success; out[] may have been written either way.
 */
int unxz(const void *in, size_t in_len, void *out, size_t out_cap,
	 size_t *out_len, const char **why);

/*
 * The uncompressed size of the stream that ends exactly at in + in_len,
 * summed from its index (found by walking back from the stream footer).
 * The stream header must also be intact and agree with the footer. Returns
 * false if there is no valid stream ending there. Does not decode or
 * verify the blocks themselves.
 */
bool xz_uncompressed_size(const void *in, size_t in_len, uint64_t *size);

/*
 * Internal to common/xz*.c: the container code (xz.c) calls the filters.
 */

/*
 * Decode the LZMA2 data of one block from in[0..in_len) into
 * out[0..out_cap), using out as the dictionary. @dict_size is the size the
 * block header declared; no match may reach further back. Sets *in_used to
 * the bytes consumed up to and including the end marker and *out_len to
 * the bytes produced. Returns 0, -EINVAL (with *why) or -ENOSPC.
 */
int xz_lzma2_decode(const uint8_t *in, size_t in_len, size_t *in_used,
		    uint8_t *out, size_t out_cap, size_t *out_len,
		    uint32_t dict_size, const char **why);

/*
 * Undo the x86 BCJ filter in place over one block's complete output;
 * @start is the filter's start offset, the position of buf[0].
 */
void xz_bcj_x86_decode(uint8_t *buf, size_t size, uint32_t start);
