// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/inflate.c: round trips against streams made at test time by the
 * host's gzip(1) and Python's zlib (every block type, levels, strategies,
 * real files), then every error the decoder can report, on streams built
 * bit by bit from RFC 1951/1952 by the writer below. Truncation at every
 * offset, bit flips and random mutation check that bad input only ever
 * gives an error: inputs sit in exactly sized heap buffers, so ASan flags
 * any read past in_len and any write past out_cap.
 */
// sources: common/inflate.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <hv/errno.h>
#include <hv/inflate.h>

/* RFC 1952 header layout and flags, written out again from the RFC. */
#define GZ_ID1		0x1f
#define GZ_ID2		0x8b
#define GZ_CM		8
#define GZ_OFF_CM	2
#define GZ_OFF_FLG	3
#define GZ_OFF_MTIME	4
#define GZ_HDR		10
#define GZ_TRAILER	8
#define GZ_FTEXT	0x01
#define GZ_FHCRC	0x02
#define GZ_FEXTRA	0x04
#define GZ_FNAME	0x08
#define GZ_FCOMMENT	0x10

/* RFC 1951 block types and code-length repeat symbols. */
#define BT_STORED	0
#define BT_FIXED	1
#define BT_DYNAMIC	2
#define BT_RESERVED	3
#define EOB		256
#define LEN3		257	/* length 3, no extra bits */
#define LEN258		285	/* length 258, no extra bits */
#define CL_PREV		16
#define CL_ZERO3	17
#define CL_ZERO11	18
#define MAX_DIST	32768
#define DIST_SYM_32K	29	/* base 24577, 13 extra bits */
#define DIST_BASE_32K	24577
#define DIST_EXTRA_32K	13

#define CRC32_POLY	0xedb88320U	/* IEEE 802.3, reflected */

/* ---- Buffers and host tools ---------------------------------------------- */

struct buf {
	uint8_t *p;
	size_t len;
};

static void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
}

/* A heap copy of exactly len bytes (at least one allocated), for ASan. */
static uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	assert_non_null(d);
	if (len)
		memcpy(d, p, len);
	return d;
}

/* Run a shell command with @in on its stdin and return its stdout. */
static struct buf run(const char *cmd, const void *in, size_t in_len)
{
	char path[] = "/tmp/test-inflate-XXXXXX";
	char line[4096];
	struct buf out = { NULL, 0 };
	size_t cap = 0, n;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, in, in_len), (ssize_t)in_len);
	close(fd);
	snprintf(line, sizeof(line), "(%s) < %s", cmd, path);
	f = popen(line, "r");
	assert_non_null(f);
	do {
		if (cap - out.len < 65536) {
			cap = cap * 2 + 65536;
			out.p = realloc(out.p, cap);
			assert_non_null(out.p);
		}
		n = fread(out.p + out.len, 1, cap - out.len, f);
		out.len += n;
	} while (n);
	if (pclose(f) != 0)
		fail_msg("command failed: %s", cmd);
	unlink(path);
	return out;
}

static struct buf gzip_cli(const struct buf *d, int level)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "gzip -c -n -%d", level);
	return run(cmd, d->p, d->len);
}

/*
 * Python's zlib: wbits -15 makes a raw DEFLATE stream, 31 a gzip member;
 * strategy is a zlib constant's name (Z_DEFAULT_STRATEGY, Z_FIXED, ...).
 * Debian's own python3 first: a version manager's shim costs 0.1 s a run.
 */
static struct buf zlib_py(const struct buf *d, int level, int wbits,
			  const char *strategy)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "py=/usr/bin/python3; [ -x $py ] || py=python3; "
		 "$py -c 'import sys, zlib\n"
		 "d = sys.stdin.buffer.read()\n"
		 "c = zlib.compressobj(%d, zlib.DEFLATED, %d, 9, zlib.%s)\n"
		 "sys.stdout.buffer.write(c.compress(d) + c.flush())'",
		 level, wbits, strategy);
	return run(cmd, d->p, d->len);
}

/* ---- Test data ------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64: deterministic, so every failure reproduces */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static struct buf make_random(size_t len, uint64_t seed)
{
	struct buf b = { malloc(len ? len : 1), len };

	assert_non_null(b.p);
	rng_state = seed;
	for (size_t i = 0; i < len; i++)
		b.p[i] = rng();
	return b;
}

/* Word salad: compressible like prose, with long and short matches. */
static struct buf make_text(size_t len, uint64_t seed)
{
	static const char *const words[] = {
		"the", "hypervisor", "builds", "a", "domain", "from", "its",
		"kernel", "image", "and", "every", "page", "table", "is",
		"checked", "before", "guest", "runs", "grant", "event",
		"channel", "xenstore", "console", "of", "to", "in",
	};
	struct buf b = { malloc(len ? len : 1), len };
	size_t i = 0;

	assert_non_null(b.p);
	rng_state = seed;
	while (i < len) {
		const char *w = words[rng() % (sizeof(words) / sizeof(words[0]))];
		int r = rng() % 16;

		while (*w && i < len)
			b.p[i++] = *w++;
		if (i < len)
			b.p[i++] = r == 0 ? '\n' : r == 1 ? ',' : ' ';
	}
	return b;
}

/* A pattern of @period bytes repeated: matches at distance @period. */
static struct buf make_periodic(size_t len, size_t period)
{
	struct buf b = { malloc(len ? len : 1), len };

	assert_non_null(b.p);
	for (size_t i = 0; i < len; i++)
		b.p[i] = 'a' + (i % period) % 26;
	return b;
}

/*
 * Bytes with Fibonacci-like frequencies: the optimal Huffman code is as
 * deep as DEFLATE allows (15 bits), so decoding takes the long-code path.
 */
static struct buf make_skewed(void)
{
	enum { SYMS = 24 };
	unsigned long freq[SYMS], total = 0;
	struct buf b;
	size_t i = 0;

	freq[0] = freq[1] = 1;
	for (int s = 2; s < SYMS; s++)
		freq[s] = freq[s - 1] + freq[s - 2];
	for (int s = 0; s < SYMS; s++)
		total += freq[s];
	b.len = total;
	b.p = malloc(total);
	assert_non_null(b.p);
	for (int s = 0; s < SYMS; s++)
		for (unsigned long k = 0; k < freq[s]; k++)
			b.p[i++] = 'A' + s;
	/* Shuffle so that matches do not replace the literals. */
	rng_state = 99;
	for (i = b.len - 1; i > 0; i--) {
		size_t j = rng() % (i + 1);
		uint8_t t = b.p[i];

		b.p[i] = b.p[j];
		b.p[j] = t;
	}
	return b;
}

static struct buf read_cmd(const char *cmd)
{
	return run(cmd, "", 0);
}

/* ---- Checking helpers ----------------------------------------------------- */

static uint32_t crc32_bitwise(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ ((crc & 1) ? CRC32_POLY : 0);
	}
	return ~crc;
}

static void check_same(const uint8_t *got, size_t got_len,
		       const uint8_t *want, size_t want_len)
{
	assert_int_equal(got_len, want_len);
	for (size_t i = 0; i < want_len; i++)
		if (got[i] != want[i])
			fail_msg("first difference at byte %zu of %zu", i, want_len);
}

