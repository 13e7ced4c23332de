// SPDX-License-Identifier: GPL-2.0-only
/*
 * gzip (RFC 1952) and DEFLATE (RFC 1951) decompression for the domain
 * builder. Kernels come from boot modules or from a toolstack, so the
 * input is hostile: every read is bounded by in_len, every write by
 * out_cap, every back-reference by the output produced so far, and every
 * Huffman code is checked for being a proper prefix code before use.
 *
 * Single shot: the caller's output buffer is the history window, so there
 * is no 32 KiB window to keep and no state survives a call. The decoder
 * state (struct inflate_state, 2.8 KiB) lives on the caller's stack
 * and the only static data are constant tables, so calls on different
 * CPUs do not interact.
 *
 * Huffman decoding is table-driven: a "fast" table indexed by the next
 * root bits of input gives symbol and code length for every code of at
 * most root bits in one lookup. A longer code is used at most 2^-root of
 * the time, so those fall back to walking the canonical code one bit at a
 * time from root + 1; that keeps the tables small enough for the stack.
 */
#include <hv/errno.h>
#include <hv/inflate.h>
#include <hv/lib.h>
#include <hv/types.h>

/* ---- RFC 1952: the gzip member ------------------------------------------ */

/* Fixed header: ID1 ID2 CM FLG MTIME[4] XFL OS; optional fields follow. */
#define GZIP_ID1		0x1f
#define GZIP_ID2		0x8b
#define GZIP_OFF_CM		2
#define GZIP_OFF_FLG		3
#define GZIP_HEADER_SIZE	10
#define GZIP_CM_DEFLATE		8

/* FLG bits. FTEXT is only a hint about the content and is ignored. */
#define GZIP_FTEXT		0x01
#define GZIP_FHCRC		0x02	/* CRC16 of the header follows it */
#define GZIP_FEXTRA		0x04	/* XLEN, then XLEN bytes */
#define GZIP_FNAME		0x08	/* NUL-terminated file name */
#define GZIP_FCOMMENT		0x10	/* NUL-terminated comment */
#define GZIP_FRESERVED		0xe0	/* must be zero */

#define GZIP_XLEN_SIZE		2
#define GZIP_HCRC_SIZE		2
#define GZIP_HCRC_MASK		0xffffU	/* FHCRC holds the low half of a CRC32 */

/* Trailer: CRC32 of the uncompressed data, then ISIZE, both little-endian. */
#define GZIP_CRC_SIZE		4
#define GZIP_ISIZE_SIZE		4
#define GZIP_TRAILER_SIZE	(GZIP_CRC_SIZE + GZIP_ISIZE_SIZE)

/* ---- RFC 1951: DEFLATE ---------------------------------------------------- */

#define DEFLATE_MAX_CODE_LEN	15
#define DEFLATE_NUM_LITLEN	288	/* symbols of the fixed literal/length code */
#define DEFLATE_NUM_DIST	32	/* symbols of the fixed distance code */
#define DEFLATE_END_OF_BLOCK	256
#define DEFLATE_FIRST_LENGTH	257
#define DEFLATE_NUM_LENGTHS	29	/* length symbols 257..285 carry meaning */
#define DEFLATE_NUM_DISTANCES	30	/* distance symbols 0..29 carry meaning */

/* Block header: BFINAL then BTYPE. */
#define DEFLATE_BFINAL_BITS	1
#define DEFLATE_BTYPE_BITS	2
enum deflate_btype {
	BTYPE_STORED = 0,
	BTYPE_FIXED = 1,
	BTYPE_DYNAMIC = 2,
	BTYPE_RESERVED = 3,
};

/* Stored block: after byte alignment, LEN and NLEN (its complement). */
#define STORED_LEN_SIZE		2
#define STORED_HEADER_SIZE	(2 * STORED_LEN_SIZE)
#define STORED_LEN_MASK		0xffffU

/* Dynamic block header. */
#define DYN_HLIT_BITS		5
#define DYN_HLIT_BASE		257
#define DYN_HLIT_MAX		286	/* 287 and 288 are not valid counts */
#define DYN_HDIST_BITS		5
#define DYN_HDIST_BASE		1
#define DYN_HDIST_MAX		30	/* 31 and 32 are not valid counts */
#define DYN_HCLEN_BITS		4
#define DYN_HCLEN_BASE		4
#define DYN_CL_LEN_BITS		3	/* each code-length code length */
#define DEFLATE_NUM_CODELEN	19