/* An error must carry a reason from this module. */
static void check_why(const char *why)
{
	assert_non_null(why);
	if (strncmp(why, "gzip: ", 6) && strncmp(why, "inflate: ", 9))
		fail_msg("odd reason: %s", why);
}

/* gunzip into an exactly sized buffer; the caller frees *out. */
static int do_gunzip(const void *in, size_t in_len, size_t cap,
		     uint8_t **out, size_t *out_len, const char **why)
{
	uint8_t *src = dup_exact(in, in_len);
	int rc;

	*out = malloc(cap ? cap : 1);
	assert_non_null(*out);
	*why = NULL;
	*out_len = SIZE_MAX;
	rc = gunzip(src, in_len, *out, cap, out_len, why);
	free(src);
	if (rc) {
		check_why(*why);
		assert_int_equal(*out_len, SIZE_MAX);	/* untouched */
	}
	return rc;
}

static int do_raw(const void *in, size_t in_len, size_t cap, uint8_t **out,
		  size_t *out_len, size_t *used, const char **why)
{
	uint8_t *src = dup_exact(in, in_len);
	int rc;

	*out = malloc(cap ? cap : 1);
	assert_non_null(*out);
	*why = NULL;
	rc = inflate_raw(src, in_len, *out, cap, out_len, used, why);
	free(src);
	if (rc)
		check_why(*why);
	return rc;
}

/* gunzip must give back @want exactly, and refuse one byte less of room. */
static void expect_gunzip(const struct buf *gz, const struct buf *want)
{
	const char *why;
	uint8_t *out;
	uint32_t isize;
	size_t len;
	int rc;

	rc = do_gunzip(gz->p, gz->len, want->len, &out, &len, &why);
	if (rc)
		fail_msg("gunzip: %d (%s)", rc, why);
	check_same(out, len, want->p, want->len);
	free(out);

	assert_true(gzip_isize(gz->p, gz->len, &isize));
	assert_int_equal(isize, (uint32_t)want->len);

	if (want->len) {
		rc = do_gunzip(gz->p, gz->len, want->len - 1, &out, &len, &why);
		assert_int_equal(rc, -ENOSPC);
		assert_string_equal(why, "inflate: output buffer too small");
		free(out);
	}
}

/* inflate_raw with junk after the stream: it must stop at the stream's end. */
static void expect_raw(const struct buf *raw, const struct buf *want)
{
	struct buf in = { malloc(raw->len + 16), raw->len + 16 };
	const char *why;
	size_t len, used;
	uint8_t *out;
	int rc;

	memcpy(in.p, raw->p, raw->len);
	memset(in.p + raw->len, 0xa5, 16);
	rc = do_raw(in.p, in.len, want->len, &out, &len, &used, &why);
	if (rc)
		fail_msg("inflate_raw: %d (%s)", rc, why);
	check_same(out, len, want->p, want->len);
	assert_int_equal(used, raw->len);
	free(out);
	buf_free(&in);
}

/* Round-trip @d through gzip(1) at @level. */
static void roundtrip_gzip(const struct buf *d, int level)
{
	struct buf gz = gzip_cli(d, level);

	expect_gunzip(&gz, d);
	buf_free(&gz);
}

/* Round-trip @d through zlib at @level with @strategy, raw and gzip. */
static void roundtrip_zlib(const struct buf *d, int level, const char *strategy)
{
	struct buf raw = zlib_py(d, level, -15, strategy);
	struct buf gz = zlib_py(d, level, 31, strategy);

	expect_raw(&raw, d);
	expect_gunzip(&gz, d);
	buf_free(&raw);
	buf_free(&gz);
}

/* ---- A DEFLATE bit writer ------------------------------------------------- */

#define BW_MAX		40000

struct bw {
	uint8_t b[BW_MAX];
	size_t nbits;
};

static size_t bw_bytes(const struct bw *w)
{
	return (w->nbits + 7) / 8;
}

/* Values go LSB first. */
static void put(struct bw *w, uint32_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++, w->nbits++) {
		assert_true(w->nbits / 8 < BW_MAX);
		if (w->nbits % 8 == 0)
			w->b[w->nbits / 8] = 0;
		w->b[w->nbits / 8] |= ((v >> i) & 1) << (w->nbits % 8);
	}
}

/* Huffman codes go first bit (the MSB of the code) first. */
static void put_code(struct bw *w, uint32_t code, unsigned int len)
{
	while (len--)
		put(w, code >> len, 1);
}

static void put_align(struct bw *w)
{
	while (w->nbits % 8)
		put(w, 0, 1);
}

static void put_block(struct bw *w, bool last, unsigned int type)
{
	put(w, last, 1);
	put(w, type, 2);
}

/* A stored block: LEN, NLEN, the bytes. */
static void put_stored(struct bw *w, bool last, const void *p, uint16_t len)
{
	put_block(w, last, BT_STORED);
	put_align(w);
	put(w, len, 16);
	put(w, (uint16_t)~len, 16);
	for (uint16_t i = 0; i < len; i++)
		put(w, ((const uint8_t *)p)[i], 8);
}

/* The fixed literal/length code, from the table in RFC 1951 3.2.6. */
static void put_fixed(struct bw *w, unsigned int sym)
{
	if (sym <= 143)
		put_code(w, 0x30 + sym, 8);		/* 00110000.. */
	else if (sym <= 255)
		put_code(w, 0x190 + sym - 144, 9);	/* 110010000.. */
	else if (sym <= 279)
		put_code(w, sym - 256, 7);		/* 0000000.. */
	else
		put_code(w, 0xc0 + sym - 280, 8);	/* 11000000.. */
}

static void put_fixed_dist(struct bw *w, unsigned int sym)
{
	put_code(w, sym, 5);
}

/* Canonical codes from lengths, per RFC 1951 3.2.2. */
static void canonical(const uint8_t *lens, unsigned int n, uint16_t *codes)
{
	unsigned int count[16] = { 0 }, next[16], code = 0;

	for (unsigned int i = 0; i < n; i++)
		if (lens[i])
			count[lens[i]]++;
	for (unsigned int bits = 1; bits < 16; bits++) {
		code = (code + count[bits - 1]) << 1;
		next[bits] = code;
	}
	for (unsigned int i = 0; i < n; i++)
		if (lens[i])
			codes[i] = next[lens[i]]++;
}

static const uint8_t cl_order[19] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
};

struct dyn {
	unsigned int nlit, ndist;
	uint8_t lit[288], dist[32], cl[19];
	uint16_t litc[288], distc[32], clc[19];
};

/* A complete code-length code: 13 lengths of 4 bits and 6 of 5 bits. */
static void dyn_init(struct dyn *d, unsigned int nlit, unsigned int ndist)
{
	memset(d, 0, sizeof(*d));
	d->nlit = nlit;
	d->ndist = ndist;
	for (int i = 0; i < 19; i++)
		d->cl[i] = i < 13 ? 4 : 5;
}