/* Code-length alphabet: 0..15 are lengths, 16..18 run-length codes. */
#define CL_COPY_PREV		16	/* previous length 3..6 times */
#define CL_COPY_PREV_BASE	3
#define CL_COPY_PREV_BITS	2
#define CL_ZEROS_SHORT		17	/* zero 3..10 times */
#define CL_ZEROS_SHORT_BASE	3
#define CL_ZEROS_SHORT_BITS	3
#define CL_ZEROS_LONG		18	/* zero 11..138 times */
#define CL_ZEROS_LONG_BASE	11
#define CL_ZEROS_LONG_BITS	7

/* The order in which a dynamic header sends code-length code lengths. */
static const uint8_t codelen_order[DEFLATE_NUM_CODELEN] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
};

/* Length symbols 257..285: base length and extra bits (RFC 1951 3.2.5). */
static const uint16_t length_base[DEFLATE_NUM_LENGTHS] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t length_extra[DEFLATE_NUM_LENGTHS] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
};

/* Distance symbols 0..29: base distance and extra bits. */
static const uint16_t dist_base[DEFLATE_NUM_DISTANCES] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577,
};
static const uint8_t dist_extra[DEFLATE_NUM_DISTANCES] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
};

/* The fixed literal/length code (RFC 1951 3.2.6): runs of equal lengths. */
static const struct {
	uint16_t last;		/* last symbol of the run */
	uint8_t len;
} fixed_litlen[] = {
	{ 143, 8 }, { 255, 9 }, { 279, 7 }, { DEFLATE_NUM_LITLEN - 1, 8 },
};
#define FIXED_DIST_LEN		5

/* ---- Bit reader ----------------------------------------------------------- */

/*
 * DEFLATE packs bits LSB first. buf holds the next cnt bits; a refill
 * leaves at least BR_MIN_BITS, enough for the longest thing the decoder
 * reads between refills: a length code with its extra bits plus a
 * distance code with its extra bits (15 + 5 + 15 + 13 = 48 bits).
 *
 * Past the end of the input the reader supplies zero bytes rather than
 * failing in the hot loop; pos keeps counting them. Whether any of those
 * padding bits were actually consumed is checked (br_overrun()) at each
 * slow refill, at the end of the stream and before any error is
 * reported, so a truncated stream always reads as truncated.
 */
#define BR_BITS			64
#define BR_MIN_BITS		56	/* BR_BITS - 8: a refill stops within a byte of full */

struct bitreader {
	const uint8_t *in;
	size_t len;		/* input bytes */
	size_t fast_end;	/* a whole 8-byte load fits from any pos below this */
	size_t pos;		/* bytes loaded, counting zero padding past len */
	uint64_t buf;
	unsigned int cnt;	/* valid bits in buf */
};

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "load_le64() and the bit reader assume a little-endian CPU");

static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, sizeof(v));	/* one unaligned mov on x86 */
	return v;
}

static inline void store_le64(uint8_t *p, uint64_t v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

static inline uint32_t get_le16(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8;
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return get_le16(p) | get_le16(p + 2) << 16;
}

static void br_init(struct bitreader *br, const uint8_t *in, size_t len)
{
	br->in = in;
	br->len = len;
	br->fast_end = len >= sizeof(uint64_t) ? len - sizeof(uint64_t) + 1 : 0;
	br->pos = 0;
	br->buf = 0;
	br->cnt = 0;
}

/* Were bits from beyond the end of the input consumed? */
static inline bool br_overrun(const struct bitreader *br)
{
	return br->pos > br->len && (br->pos - br->len) * 8 > br->cnt;
}

/* Input bytes consumed, counting a partly consumed last byte. */
static inline size_t br_used(const struct bitreader *br)
{
	return br->pos - br->cnt / 8;
}

/* Near the end of the input: byte by byte, zero-padded. */
static bool br_refill_tail(struct bitreader *br)
{
	if (br_overrun(br))
		return false;
	while (br->cnt < BR_MIN_BITS) {
		uint64_t byte = br->pos < br->len ? br->in[br->pos] : 0;

		br->buf |= byte << br->cnt;
		br->pos++;
		br->cnt += 8;
	}
	return true;
}

/*
 * Top buf up to at least BR_MIN_BITS. Returns false if the previous reads
 * already ran off the end of the input.
 *
 * The fast path loads 8 bytes but counts only the whole bytes that fit;
 * the bits above cnt then hold the low bits of in[pos], which the next
 * refill ORs in again at the same place, so they do no harm. cnt is below
 * 64 and gains whole bytes up to 56..63, which is what "|= 56" computes.
 */
static inline bool br_refill(struct bitreader *br)
{
	if (likely(br->pos < br->fast_end)) {
		br->buf |= load_le64(br->in + br->pos) << br->cnt;
		br->pos += (BR_BITS - 1 - br->cnt) / 8;
		br->cnt |= BR_MIN_BITS;
		return true;
	}
	return br_refill_tail(br);
}

static inline void br_consume(struct bitreader *br, unsigned int n)
{
	br->buf >>= n;
	br->cnt -= n;
}

/* The next n (at most 32) bits as a number; the caller refilled. */
static inline uint32_t br_take(struct bitreader *br, unsigned int n)
{
	uint32_t v = br->buf & ((1ULL << n) - 1);

	br_consume(br, n);
	return v;
}

/* ---- Huffman codes -------------------------------------------------------- */

/*
 * Root bits of the fast tables: litlen 9 (1 KiB), dist 8 (512 bytes). The
 * code-length code (at most 7 bits) borrows the litlen table, so it is
 * always resolved in one lookup.
 */
#define LITLEN_ROOT		9
#define DIST_ROOT		8

/* A fast-table entry: symbol << 4 | code length; length 0: not in root bits. */
#define ENTRY_LEN_MASK		0xfU
#define ENTRY_SYM_SHIFT		4

struct huffman {
	uint16_t *fast;		/* 1 << root entries */
	uint16_t *sorted;	/* symbols in canonical code order */
	unsigned int root;
	/* Canonical code, per length: codes, first code, index in sorted[]. */
	uint16_t count[DEFLATE_MAX_CODE_LEN + 1];
	uint16_t first[DEFLATE_MAX_CODE_LEN + 1];
	uint16_t start[DEFLATE_MAX_CODE_LEN + 1];
};

enum huff_kind {
	HUFF_CODELEN,
	HUFF_LITLEN,
	HUFF_DIST,
};

static const char *const msg_oversubscribed[] = {
	[HUFF_CODELEN] = "inflate: over-subscribed code-length code",
	[HUFF_LITLEN] = "inflate: over-subscribed literal/length code",
	[HUFF_DIST] = "inflate: over-subscribed distance code",
};

static const char *const msg_incomplete[] = {
	[HUFF_CODELEN] = "inflate: incomplete code-length code",
	[HUFF_LITLEN] = "inflate: incomplete literal/length code",
	[HUFF_DIST] = "inflate: incomplete distance code",
};

#define MSG_TRUNCATED		"inflate: truncated input"
#define MSG_NOSPC		"inflate: output buffer too small"

struct inflate_state {
	struct bitreader br;
	uint8_t *out;
	size_t out_pos;
	size_t out_cap;
	const char *why;
	struct huffman litlen;	/* also the code-length code, while it is read */
	struct huffman dist;
	uint16_t litlen_fast[1U << LITLEN_ROOT];
	uint16_t dist_fast[1U << DIST_ROOT];
	uint16_t litlen_sorted[DEFLATE_NUM_LITLEN];
	uint16_t dist_sorted[DEFLATE_NUM_DIST];
	/* Code lengths, litlen then dist, as a dynamic header sends them. */
	uint8_t lens[DEFLATE_NUM_LITLEN + DEFLATE_NUM_DIST];
};

/* Callers run on a 16 KiB hypervisor stack: keep this well inside it. */
#define INFLATE_STATE_BUDGET	3072
_Static_assert(sizeof(struct inflate_state) <= INFLATE_STATE_BUDGET,
	       "inflate state too big for the stack");

/* Fail with -EINVAL. Running off the input explains any later symptom. */
static int fail(struct inflate_state *s, const char *why)
{
	s->why = br_overrun(&s->br) ? MSG_TRUNCATED : why;
	return -EINVAL;
}

static int fail_nospc(struct inflate_state *s)
{
	if (br_overrun(&s->br))
		return fail(s, MSG_TRUNCATED);
	s->why = MSG_NOSPC;
	return -ENOSPC;
}

static unsigned int bit_reverse(unsigned int code, unsigned int len)
{
	unsigned int r = 0;

	while (len--) {
		r = r << 1 | (code & 1);
		code >>= 1;
	}
	return r;
}

/*
 * Build the decoding tables for the canonical code given by lens[0..n).
 * Refuses an over-subscribed code (some bit string would have two
 * meanings) and an incomplete one (some bit string would have none),
 * except where RFC 1951 allows it: a distance code with a single one-bit
 * code, or with none at all for a block of only literals. Such a code's
 * unused bit strings decode to "invalid" and are refused if seen.
 */
static int huff_build(struct inflate_state *s, struct huffman *h,
		      const uint8_t *lens, unsigned int n, enum huff_kind kind)
{
	uint16_t next[DEFLATE_MAX_CODE_LEN + 1];
	unsigned int len, sym, i, code, idx, used = 0;
	int left = 1;	/* code space not yet taken, in units of 2^-len */

	memset(h->count, 0, sizeof(h->count));
	for (sym = 0; sym < n; sym++)
		h->count[lens[sym]]++;
	for (len = 1; len <= DEFLATE_MAX_CODE_LEN; len++) {
		left = 2 * left - h->count[len];
		if (left < 0)
			return fail(s, msg_oversubscribed[kind]);
		used += h->count[len];
	}
	if (left > 0 && !(kind == HUFF_DIST &&
			  (used == 0 || (used == 1 && h->count[1] == 1))))
		return fail(s, msg_incomplete[kind]);

	/* Codes of one length are consecutive, ordered by symbol. */
	code = 0;
	idx = 0;
	for (len = 1; len <= DEFLATE_MAX_CODE_LEN; len++) {
		h->first[len] = code;
		h->start[len] = next[len] = idx;
		idx += h->count[len];
		code = (code + h->count[len]) << 1;
	}
	for (sym = 0; sym < n; sym++)
		if (lens[sym])
			h->sorted[next[lens[sym]]++] = sym;

	/*
	 * The stream sends a code's bits first-bit-first into the LSB end of
	 * buf, so a code sits in the table bit-reversed, once for every value
	 * of the root - len bits that follow it.
	 */
	memset(h->fast, 0, sizeof(*h->fast) << h->root);
	for (len = 1; len <= h->root && len <= DEFLATE_MAX_CODE_LEN; len++) {
		for (i = 0; i < h->count[len]; i++) {
			uint16_t entry = h->sorted[h->start[len] + i] << ENTRY_SYM_SHIFT | len;

			for (idx = bit_reverse(h->first[len] + i, len);
			     idx < 1U << h->root; idx += 1U << len)
				h->fast[idx] = entry;
		}
	}
	return 0;
}

/*
 * Decode a code longer than root bits from bits (already refilled) by
 * extending the root bits one at a time: at each length a canonical code
 * is a valid one iff it lies in [first, first + count). Returns the
 * symbol and sets *len, or -1 if no code matches (incomplete code).
 */
static int huff_decode_long(const struct huffman *h, uint64_t bits,
			    unsigned int *len)
{
	unsigned int code = bit_reverse(bits, h->root);
	unsigned int l;

	for (l = h->root + 1; l <= DEFLATE_MAX_CODE_LEN; l++) {
		unsigned int i;

		code = code << 1 | ((bits >> (l - 1)) & 1);
		i = code - h->first[l];
		if (i < h->count[l]) {
			*len = l;
			return h->sorted[h->start[l] + i];
		}
	}
	return -1;
}

/* Decode and consume one symbol; the caller refilled. -1: invalid code. */
static inline int huff_decode(const struct huffman *h, struct bitreader *br)
{
	unsigned int entry = h->fast[br->buf & ((1U << h->root) - 1)];
	unsigned int len = entry & ENTRY_LEN_MASK;
	int sym;

	if (likely(len)) {
		sym = entry >> ENTRY_SYM_SHIFT;
	} else {
		sym = huff_decode_long(h, br->buf, &len);
		if (sym < 0)
			return sym;
	}
	br_consume(br, len);
	return sym;
}

/* ---- Blocks --------------------------------------------------------------- */

#define WORD_SIZE		sizeof(uint64_t)

/*
 * Copy n bytes between non-overlapping buffers. Word at a time because
 * the hypervisor's memcpy() is a simple byte loop.
 */
static void copy_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (; n >= WORD_SIZE; n -= WORD_SIZE, dst += WORD_SIZE, src += WORD_SIZE)
		store_le64(dst, load_le64(src));
	while (n--)
		*dst++ = *src++;
}