static void put_cl(struct bw *w, const struct dyn *d, unsigned int sym,
		   unsigned int extra)
{
	put_code(w, d->clc[sym], d->cl[sym]);
	if (sym == CL_PREV)
		put(w, extra, 2);
	else if (sym == CL_ZERO3)
		put(w, extra, 3);
	else if (sym == CL_ZERO11)
		put(w, extra, 7);
}

/*
 * A dynamic block header. With @syms NULL, every length is sent as itself;
 * otherwise the n (symbol, extra) pairs in @syms are sent as they are.
 */
static void put_dynamic(struct bw *w, bool last, struct dyn *d,
			const unsigned int (*syms)[2], unsigned int n)
{
	put_block(w, last, BT_DYNAMIC);
	put(w, d->nlit - 257, 5);
	put(w, d->ndist - 1, 5);
	put(w, 19 - 4, 4);
	for (int i = 0; i < 19; i++)
		put(w, d->cl[cl_order[i]], 3);
	canonical(d->cl, 19, d->clc);
	canonical(d->lit, 288, d->litc);
	canonical(d->dist, 32, d->distc);
	if (syms) {
		for (unsigned int i = 0; i < n; i++)
			put_cl(w, d, syms[i][0], syms[i][1]);
		return;
	}
	for (unsigned int i = 0; i < d->nlit; i++)
		put_cl(w, d, d->lit[i], 0);
	for (unsigned int i = 0; i < d->ndist; i++)
		put_cl(w, d, d->dist[i], 0);
}

static void put_lit(struct bw *w, const struct dyn *d, unsigned int sym)
{
	put_code(w, d->litc[sym], d->lit[sym]);
}

static void put_dist(struct bw *w, const struct dyn *d, unsigned int sym)
{
	put_code(w, d->distc[sym], d->dist[sym]);
}

/* Decode the writer's stream; rc and reason, and the output if it worked. */
static struct {
	uint8_t out[70000];
	size_t len, used;
	const char *why;
} res;

static int decode_bw(const struct bw *w, size_t cap)
{
	uint8_t *out;
	int rc;

	assert_true(cap <= sizeof(res.out));
	rc = do_raw(w->b, bw_bytes(w), cap, &out, &res.len, &res.used, &res.why);
	if (!rc)
		memcpy(res.out, out, res.len);
	free(out);
	return rc;
}

static void expect_bw_ok(const struct bw *w, const void *want, size_t want_len)
{
	int rc = decode_bw(w, sizeof(res.out));

	if (rc)
		fail_msg("inflate_raw: %d (%s)", rc, res.why);
	check_same(res.out, res.len, want, want_len);
	assert_int_equal(res.used, bw_bytes(w));
}

static void expect_bw_err(const struct bw *w, int err, const char *why)
{
	int rc = decode_bw(w, sizeof(res.out));

	assert_int_equal(rc, err);
	assert_string_equal(res.why, why);
}

/* Wrap a raw stream in a minimal gzip member with a correct trailer. */
static struct buf wrap_gzip(const void *raw, size_t raw_len, const void *data,
			    size_t data_len)
{
	struct buf b = { malloc(GZ_HDR + raw_len + GZ_TRAILER), 0 };
	uint32_t crc = crc32_bitwise(0, data, data_len);

	assert_non_null(b.p);
	memset(b.p, 0, GZ_HDR);
	b.p[0] = GZ_ID1;
	b.p[1] = GZ_ID2;
	b.p[GZ_OFF_CM] = GZ_CM;
	memcpy(b.p + GZ_HDR, raw, raw_len);
	b.len = GZ_HDR + raw_len;
	for (int i = 0; i < 4; i++)
		b.p[b.len++] = crc >> (8 * i);
	for (int i = 0; i < 4; i++)
		b.p[b.len++] = (uint32_t)data_len >> (8 * i);
	return b;
}

static struct bw w;	/* too big for the stack; each test starts it afresh */

static int reset(void **state)
{
	memset(&w, 0, sizeof(w));
	memset(&res, 0, sizeof(res));
	return 0;
}

/* ---- CRC-32 and ISIZE ----------------------------------------------------- */

static void test_crc32_vectors(void **state)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";

	assert_int_equal(crc32_update(0, "123456789", 9), 0xcbf43926);
	assert_int_equal(crc32_update(0, "", 0), 0);
	assert_int_equal(crc32_update(0, NULL, 0), 0);
	assert_int_equal(crc32_update(0, "a", 1), 0xe8b7be43);
	assert_int_equal(crc32_update(0, fox, strlen(fox)), 0x414fa339);
	/* Continuing over pieces gives the CRC of the whole. */
	assert_int_equal(crc32_update(crc32_update(0, "1234", 4), "56789", 5),
			 0xcbf43926);
}

static void test_crc32_matches_bitwise(void **state)
{
	struct buf r = make_random(10000, 5);
	uint32_t crc = 0;

	/* One byte from crc 0 indexes every table entry once. */
	for (int b = 0; b < 256; b++) {
		uint8_t byte = b;

		assert_int_equal(crc32_update(0, &byte, 1),
				 crc32_bitwise(0, &byte, 1));
	}
	for (size_t at = 0; at < r.len;) {
		size_t n = rng() % 300;

		if (n > r.len - at)
			n = r.len - at;
		crc = crc32_update(crc, r.p + at, n);
		at += n;
	}
	assert_int_equal(crc, crc32_bitwise(0, r.p, r.len));
	assert_int_equal(crc32_update(0x12345678, r.p, 999),
			 crc32_bitwise(0x12345678, r.p, 999));
	buf_free(&r);
}

static void test_gzip_isize(void **state)
{
	struct buf d = make_text(123457, 1);
	struct buf gz = gzip_cli(&d, 6);
	uint8_t small[18] = { GZ_ID1, GZ_ID2, GZ_CM, [14] = 0x78, 0x56, 0x34, 0x12 };
	uint32_t isize = 0;

	assert_true(gzip_isize(gz.p, gz.len, &isize));
	assert_int_equal(isize, 123457);
	/* 18 bytes is the least that holds a header and a trailer. */
	assert_true(gzip_isize(small, sizeof(small), &isize));
	assert_int_equal(isize, 0x12345678);
	isize = 7;
	assert_false(gzip_isize(small, sizeof(small) - 1, &isize));
	assert_false(gzip_isize(gz.p, 0, &isize));
	small[1] = 0x8c;
	assert_false(gzip_isize(small, sizeof(small), &isize));
	small[1] = GZ_ID2;
	small[0] = 0;
	assert_false(gzip_isize(small, sizeof(small), &isize));
	assert_int_equal(isize, 7);	/* untouched on failure */
	buf_free(&d);
	buf_free(&gz);
}

/* ---- Round trips ---------------------------------------------------------- */

static void test_empty(void **state)
{
	struct buf d = { NULL, 0 };
	struct buf gz = gzip_cli(&d, 9);
	size_t len = 1;

	expect_gunzip(&gz, &d);
	roundtrip_zlib(&d, 6, "Z_DEFAULT_STRATEGY");
	roundtrip_zlib(&d, 0, "Z_DEFAULT_STRATEGY");
	/* No output buffer at all is fine for an empty member. */
	assert_int_equal(gunzip(gz.p, gz.len, NULL, 0, &len, NULL), 0);
	assert_int_equal(len, 0);
	buf_free(&gz);
}