/*
 * Copy a match of len bytes from dist bytes back; the caller checked that
 * dist <= bytes written and len <= room. The copy may overlap itself
 * (dist < len repeats a pattern), so it must run forwards.
 */
static inline void copy_match(uint8_t *dst, size_t dist, size_t len,
			      size_t room)
{
	const uint8_t *src = dst - dist;

	if (dist >= WORD_SIZE && room - len >= WORD_SIZE - 1) {
		/*
		 * Whole words: each reads only bytes already written, as
		 * dist >= 8, and the last may spill up to 7 bytes past len,
		 * inside room, to be overwritten later or left unspecified.
		 */
		for (size_t i = 0; i < len; i += WORD_SIZE)
			store_le64(dst + i, load_le64(src + i));
		return;
	}
	while (len--)
		*dst++ = *src++;
}

/* Decode one block's symbols with the tables in s, up to end-of-block. */
static int inflate_codes(struct inflate_state *s)
{
	struct bitreader br = s->br;	/* a local copy stays in registers */
	uint8_t *const out = s->out;
	const size_t cap = s->out_cap;
	size_t pos = s->out_pos;
	const char *why;
	int rc = 0;

	for (;;) {
		size_t len, dist;
		int sym;

		if (unlikely(!br_refill(&br))) {
			why = MSG_TRUNCATED;
			goto bad;
		}
		sym = huff_decode(&s->litlen, &br);
		if (sym < DEFLATE_END_OF_BLOCK) {
			if (unlikely(sym < 0)) {
				why = "inflate: invalid literal/length code";
				goto bad;
			}
			if (unlikely(pos == cap))
				goto nospc;
			out[pos++] = sym;
			continue;
		}
		if (sym == DEFLATE_END_OF_BLOCK)
			break;

		sym -= DEFLATE_FIRST_LENGTH;
		if (unlikely(sym >= DEFLATE_NUM_LENGTHS)) {
			why = "inflate: invalid literal/length code";
			goto bad;
		}
		len = length_base[sym] + br_take(&br, length_extra[sym]);

		sym = huff_decode(&s->dist, &br);
		if (unlikely(sym < 0 || sym >= DEFLATE_NUM_DISTANCES)) {
			why = "inflate: invalid distance code";
			goto bad;
		}
		dist = dist_base[sym] + br_take(&br, dist_extra[sym]);
		if (unlikely(dist > pos)) {
			why = "inflate: invalid distance too far back";
			goto bad;
		}
		if (unlikely(len > cap - pos))
			goto nospc;
		copy_match(out + pos, dist, len, cap - pos);
		pos += len;
	}
out:
	s->br = br;
	s->out_pos = pos;
	return rc;
bad:
	s->br = br;
	s->out_pos = pos;
	return fail(s, why);
nospc:
	s->br = br;
	rc = fail_nospc(s);
	goto out;
}