static void test_one_byte(void **state)
{
	struct buf d = { dup_exact("x", 1), 1 };

	roundtrip_gzip(&d, 1);
	roundtrip_gzip(&d, 9);
	roundtrip_zlib(&d, 9, "Z_DEFAULT_STRATEGY");
	roundtrip_zlib(&d, 9, "Z_FIXED");
	roundtrip_zlib(&d, 0, "Z_DEFAULT_STRATEGY");
	buf_free(&d);
}

static void test_text_levels(void **state)
{
	struct buf d = make_text(200000, 2);

	for (int level = 1; level <= 9; level += 4)
		roundtrip_gzip(&d, level);
	roundtrip_zlib(&d, 1, "Z_DEFAULT_STRATEGY");
	roundtrip_zlib(&d, 9, "Z_DEFAULT_STRATEGY");
	buf_free(&d);
}

/* Over 64 KiB of output, and matches reaching back across most of 32 KiB. */
static void test_large(void **state)
{
	struct buf d = make_text(3 << 20, 3);

	roundtrip_gzip(&d, 1);
	roundtrip_gzip(&d, 9);
	buf_free(&d);
}

/* Incompressible data is sent in stored blocks, 64 KiB - 1 at most each. */
static void test_random_stored(void **state)
{
	struct buf d = make_random(300000, 4);
	struct buf small = make_random(1000, 44);

	roundtrip_gzip(&d, 9);
	roundtrip_zlib(&d, 0, "Z_DEFAULT_STRATEGY");	/* stored only */
	roundtrip_zlib(&small, 0, "Z_DEFAULT_STRATEGY");
	roundtrip_zlib(&small, 9, "Z_FIXED");
	buf_free(&d);
	buf_free(&small);
}

/*
 * Long matches, and overlapping copies at short distances: below, at and
 * above the word size the match copier switches on.
 */
static void test_repetitive(void **state)
{
	static const size_t periods[] = { 1, 2, 3, 7, 8, 9, 15, 16, 17, 100, 258, 4000 };

	for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
		struct buf d = make_periodic(70000, periods[i]);

		roundtrip_gzip(&d, 9);
		if (i % 3 == 0)
			roundtrip_zlib(&d, 1, "Z_DEFAULT_STRATEGY");
		if (i % 3 == 1)
			roundtrip_zlib(&d, 9, "Z_RLE");
		buf_free(&d);
	}
}

static void test_fixed_huffman(void **state)
{
	struct buf text = make_text(150000, 6);
	struct buf rep = make_periodic(70000, 5);

	for (int level = 1; level <= 9; level += 8) {
		roundtrip_zlib(&text, level, "Z_FIXED");
		roundtrip_zlib(&rep, level, "Z_FIXED");
	}
	buf_free(&text);
	buf_free(&rep);
}

/* Codes longer than the fast tables' root bits, and literal-only blocks. */
static void test_long_codes(void **state)
{
	struct buf d = make_skewed();
	struct buf text = make_text(100000, 7);

	roundtrip_zlib(&d, 9, "Z_HUFFMAN_ONLY");
	roundtrip_zlib(&d, 9, "Z_DEFAULT_STRATEGY");
	roundtrip_zlib(&text, 9, "Z_HUFFMAN_ONLY");
	buf_free(&d);
	buf_free(&text);
}

/* gzip(1) given a file name stores it: FNAME is skipped. */
static void test_gpl2(void **state)
{
	struct buf d = read_cmd("cat /usr/share/common-licenses/GPL-2");
	struct buf gz = read_cmd("gzip -c -9 /usr/share/common-licenses/GPL-2");

	assert_true(d.len > 10000);
	assert_true(gz.p[GZ_OFF_FLG] & GZ_FNAME);
	expect_gunzip(&gz, &d);
	roundtrip_gzip(&d, 1);
	buf_free(&d);
	buf_free(&gz);
}

/* About 5 MB of real machine code and data. */
static void test_shared_libraries(void **state)
{
	struct buf d = read_cmd("cat /usr/lib/x86_64-linux-gnu/*.so* 2>/dev/null | head -c 5000000");

	assert_true(d.len > 1000000);
	roundtrip_gzip(&d, 6);
	roundtrip_zlib(&d, 1, "Z_DEFAULT_STRATEGY");
	buf_free(&d);
}

/* ---- gzip framing --------------------------------------------------------- */

/* Only the first member is read; anything after it is ignored. */
static void test_trailing_bytes(void **state)
{
	struct buf a = make_text(5000, 8), b = make_text(7000, 9);
	struct buf ga = gzip_cli(&a, 9), gb = gzip_cli(&b, 9);
	struct buf cat = { malloc(ga.len + gb.len + 4096), 0 };
	const char *why;
	uint8_t *out;
	size_t len;

	memcpy(cat.p, ga.p, ga.len);
	memcpy(cat.p + ga.len, gb.p, gb.len);
	cat.len = ga.len + gb.len;
	assert_int_equal(do_gunzip(cat.p, cat.len, a.len, &out, &len, &why), 0);
	check_same(out, len, a.p, a.len);
	free(out);

	/* Padding, as at the end of a bzImage payload. */
	memset(cat.p + ga.len, 0, 4096);
	cat.len = ga.len + 4096;
	assert_int_equal(do_gunzip(cat.p, cat.len, a.len, &out, &len, &why), 0);
	check_same(out, len, a.p, a.len);
	free(out);
	buf_free(&a);
	buf_free(&b);
	buf_free(&ga);
	buf_free(&gb);
	buf_free(&cat);
}

/*
 * A member with every optional field: FTEXT, FEXTRA, FNAME, FCOMMENT and
 * FHCRC (the low 16 bits of the CRC32 of the header before it).
 */
static struct buf make_full_header_member(const struct buf *d)
{
	static const uint8_t extra[] = { 'A', 'P', 3, 0, 1, 2, 3 };
	static const char name[] = "vmlinux", comment[] = "a kernel";
	struct buf raw = zlib_py(d, 9, -15, "Z_DEFAULT_STRATEGY");
	struct buf m = { malloc(64 + raw.len + GZ_TRAILER), 0 };
	uint32_t crc;

	assert_non_null(m.p);
	m.p[m.len++] = GZ_ID1;
	m.p[m.len++] = GZ_ID2;
	m.p[m.len++] = GZ_CM;
	m.p[m.len++] = GZ_FTEXT | GZ_FHCRC | GZ_FEXTRA | GZ_FNAME | GZ_FCOMMENT;
	for (int i = 0; i < 6; i++)	/* MTIME, XFL, OS */
		m.p[m.len++] = 0x11 * i;
	m.p[m.len++] = sizeof(extra);
	m.p[m.len++] = 0;
	memcpy(m.p + m.len, extra, sizeof(extra));
	m.len += sizeof(extra);
	memcpy(m.p + m.len, name, sizeof(name));
	m.len += sizeof(name);
	memcpy(m.p + m.len, comment, sizeof(comment));
	m.len += sizeof(comment);
	crc = crc32_bitwise(0, m.p, m.len);
	m.p[m.len++] = crc;
	m.p[m.len++] = crc >> 8;
	memcpy(m.p + m.len, raw.p, raw.len);
	m.len += raw.len;
	crc = crc32_bitwise(0, d->p, d->len);
	for (int i = 0; i < 4; i++)
		m.p[m.len++] = crc >> (8 * i);
	for (int i = 0; i < 4; i++)
		m.p[m.len++] = (uint32_t)d->len >> (8 * i);
	buf_free(&raw);
	return m;
}