static int inflate_stored(struct inflate_state *s)
{
	struct bitreader *br = &s->br;
	size_t at;
	uint32_t len;

	/* LEN starts at the next byte boundary; unused bits go back. */
	br_consume(br, br->cnt % 8);
	at = br_used(br);
	if (at > br->len || br->len - at < STORED_HEADER_SIZE)
		return fail(s, MSG_TRUNCATED);
	len = get_le16(br->in + at);
	if (len != (~get_le16(br->in + at + STORED_LEN_SIZE) & STORED_LEN_MASK))
		return fail(s, "inflate: stored block length check failed");
	at += STORED_HEADER_SIZE;
	if (br->len - at < len)
		return fail(s, MSG_TRUNCATED);
	if (s->out_cap - s->out_pos < len)
		return fail_nospc(s);
	if (len) {
		copy_bytes(s->out + s->out_pos, br->in + at, len);
		s->out_pos += len;
	}
	br->pos = at + len;
	br->buf = 0;
	br->cnt = 0;
	return 0;
}

static int build_fixed(struct inflate_state *s)
{
	unsigned int sym = 0, run;
	int rc;

	for (run = 0; run < ARRAY_SIZE(fixed_litlen); run++)
		for (; sym <= fixed_litlen[run].last; sym++)
			s->lens[sym] = fixed_litlen[run].len;
	rc = huff_build(s, &s->litlen, s->lens, DEFLATE_NUM_LITLEN, HUFF_LITLEN);
	if (rc)
		return rc;
	memset(s->lens, FIXED_DIST_LEN, DEFLATE_NUM_DIST);
	return huff_build(s, &s->dist, s->lens, DEFLATE_NUM_DIST, HUFF_DIST);
}