#define FULL_HDR_FHCRC	(GZ_HDR + 2 + 7 + 8 + 9)	/* offset of the CRC16 */

static void test_optional_header_fields(void **state)
{
	struct buf d = make_text(3000, 10);
	struct buf m = make_full_header_member(&d);
	const char *why;
	uint8_t *out;
	size_t len;

	expect_gunzip(&m, &d);

	m.p[FULL_HDR_FHCRC] ^= 1;
	assert_int_equal(do_gunzip(m.p, m.len, d.len, &out, &len, &why), -EINVAL);
	assert_string_equal(why, "gzip: header CRC16 mismatch");
	free(out);
	m.p[FULL_HDR_FHCRC] ^= 1;

	/* An XLEN running past the end of the input. */
	m.p[GZ_HDR] = 0xff;
	m.p[GZ_HDR + 1] = 0xff;
	assert_int_equal(do_gunzip(m.p, m.len, d.len, &out, &len, &why), -EINVAL);
	assert_string_equal(why, "gzip: truncated header");
	free(out);

	/* Every truncation inside the header says so. */
	for (size_t n = 0; n < FULL_HDR_FHCRC + 2; n++) {
		assert_int_equal(do_gunzip(m.p, n, d.len, &out, &len, &why), -EINVAL);
		assert_string_equal(why, "gzip: truncated header");
		free(out);
	}
	buf_free(&d);
	buf_free(&m);
}

static void test_bad_magic_method_flags(void **state)
{
	struct buf d = make_text(1000, 11);
	struct buf gz = gzip_cli(&d, 9);
	const char *why;
	uint8_t *out;
	size_t len;

	for (int i = 0; i < 2; i++) {
		gz.p[i] ^= 0x40;
		assert_int_equal(do_gunzip(gz.p, gz.len, d.len, &out, &len, &why), -EINVAL);
		assert_string_equal(why, "gzip: bad header magic");
		free(out);
		gz.p[i] ^= 0x40;
	}
	for (int cm = 0; cm < 16; cm++) {
		if (cm == GZ_CM)
			continue;
		gz.p[GZ_OFF_CM] = cm;
		assert_int_equal(do_gunzip(gz.p, gz.len, d.len, &out, &len, &why), -EINVAL);
		assert_string_equal(why, "gzip: unknown compression method");
		free(out);
	}
	gz.p[GZ_OFF_CM] = GZ_CM;
	for (int bit = 5; bit < 8; bit++) {
		gz.p[GZ_OFF_FLG] = 1 << bit;
		assert_int_equal(do_gunzip(gz.p, gz.len, d.len, &out, &len, &why), -EINVAL);
		assert_string_equal(why, "gzip: reserved flag bits set");
		free(out);
	}
	gz.p[GZ_OFF_FLG] = 0;
	expect_gunzip(&gz, &d);
	buf_free(&d);
	buf_free(&gz);
}

static void test_bad_crc_and_isize(void **state)
{
	struct buf d = make_text(20000, 12);
	struct buf gz = gzip_cli(&d, 9);
	const char *why;
	uint8_t *out;
	size_t len;

	for (int i = 0; i < 4; i++) {
		gz.p[gz.len - 8 + i] ^= 0x80;
		assert_int_equal(do_gunzip(gz.p, gz.len, d.len, &out, &len, &why), -EINVAL);
		assert_string_equal(why, "gzip: CRC32 mismatch");
		free(out);
		gz.p[gz.len - 8 + i] ^= 0x80;
	}
	for (int i = 0; i < 4; i++) {
		gz.p[gz.len - 4 + i] ^= 0x01;
		assert_int_equal(do_gunzip(gz.p, gz.len, d.len + 300, &out, &len, &why), -EINVAL);
		assert_string_equal(why, "gzip: ISIZE mismatch");
		free(out);
		gz.p[gz.len - 4 + i] ^= 0x01;
	}
	/* No room for the trailer after the DEFLATE data. */
	assert_int_equal(do_gunzip(gz.p, gz.len - 1, d.len, &out, &len, &why), -EINVAL);
	assert_string_equal(why, "gzip: truncated trailer");
	free(out);
	buf_free(&d);
	buf_free(&gz);
}

/* ---- Corrupt and truncated streams --------------------------------------- */

/* Every proper prefix is refused with -EINVAL, whatever block it cuts. */
static void check_prefixes(const struct buf *gz, size_t out_cap)
{
	const char *why;
	uint8_t *out;
	size_t len;

	for (size_t n = 0; n < gz->len; n++) {
		int rc = do_gunzip(gz->p, n, out_cap, &out, &len, &why);

		if (rc != -EINVAL)
			fail_msg("prefix of %zu/%zu bytes: rc %d", n, gz->len, rc);
		free(out);
	}
}

static void check_raw_prefixes(const struct buf *raw, size_t out_cap)
{
	const char *why;
	uint8_t *out;
	size_t len, used;

	for (size_t n = 0; n < raw->len; n++) {
		int rc = do_raw(raw->p, n, out_cap, &out, &len, &used, &why);

		if (rc != -EINVAL)
			fail_msg("raw prefix of %zu/%zu bytes: rc %d", n, raw->len, rc);
		assert_string_equal(why, "inflate: truncated input");
		free(out);
	}
}

static void test_truncated_everywhere(void **state)
{
	struct buf text = make_text(30000, 13);
	struct buf rnd = make_random(3000, 14);
	struct buf dyn = gzip_cli(&text, 9);
	struct buf sto = gzip_cli(&rnd, 9);
	struct buf fix = zlib_py(&text, 9, 31, "Z_FIXED");
	struct buf raw = zlib_py(&text, 6, -15, "Z_DEFAULT_STRATEGY");
	struct buf full = make_full_header_member(&text);

	check_prefixes(&dyn, text.len);
	check_prefixes(&sto, rnd.len);
	check_prefixes(&fix, text.len);
	check_prefixes(&full, text.len);
	check_raw_prefixes(&raw, text.len);
	buf_free(&text);
	buf_free(&rnd);
	buf_free(&dyn);
	buf_free(&sto);
	buf_free(&fix);
	buf_free(&raw);
	buf_free(&full);
}

/*
 * Flip each bit of a member in turn. The result is an error, or the
 * original data: the flip hit a field nobody checks (MTIME, XFL, OS,
 * FTEXT) or the padding after the last block.
 */
static void flip_every_bit(const struct buf *gz, const struct buf *d,
			   unsigned int *unchanged)
{
	uint8_t *m = dup_exact(gz->p, gz->len);
	const char *why;
	uint8_t *out;
	size_t len;

	for (size_t bit = 0; bit < gz->len * 8; bit++) {
		int rc;

		m[bit / 8] ^= 1 << (bit % 8);
		rc = do_gunzip(m, gz->len, d->len + 100, &out, &len, &why);
		if (rc == 0) {
			check_same(out, len, d->p, d->len);
			++*unchanged;
		} else if (rc != -EINVAL && rc != -ENOSPC) {
			fail_msg("bit %zu: rc %d", bit, rc);
		}
		free(out);
		m[bit / 8] ^= 1 << (bit % 8);
	}
	free(m);
}

static void test_bit_flips(void **state)
{
	struct buf text = make_text(8000, 15);
	struct buf rnd = make_random(600, 16);
	struct buf dyn = gzip_cli(&text, 9);
	struct buf sto = gzip_cli(&rnd, 9);
	struct buf fix = zlib_py(&text, 9, 31, "Z_FIXED");
	unsigned int unchanged = 0;

	flip_every_bit(&dyn, &text, &unchanged);
	flip_every_bit(&sto, &rnd, &unchanged);
	flip_every_bit(&fix, &text, &unchanged);
	/* At most the 6 unchecked header bytes, FTEXT and 7 padding bits each. */
	assert_true(unchanged <= 3 * (6 * 8 + 1 + 7));
	buf_free(&text);
	buf_free(&rnd);
	buf_free(&dyn);
	buf_free(&sto);
	buf_free(&fix);
}

/* Random damage to real streams, and random bytes behind a valid header. */
static void test_random_mutations(void **state)
{
	struct buf text = make_text(20000, 17);
	struct buf bases[3] = {
		gzip_cli(&text, 9),
		zlib_py(&text, 1, 31, "Z_FIXED"),
		zlib_py(&text, 9, 31, "Z_HUFFMAN_ONLY"),
	};
	const char *why;
	uint8_t *out;
	size_t len, used;

	rng_state = 1234;
	for (int iter = 0; iter < 3000; iter++) {
		const struct buf *b = &bases[iter % 3];
		uint8_t *m = dup_exact(b->p, b->len);
		size_t n = b->len, cap = rng() % 2 ? text.len : rng() % (2 * text.len);
		int edits = 1 + rng() % 6, rc;

		for (int e = 0; e < edits; e++)
			m[GZ_HDR + rng() % (n - GZ_HDR)] = rng();
		if (rng() % 4 == 0)
			n = GZ_HDR + rng() % (n - GZ_HDR);
		rc = do_gunzip(m, n, cap, &out, &len, &why);
		assert_true(rc == 0 || rc == -EINVAL || rc == -ENOSPC);
		if (rc == 0)
			check_same(out, len, text.p, text.len);
		free(out);
		rc = do_raw(m + GZ_HDR, n - GZ_HDR, cap, &out, &len, &used, &why);
		assert_true(rc == 0 || rc == -EINVAL || rc == -ENOSPC);
		if (rc == 0)
			assert_true(len <= cap && used <= n - GZ_HDR);
		free(out);
		free(m);
	}
	/* Pure noise as DEFLATE data. */
	for (int iter = 0; iter < 3000; iter++) {
		struct buf r = make_random(1 + iter % 200, iter + 1);
		int rc = do_raw(r.p, r.len, 4096, &out, &len, &used, &why);

		assert_true(rc == 0 || rc == -EINVAL || rc == -ENOSPC);
		if (rc == 0)
			assert_true(len <= 4096 && used <= r.len);
		free(out);
		buf_free(&r);
	}
	buf_free(&text);
	for (int i = 0; i < 3; i++)
		buf_free(&bases[i]);
}

/* Every output size short of the real one is -ENOSPC, never an overflow. */
static void test_out_cap_too_small(void **state)
{
	struct buf text = make_text(3000, 18);
	struct buf rnd = make_random(2000, 19);
	struct buf rep = make_periodic(3000, 1);
	const struct buf *ds[] = { &text, &rnd, &rep, &text };
	struct buf gzs[] = {
		gzip_cli(&text, 9), gzip_cli(&rnd, 9), gzip_cli(&rep, 9),
		zlib_py(&text, 9, 31, "Z_FIXED"),
	};
	const char *why;
	uint8_t *out;
	size_t len;

	for (int i = 0; i < 4; i++) {
		for (size_t cap = 0; cap < ds[i]->len; cap++) {
			assert_int_equal(do_gunzip(gzs[i].p, gzs[i].len, cap, &out, &len, &why),
					 -ENOSPC);
			assert_string_equal(why, "inflate: output buffer too small");
			free(out);
		}
		assert_int_equal(do_gunzip(gzs[i].p, gzs[i].len, ds[i]->len, &out, &len, &why), 0);
		free(out);
		buf_free(&gzs[i]);
	}
	buf_free(&text);
	buf_free(&rnd);
	buf_free(&rep);
}

static void test_why_may_be_null(void **state)
{
	static const uint8_t bad[] = { GZ_ID1, 0, GZ_CM, 0, 0, 0, 0, 0, 0, 0, 3, 0 };
	uint8_t out[4];
	size_t len;

	assert_int_equal(gunzip(bad, sizeof(bad), out, sizeof(out), &len, NULL), -EINVAL);
	assert_int_equal(inflate_raw(bad, 1, out, sizeof(out), &len, NULL, NULL), -EINVAL);
}

/* ---- Hand-built DEFLATE streams ------------------------------------------- */

static void test_block_type_reserved(void **state)
{
	put_block(&w, true, BT_RESERVED);
	expect_bw_err(&w, -EINVAL, "inflate: invalid block type");
	/* Also after a good block. */
	memset(&w, 0, sizeof(w));
	put_stored(&w, false, "ok", 2);
	put_block(&w, true, BT_RESERVED);
	expect_bw_err(&w, -EINVAL, "inflate: invalid block type");
}

static void test_stored_blocks(void **state)
{
	put_stored(&w, false, "hello", 5);
	put_stored(&w, false, "", 0);
	put_stored(&w, true, " world", 6);
	expect_bw_ok(&w, "hello world", 11);
	assert_int_equal(decode_bw(&w, 10), -ENOSPC);

	/* NLEN must be LEN's complement. */
	for (int bit = 0; bit < 32; bit++) {
		memset(&w, 0, sizeof(w));
		put_stored(&w, true, "hello", 5);
		w.b[1 + bit / 8] ^= 1 << (bit % 8);
		expect_bw_err(&w, -EINVAL, "inflate: stored block length check failed");
	}
	/* LEN beyond the input. */
	memset(&w, 0, sizeof(w));
	put_stored(&w, true, "hello", 5);
	w.nbits -= 8;
	expect_bw_err(&w, -EINVAL, "inflate: truncated input");
}