/* Read a dynamic block's header and build its two codes. */
static int read_dynamic(struct inflate_state *s)
{
	struct bitreader *br = &s->br;
	unsigned int nlit, ndist, nclen, total, i;
	int rc;

	if (!br_refill(br))
		return fail(s, MSG_TRUNCATED);
	nlit = DYN_HLIT_BASE + br_take(br, DYN_HLIT_BITS);
	ndist = DYN_HDIST_BASE + br_take(br, DYN_HDIST_BITS);
	nclen = DYN_HCLEN_BASE + br_take(br, DYN_HCLEN_BITS);
	if (nlit > DYN_HLIT_MAX || ndist > DYN_HDIST_MAX)
		return fail(s, "inflate: too many length or distance codes");

	memset(s->lens, 0, DEFLATE_NUM_CODELEN);
	for (i = 0; i < nclen; i++) {
		if (!br_refill(br))
			return fail(s, MSG_TRUNCATED);
		s->lens[codelen_order[i]] = br_take(br, DYN_CL_LEN_BITS);
	}
	rc = huff_build(s, &s->litlen, s->lens, DEFLATE_NUM_CODELEN, HUFF_CODELEN);
	if (rc)
		return rc;

	/* One run of lengths covers both codes: a repeat may cross over. */
	total = nlit + ndist;
	for (i = 0; i < total;) {
		unsigned int val = 0, rep;
		int sym;

		if (!br_refill(br))
			return fail(s, MSG_TRUNCATED);
		sym = huff_decode(&s->litlen, br);
		if (sym < 0)	/* cannot happen: the code is complete */
			return fail(s, "inflate: invalid code-length code");
		if (sym < CL_COPY_PREV) {
			s->lens[i++] = sym;
			continue;
		}
		switch (sym) {
		case CL_COPY_PREV:
			if (i == 0)
				return fail(s, "inflate: code-length repeat with no previous length");
			val = s->lens[i - 1];
			rep = CL_COPY_PREV_BASE + br_take(br, CL_COPY_PREV_BITS);
			break;
		case CL_ZEROS_SHORT:
			rep = CL_ZEROS_SHORT_BASE + br_take(br, CL_ZEROS_SHORT_BITS);
			break;
		default:
			rep = CL_ZEROS_LONG_BASE + br_take(br, CL_ZEROS_LONG_BITS);
			break;
		}
		if (rep > total - i)
			return fail(s, "inflate: code-length repeat past the last code");
		memset(s->lens + i, val, rep);
		i += rep;
	}

	/* Without an end-of-block code the block could never end. */
	if (s->lens[DEFLATE_END_OF_BLOCK] == 0)
		return fail(s, "inflate: missing end-of-block code");
	rc = huff_build(s, &s->litlen, s->lens, nlit, HUFF_LITLEN);
	if (rc)
		return rc;
	return huff_build(s, &s->dist, s->lens + nlit, ndist, HUFF_DIST);
}

static int inflate_blocks(struct inflate_state *s)
{
	bool last;
	int rc;

	do {
		if (!br_refill(&s->br))
			return fail(s, MSG_TRUNCATED);
		last = br_take(&s->br, DEFLATE_BFINAL_BITS);
		switch (br_take(&s->br, DEFLATE_BTYPE_BITS)) {
		case BTYPE_STORED:
			rc = inflate_stored(s);
			break;
		case BTYPE_FIXED:
			rc = build_fixed(s);
			if (!rc)
				rc = inflate_codes(s);
			break;
		case BTYPE_DYNAMIC:
			rc = read_dynamic(s);
			if (!rc)
				rc = inflate_codes(s);
			break;
		default:
			return fail(s, "inflate: invalid block type");
		}
		if (rc)
			return rc;
	} while (!last);

	/* The last end-of-block code may have been read from padding. */
	if (br_overrun(&s->br))
		return fail(s, MSG_TRUNCATED);
	return 0;
}

static int inflate_run(struct inflate_state *s, const uint8_t *in,
		       size_t in_len, void *out, size_t out_cap)
{
	br_init(&s->br, in, in_len);
	s->out = out;
	s->out_pos = 0;
	s->out_cap = out_cap;
	s->why = NULL;
	s->litlen.fast = s->litlen_fast;
	s->litlen.sorted = s->litlen_sorted;
	s->litlen.root = LITLEN_ROOT;
	s->dist.fast = s->dist_fast;
	s->dist.sorted = s->dist_sorted;
	s->dist.root = DIST_ROOT;
	return inflate_blocks(s);
}

int inflate_raw(const void *in, size_t in_len, void *out, size_t out_cap,
		size_t *out_len, size_t *in_used, const char **why)
{
	struct inflate_state s;
	int rc;

	rc = inflate_run(&s, in, in_len, out, out_cap);
	if (rc) {
		if (why)
			*why = s.why;
		return rc;
	}
	*out_len = s.out_pos;
	if (in_used)
		*in_used = br_used(&s.br);
	return 0;
}

/* ---- gzip ----------------------------------------------------------------- */

/* Skip a NUL-terminated header field at *at; false if it runs off the end. */
static bool gzip_skip_string(const uint8_t *in, size_t in_len, size_t *at)
{
	for (size_t i = *at; i < in_len; i++) {
		if (!in[i]) {
			*at = i + 1;
			return true;
		}
	}
	return false;
}