static void test_distance_too_far(void **state)
{
	static const uint8_t a259[259] = { [0 ... 258] = 'a' };

	/* A match before any output. */
	put_block(&w, true, BT_FIXED);
	put_fixed(&w, LEN3);
	put_fixed_dist(&w, 0);
	put_fixed(&w, EOB);
	expect_bw_err(&w, -EINVAL, "inflate: invalid distance too far back");

	/* One byte written, distance 2. */
	memset(&w, 0, sizeof(w));
	put_block(&w, true, BT_FIXED);
	put_fixed(&w, 'a');
	put_fixed(&w, LEN3);
	put_fixed_dist(&w, 1);
	put_fixed(&w, EOB);
	expect_bw_err(&w, -EINVAL, "inflate: invalid distance too far back");

	/* Distance 1, the longest length: an overlapping copy. */
	memset(&w, 0, sizeof(w));
	put_block(&w, true, BT_FIXED);
	put_fixed(&w, 'a');
	put_fixed(&w, LEN258);
	put_fixed_dist(&w, 0);
	put_fixed(&w, EOB);
	expect_bw_ok(&w, a259, sizeof(a259));
	assert_int_equal(decode_bw(&w, 258), -ENOSPC);
}

/* The farthest distance DEFLATE can express, 32768, just in and just out. */
static void test_max_distance(void **state)
{
	struct buf r = make_random(MAX_DIST, 20);
	uint8_t *want = malloc(MAX_DIST + 258);

	memcpy(want, r.p, MAX_DIST);
	memcpy(want + MAX_DIST, r.p, 258);
	put_stored(&w, false, r.p, MAX_DIST);
	put_block(&w, true, BT_FIXED);
	put_fixed(&w, LEN258);
	put_fixed_dist(&w, DIST_SYM_32K);
	put(&w, MAX_DIST - DIST_BASE_32K, DIST_EXTRA_32K);
	put_fixed(&w, EOB);
	expect_bw_ok(&w, want, MAX_DIST + 258);

	memset(&w, 0, sizeof(w));
	put_stored(&w, false, r.p, MAX_DIST - 1);
	put_block(&w, true, BT_FIXED);
	put_fixed(&w, LEN258);
	put_fixed_dist(&w, DIST_SYM_32K);
	put(&w, MAX_DIST - DIST_BASE_32K, DIST_EXTRA_32K);
	put_fixed(&w, EOB);
	expect_bw_err(&w, -EINVAL, "inflate: invalid distance too far back");
	free(want);
	buf_free(&r);
}

/* The fixed code has symbols with no meaning: lengths 286-287, distances 30-31. */
static void test_fixed_invalid_symbols(void **state)
{
	for (unsigned int sym = 286; sym <= 287; sym++) {
		memset(&w, 0, sizeof(w));
		put_block(&w, true, BT_FIXED);
		put_fixed(&w, 'a');
		put_fixed(&w, sym);
		put_fixed(&w, EOB);
		expect_bw_err(&w, -EINVAL, "inflate: invalid literal/length code");
	}
	for (unsigned int sym = 30; sym <= 31; sym++) {
		memset(&w, 0, sizeof(w));
		put_block(&w, true, BT_FIXED);
		put_fixed(&w, 'a');
		put_fixed(&w, LEN3);
		put_fixed_dist(&w, sym);
		put_fixed(&w, EOB);
		expect_bw_err(&w, -EINVAL, "inflate: invalid distance code");
	}
}

/* a, b, EOB and length 3 get two bits each; distances 1 and 2 one bit. */
static void dyn_small(struct dyn *d, unsigned int ndist)
{
	dyn_init(d, 258, ndist);
	d->lit['a'] = d->lit['b'] = d->lit[EOB] = d->lit[LEN3] = 2;
}

/* A control for the negative cases below: the writer itself is right. */
static void test_dynamic_block(void **state)
{
	struct dyn d;

	dyn_small(&d, 2);
	d.dist[0] = d.dist[1] = 1;
	put_dynamic(&w, true, &d, NULL, 0);
	put_lit(&w, &d, 'a');
	put_lit(&w, &d, 'b');
	put_lit(&w, &d, LEN3);
	put_dist(&w, &d, 1);
	put_lit(&w, &d, LEN3);
	put_dist(&w, &d, 0);
	put_lit(&w, &d, EOB);
	expect_bw_ok(&w, "ababaaaa", 8);
}

/* RFC 1951 allows one distance code of one bit; its other half is unused. */
static void test_dynamic_single_distance_code(void **state)
{
	struct dyn d;

	dyn_small(&d, 1);
	d.dist[0] = 1;
	put_dynamic(&w, true, &d, NULL, 0);
	put_lit(&w, &d, 'a');
	put_lit(&w, &d, LEN3);
	put_dist(&w, &d, 0);
	put_lit(&w, &d, EOB);
	expect_bw_ok(&w, "aaaa", 4);

	memset(&w, 0, sizeof(w));
	put_dynamic(&w, true, &d, NULL, 0);
	put_lit(&w, &d, 'a');
	put_lit(&w, &d, LEN3);
	put_code(&w, 1, 1);	/* the unused code */
	put_lit(&w, &d, EOB);
	expect_bw_err(&w, -EINVAL, "inflate: invalid distance code");

	/* But one code of two bits leaves a hole: refused. */
	memset(&w, 0, sizeof(w));
	d.dist[0] = 2;
	put_dynamic(&w, true, &d, NULL, 0);
	expect_bw_err(&w, -EINVAL, "inflate: incomplete distance code");
}

/* No distance codes at all: fine for a block of literals only. */
static void test_dynamic_no_distance_codes(void **state)
{
	struct dyn d;

	dyn_small(&d, 1);
	put_dynamic(&w, true, &d, NULL, 0);
	put_lit(&w, &d, 'b');
	put_lit(&w, &d, 'a');
	put_lit(&w, &d, EOB);
	expect_bw_ok(&w, "ba", 2);

	memset(&w, 0, sizeof(w));
	put_dynamic(&w, true, &d, NULL, 0);
	put_lit(&w, &d, 'a');
	put_lit(&w, &d, LEN3);
	put(&w, 0, 8);
	expect_bw_err(&w, -EINVAL, "inflate: invalid distance code");
}

static void test_oversubscribed_codes(void **state)
{
	struct dyn d;

	/* Three one-bit literal/length codes. */
	dyn_init(&d, 257, 1);
	d.lit['a'] = d.lit['b'] = d.lit[EOB] = 1;
	put_dynamic(&w, true, &d, NULL, 0);
	expect_bw_err(&w, -EINVAL, "inflate: over-subscribed literal/length code");

	/* Three one-bit distance codes. */
	memset(&w, 0, sizeof(w));
	dyn_small(&d, 3);
	d.dist[0] = d.dist[1] = d.dist[2] = 1;
	put_dynamic(&w, true, &d, NULL, 0);
	expect_bw_err(&w, -EINVAL, "inflate: over-subscribed distance code");

	/* A code-length code of nineteen one-bit codes; nothing follows. */
	memset(&w, 0, sizeof(w));
	dyn_init(&d, 257, 1);
	memset(d.cl, 1, sizeof(d.cl));
	put_dynamic(&w, true, &d, NULL, 0);
	w.nbits = 3 + 14 + 19 * 3;
	expect_bw_err(&w, -EINVAL, "inflate: over-subscribed code-length code");

	/* 15-bit code lengths, one too many for the code space. */
	memset(&w, 0, sizeof(w));
	dyn_init(&d, 286, 1);
	for (int i = 0; i < 286; i++)
		d.lit[i] = i < 2 ? 1 : 15;
	put_dynamic(&w, true, &d, NULL, 0);
	expect_bw_err(&w, -EINVAL, "inflate: over-subscribed literal/length code");
}