/* Check the member header and find where the DEFLATE data starts. */
static const char *gzip_header(const uint8_t *in, size_t in_len, size_t *data)
{
	size_t at = GZIP_HEADER_SIZE;
	uint8_t flg;

	if (in_len < GZIP_HEADER_SIZE)
		return "gzip: truncated header";
	if (in[0] != GZIP_ID1 || in[1] != GZIP_ID2)
		return "gzip: bad header magic";
	if (in[GZIP_OFF_CM] != GZIP_CM_DEFLATE)
		return "gzip: unknown compression method";
	flg = in[GZIP_OFF_FLG];
	if (flg & GZIP_FRESERVED)
		return "gzip: reserved flag bits set";

	if (flg & GZIP_FEXTRA) {
		size_t xlen;

		if (in_len - at < GZIP_XLEN_SIZE)
			return "gzip: truncated header";
		xlen = get_le16(in + at);
		at += GZIP_XLEN_SIZE;
		if (in_len - at < xlen)
			return "gzip: truncated header";
		at += xlen;
	}
	if ((flg & GZIP_FNAME) && !gzip_skip_string(in, in_len, &at))
		return "gzip: truncated header";
	if ((flg & GZIP_FCOMMENT) && !gzip_skip_string(in, in_len, &at))
		return "gzip: truncated header";
	if (flg & GZIP_FHCRC) {
		if (in_len - at < GZIP_HCRC_SIZE)
			return "gzip: truncated header";
		if (get_le16(in + at) != (crc32_update(0, in, at) & GZIP_HCRC_MASK))
			return "gzip: header CRC16 mismatch";
		at += GZIP_HCRC_SIZE;
	}
	*data = at;
	return NULL;
}

int gunzip(const void *in, size_t in_len, void *out, size_t out_cap,
	   size_t *out_len, const char **why)
{
	const uint8_t *p = in;
	const char *err;
	size_t data, used, len, end;
	int rc;

	err = gzip_header(p, in_len, &data);
	if (err)
		goto bad;
	rc = inflate_raw(p + data, in_len - data, out, out_cap, &len, &used, why);
	if (rc)
		return rc;
	end = data + used;
	if (in_len - end < GZIP_TRAILER_SIZE) {
		err = "gzip: truncated trailer";
		goto bad;
	}
	if (get_le32(p + end) != crc32_update(0, out, len)) {
		err = "gzip: CRC32 mismatch";
		goto bad;
	}
	if (get_le32(p + end + GZIP_CRC_SIZE) != (uint32_t)len) {
		err = "gzip: ISIZE mismatch";
		goto bad;
	}
	*out_len = len;
	return 0;
bad:
	if (why)
		*why = err;
	return -EINVAL;
}

bool gzip_isize(const void *in, size_t in_len, uint32_t *isize)
{
	const uint8_t *p = in;

	if (in_len < GZIP_HEADER_SIZE + GZIP_TRAILER_SIZE)
		return false;
	if (p[0] != GZIP_ID1 || p[1] != GZIP_ID2)
		return false;
	*isize = get_le32(p + in_len - GZIP_ISIZE_SIZE);
	return true;
}

/* ---- CRC-32 --------------------------------------------------------------- */

/*
 * crc32_table[n] is n run through eight steps of the reflected CRC with
 * polynomial 0xedb88320 (c = c >> 1 ^ (c & 1 ? poly : 0)); entry 0x80 is
 * the polynomial itself. Generated once by that loop; test-inflate.c
 * checks every entry against a bit-at-a-time CRC.
 */
static const uint32_t crc32_table[256] = {
	0x00000000, 0x77073096, 0xee0e612c, 0x990951ba, 0x076dc419, 0x706af48f,
	0xe963a535, 0x9e6495a3, 0x0edb8832, 0x79dcb8a4, 0xe0d5e91e, 0x97d2d988,
	0x09b64c2b, 0x7eb17cbd, 0xe7b82d07, 0x90bf1d91, 0x1db71064, 0x6ab020f2,
	0xf3b97148, 0x84be41de, 0x1adad47d, 0x6ddde4eb, 0xf4d4b551, 0x83d385c7,
	0x136c9856, 0x646ba8c0, 0xfd62f97a, 0x8a65c9ec, 0x14015c4f, 0x63066cd9,
	0xfa0f3d63, 0x8d080df5, 0x3b6e20c8, 0x4c69105e, 0xd56041e4, 0xa2677172,
	0x3c03e4d1, 0x4b04d447, 0xd20d85fd, 0xa50ab56b, 0x35b5a8fa, 0x42b2986c,
	0xdbbbc9d6, 0xacbcf940, 0x32d86ce3, 0x45df5c75, 0xdcd60dcf, 0xabd13d59,
	0x26d930ac, 0x51de003a, 0xc8d75180, 0xbfd06116, 0x21b4f4b5, 0x56b3c423,
	0xcfba9599, 0xb8bda50f, 0x2802b89e, 0x5f058808, 0xc60cd9b2, 0xb10be924,
	0x2f6f7c87, 0x58684c11, 0xc1611dab, 0xb6662d3d, 0x76dc4190, 0x01db7106,
	0x98d220bc, 0xefd5102a, 0x71b18589, 0x06b6b51f, 0x9fbfe4a5, 0xe8b8d433,
	0x7807c9a2, 0x0f00f934, 0x9609a88e, 0xe10e9818, 0x7f6a0dbb, 0x086d3d2d,
	0x91646c97, 0xe6635c01, 0x6b6b51f4, 0x1c6c6162, 0x856530d8, 0xf262004e,
	0x6c0695ed, 0x1b01a57b, 0x8208f4c1, 0xf50fc457, 0x65b0d9c6, 0x12b7e950,
	0x8bbeb8ea, 0xfcb9887c, 0x62dd1ddf, 0x15da2d49, 0x8cd37cf3, 0xfbd44c65,
	0x4db26158, 0x3ab551ce, 0xa3bc0074, 0xd4bb30e2, 0x4adfa541, 0x3dd895d7,
	0xa4d1c46d, 0xd3d6f4fb, 0x4369e96a, 0x346ed9fc, 0xad678846, 0xda60b8d0,
	0x44042d73, 0x33031de5, 0xaa0a4c5f, 0xdd0d7cc9, 0x5005713c, 0x270241aa,
	0xbe0b1010, 0xc90c2086, 0x5768b525, 0x206f85b3, 0xb966d409, 0xce61e49f,
	0x5edef90e, 0x29d9c998, 0xb0d09822, 0xc7d7a8b4, 0x59b33d17, 0x2eb40d81,
	0xb7bd5c3b, 0xc0ba6cad, 0xedb88320, 0x9abfb3b6, 0x03b6e20c, 0x74b1d29a,
	0xead54739, 0x9dd277af, 0x04db2615, 0x73dc1683, 0xe3630b12, 0x94643b84,
	0x0d6d6a3e, 0x7a6a5aa8, 0xe40ecf0b, 0x9309ff9d, 0x0a00ae27, 0x7d079eb1,
	0xf00f9344, 0x8708a3d2, 0x1e01f268, 0x6906c2fe, 0xf762575d, 0x806567cb,
	0x196c3671, 0x6e6b06e7, 0xfed41b76, 0x89d32be0, 0x10da7a5a, 0x67dd4acc,
	0xf9b9df6f, 0x8ebeeff9, 0x17b7be43, 0x60b08ed5, 0xd6d6a3e8, 0xa1d1937e,
	0x38d8c2c4, 0x4fdff252, 0xd1bb67f1, 0xa6bc5767, 0x3fb506dd, 0x48b2364b,
	0xd80d2bda, 0xaf0a1b4c, 0x36034af6, 0x41047a60, 0xdf60efc3, 0xa867df55,
	0x316e8eef, 0x4669be79, 0xcb61b38c, 0xbc66831a, 0x256fd2a0, 0x5268e236,
	0xcc0c7795, 0xbb0b4703, 0x220216b9, 0x5505262f, 0xc5ba3bbe, 0xb2bd0b28,
	0x2bb45a92, 0x5cb36a04, 0xc2d7ffa7, 0xb5d0cf31, 0x2cd99e8b, 0x5bdeae1d,
	0x9b64c2b0, 0xec63f226, 0x756aa39c, 0x026d930a, 0x9c0906a9, 0xeb0e363f,
	0x72076785, 0x05005713, 0x95bf4a82, 0xe2b87a14, 0x7bb12bae, 0x0cb61b38,
	0x92d28e9b, 0xe5d5be0d, 0x7cdcefb7, 0x0bdbdf21, 0x86d3d2d4, 0xf1d4e242,
	0x68ddb3f8, 0x1fda836e, 0x81be16cd, 0xf6b9265b, 0x6fb077e1, 0x18b74777,
	0x88085ae6, 0xff0f6a70, 0x66063bca, 0x11010b5c, 0x8f659eff, 0xf862ae69,
	0x616bffd3, 0x166ccf45, 0xa00ae278, 0xd70dd2ee, 0x4e048354, 0x3903b3c2,
	0xa7672661, 0xd06016f7, 0x4969474d, 0x3e6e77db, 0xaed16a4a, 0xd9d65adc,
	0x40df0b66, 0x37d83bf0, 0xa9bcae53, 0xdebb9ec5, 0x47b2cf7f, 0x30b5ffe9,
	0xbdbdf21c, 0xcabac28a, 0x53b39330, 0x24b4a3a6, 0xbad03605, 0xcdd70693,
	0x54de5729, 0x23d967bf, 0xb3667a2e, 0xc4614ab8, 0x5d681b02, 0x2a6f2b94,
	0xb40bbe37, 0xc30c8ea1, 0x5a05df1b, 0x2d02ef8d,
};

uint32_t crc32_update(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--)
		crc = crc32_table[(uint8_t)(crc ^ *p++)] ^ crc >> 8;
	return ~crc;
}