static void test_incomplete_codes(void **state)
{
	struct dyn d;

	/* Literal/length: half the code space unused. */
	dyn_init(&d, 257, 1);
	d.lit['a'] = d.lit[EOB] = 2;
	put_dynamic(&w, true, &d, NULL, 0);
	expect_bw_err(&w, -EINVAL, "inflate: incomplete literal/length code");

	/* Literal/length: a single one-bit code is allowed for distances only. */
	memset(&w, 0, sizeof(w));
	dyn_init(&d, 257, 1);
	d.lit[EOB] = 1;
	put_dynamic(&w, true, &d, NULL, 0);
	expect_bw_err(&w, -EINVAL, "inflate: incomplete literal/length code");

	/* Distance: two two-bit codes. */
	memset(&w, 0, sizeof(w));
	dyn_small(&d, 2);
	d.dist[0] = d.dist[1] = 2;
	put_dynamic(&w, true, &d, NULL, 0);
	expect_bw_err(&w, -EINVAL, "inflate: incomplete distance code");

	/* Code-length code: one one-bit and one two-bit code. */
	memset(&w, 0, sizeof(w));
	dyn_init(&d, 257, 1);
	memset(d.cl, 0, sizeof(d.cl));
	d.cl[0] = 1;
	d.cl[1] = 2;
	put_dynamic(&w, true, &d, NULL, 0);
	w.nbits = 3 + 14 + 19 * 3;
	expect_bw_err(&w, -EINVAL, "inflate: incomplete code-length code");

	/* Code-length code: all zero. */
	memset(&w, 0, sizeof(w));
	memset(d.cl, 0, sizeof(d.cl));
	put_dynamic(&w, true, &d, NULL, 0);
	w.nbits = 3 + 14 + 19 * 3;
	expect_bw_err(&w, -EINVAL, "inflate: incomplete code-length code");
}

static void test_missing_end_of_block(void **state)
{
	struct dyn d;

	dyn_init(&d, 257, 1);
	d.lit['a'] = d.lit['b'] = 1;
	put_dynamic(&w, true, &d, NULL, 0);
	expect_bw_err(&w, -EINVAL, "inflate: missing end-of-block code");
}

/*
 * The run-length symbols, as a control, then misused. The control's
 * literal/length code: 'a'..'f', EOB and LEN3 all 3 bits (complete).
 */
static void test_code_length_repeats(void **state)
{
	static const unsigned int good[][2] = {
		{ CL_ZERO11, 97 - 11 },		/* 0..96 unused */
		{ 3, 0 }, { CL_PREV, 5 - 3 },	/* 'a', then 'b'..'f' */
		{ CL_ZERO11, 138 - 11 },	/* 103..240 unused */
		{ CL_ZERO3, 10 - 3 },		/* 241..250 unused */
		{ CL_ZERO3, 5 - 3 },		/* 251..255 unused */
		{ 3, 0 }, { 3, 0 },		/* EOB, LEN3 */
		{ 1, 0 },			/* distance 1 */
	};
	static const unsigned int no_prev[][2] = { { CL_PREV, 0 } };
	static const unsigned int overflow[][2] = {
		{ CL_ZERO11, 127 }, { CL_ZERO11, 127 },
	};
	struct dyn d;

	dyn_init(&d, 258, 1);
	for (unsigned int c = 'a'; c <= 'f'; c++)
		d.lit[c] = 3;
	d.lit[EOB] = d.lit[LEN3] = 3;
	d.dist[0] = 1;
	put_dynamic(&w, true, &d, good, sizeof(good) / sizeof(good[0]));
	put_lit(&w, &d, 'f');
	put_lit(&w, &d, LEN3);
	put_dist(&w, &d, 0);
	put_lit(&w, &d, 'c');
	put_lit(&w, &d, EOB);
	expect_bw_ok(&w, "ffffc", 5);

	memset(&w, 0, sizeof(w));
	put_dynamic(&w, true, &d, no_prev, 1);
	expect_bw_err(&w, -EINVAL, "inflate: code-length repeat with no previous length");

	/* 2 x 138 zeros, but only 258 + 1 lengths are expected. */
	memset(&w, 0, sizeof(w));
	put_dynamic(&w, true, &d, overflow, 2);
	expect_bw_err(&w, -EINVAL, "inflate: code-length repeat past the last code");
}

static void test_too_many_codes(void **state)
{
	struct dyn d;

	dyn_init(&d, 287, 1);
	put_dynamic(&w, true, &d, NULL, 0);
	expect_bw_err(&w, -EINVAL, "inflate: too many length or distance codes");

	memset(&w, 0, sizeof(w));
	dyn_init(&d, 257, 31);
	put_dynamic(&w, true, &d, NULL, 0);
	expect_bw_err(&w, -EINVAL, "inflate: too many length or distance codes");
}

/* A hand-built gzip member around a hand-built stream: both layers agree. */
static void test_hand_built_member(void **state)
{
	struct buf m;
	const char *why;
	uint8_t *out;
	size_t len;

	put_stored(&w, true, "hello", 5);
	m = wrap_gzip(w.b, bw_bytes(&w), "hello", 5);
	assert_int_equal(do_gunzip(m.p, m.len, 5, &out, &len, &why), 0);
	check_same(out, len, (const uint8_t *)"hello", 5);
	free(out);
	m.p[GZ_OFF_MTIME] = 0x5a;	/* MTIME is not checked */
	assert_int_equal(do_gunzip(m.p, m.len, 5, &out, &len, &why), 0);
	free(out);
	buf_free(&m);
}

#define TEST(f) cmocka_unit_test_setup(f, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_crc32_vectors),
		TEST(test_crc32_matches_bitwise),
		TEST(test_gzip_isize),
		TEST(test_empty),
		TEST(test_one_byte),
		TEST(test_text_levels),
		TEST(test_large),
		TEST(test_random_stored),
		TEST(test_repetitive),
		TEST(test_fixed_huffman),
		TEST(test_long_codes),
		TEST(test_gpl2),
		TEST(test_shared_libraries),
		TEST(test_trailing_bytes),
		TEST(test_optional_header_fields),
		TEST(test_bad_magic_method_flags),
		TEST(test_bad_crc_and_isize),
		TEST(test_truncated_everywhere),
		TEST(test_bit_flips),
		TEST(test_random_mutations),
		TEST(test_out_cap_too_small),
		TEST(test_why_may_be_null),
		TEST(test_block_type_reserved),
		TEST(test_stored_blocks),
		TEST(test_distance_too_far),
		TEST(test_max_distance),
		TEST(test_fixed_invalid_symbols),
		TEST(test_dynamic_block),
		TEST(test_dynamic_single_distance_code),
		TEST(test_dynamic_no_distance_codes),
		TEST(test_oversubscribed_codes),
		TEST(test_incomplete_codes),
		TEST(test_missing_end_of_block),
		TEST(test_code_length_repeats),
		TEST(test_too_many_codes),
		TEST(test_hand_built_member),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
