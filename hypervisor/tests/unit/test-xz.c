// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/xz*.c: unxz() and xz_uncompressed_size(). Good streams are made
 * at test time by the host's xz(1) and must round-trip byte for byte;
 * broken ones are made by editing those (refreshing CRCs where the test
 * wants to get past them) or built by hand around LZMA2 chunks, and each
 * must fail with the expected error and message. Inputs are copied into
 * buffers of exactly their size so that ASan catches any over-read.
 * The Debian kernel's payload is decoded end to end when it is present.
 */
// sources: common/xz.c common/xz-lzma2.c common/xz-bcj.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <hv/errno.h>
#include <hv/xz.h>

#define HEADER_SIZE	12
#define FOOTER_SIZE	12
#define CHECK_NONE	0x00
#define CHECK_CRC32	0x01
#define CHECK_CRC64	0x04
#define CHECK_SHA256	0x0a

struct buf {
	uint8_t *p;
	size_t n;
	size_t cap;	/* allocated, when grown by buf_append() */
};

/* ---- helpers ------------------------------------------------------------ */

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	assert_non_null(p);
	return p;
}

/* A copy in a buffer of exactly @n bytes, so ASan sees reads past it. */
static uint8_t *exact_copy(const void *p, size_t n)
{
	uint8_t *q = xmalloc(n);

	if (n)
		memcpy(q, p, n);
	return q;
}

static void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = 0;
	b->cap = 0;
}

static void buf_append(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

/* Run "xz @opts" with @data on stdin; returns its stdout. */
static struct buf run_xz(const char *opts, const void *data, size_t len)
{
	char path[] = "/tmp/test-xz-XXXXXX";
	struct buf out = { 0 };
	char cmd[512], chunk[65536];
	const uint8_t *p = data;
	size_t done = 0, got;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	while (done < len) {
		ssize_t w = write(fd, p + done, len - done);

		assert_true(w > 0);
		done += (size_t)w;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "xz %s < %s", opts, path);
	f = popen(cmd, "r");
	assert_non_null(f);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&out, chunk, got);
	if (pclose(f) != 0)
		fail_msg("\"%s\" failed", cmd);
	unlink(path);
	return out;
}

static struct buf compress(const char *opts, const void *data, size_t len)
{
	char full[256];

	snprintf(full, sizeof(full), "-c -T1 %s", opts);
	return run_xz(full, data, len);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static struct buf gen_random(size_t n)
{
	struct buf b = { xmalloc(n), n, n };
	size_t i;

	for (i = 0; i < n; i++)
		b.p[i] = (uint8_t)rng();
	return b;
}

static struct buf gen_text(size_t n)
{
	static const char *const words[] = {
		"the", "hypervisor", "loads", "a", "kernel", "whose",
		"payload", "is", "compressed", "with", "xz", "and", "filtered",
		"by", "BCJ", "domain", "builder", "page", "table", "of",
		"guest", "memory",
	};
	struct buf b = { xmalloc(n), n, n };
	size_t i = 0;

	while (i < n) {
		const char *w = words[rng() % (ARRAY_SIZE(words))];
		size_t k;

		for (k = 0; w[k] && i < n; k++)
			b.p[i++] = (uint8_t)w[k];
		if (i < n)
			b.p[i++] = rng() % 11 ? ' ' : '\n';
	}
	return b;
}

/* Long runs and repeats: overlapping copies and long matches. */
static struct buf gen_repetitive(size_t n)
{
	struct buf b = { xmalloc(n), n, n };
	size_t i = 0;

	while (i < n) {
		size_t run = 1 + rng() % 5000, k;
		uint8_t c = (uint8_t)rng();
		unsigned int period = 1 + rng() % 7;

		for (k = 0; k < run && i < n; k++, i++)
			b.p[i] = rng() % 3 ? (uint8_t)(c + k % period) : 0;
	}
	return b;
}

/* Dense in E8/E9 opcodes and 0x00/0xff bytes: every BCJ history case. */
static struct buf gen_branchy(size_t n)
{
	static const uint8_t pick[] = { 0xe8, 0xe9, 0x00, 0xff, 0x0f, 0x48 };
	struct buf b = { xmalloc(n), n, n };
	size_t i;

	for (i = 0; i < n; i++)
		b.p[i] = rng() % 4 ? pick[rng() % ARRAY_SIZE(pick)] :
				     (uint8_t)rng();
	return b;
}

static struct buf read_file(const char *path)
{
	struct buf b = { 0 };
	char chunk[65536];
	size_t got;
	FILE *f = fopen(path, "rb");

	if (!f)
		return b;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, got);
	fclose(f);
	return b;
}

static uint32_t crc32_ref(const uint8_t *p, size_t n)
{
	uint32_t c = ~0U;
	int k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (c & 1 ? 0xedb88320U : 0);
	}
	return ~c;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void fix_header_crc(uint8_t *s)
{
	put_le32(s + 8, crc32_ref(s + 6, 2));
}

static void fix_footer_crc(uint8_t *s, size_t n)
{
	put_le32(s + n - FOOTER_SIZE, crc32_ref(s + n - 8, 6));
}

static size_t index_size(const uint8_t *s, size_t n)
{
	return ((size_t)get_le32(s + n - 8) + 1) * 4;
}

static size_t index_pos(const uint8_t *s, size_t n)
{
	return n - FOOTER_SIZE - index_size(s, n);
}

static void fix_index_crc(uint8_t *s, size_t n)
{
	size_t ip = index_pos(s, n), sz = index_size(s, n);

	put_le32(s + ip + sz - 4, crc32_ref(s + ip, sz - 4));
}

static size_t block_header_size(const uint8_t *s, size_t pos)
{
	return ((size_t)s[pos] + 1) * 4;
}

static void fix_block_header_crc(uint8_t *s, size_t pos)
{
	size_t hs = block_header_size(s, pos);

	put_le32(s + pos + hs - 4, crc32_ref(s + pos, hs - 4));
}

/* Skip a variable-length integer at s[pos]. */
static size_t vli_skip(const uint8_t *s, size_t pos)
{
	while (s[pos] & 0x80)
		pos++;
	return pos + 1;
}

static uint64_t vli_read(const uint8_t *s, size_t pos)
{
	uint64_t v = 0;
	unsigned int i = 0;

	do
		v |= (uint64_t)(s[pos] & 0x7f) << (7 * i++);
	while (s[pos++] & 0x80);
	return v;
}

/* Rewrite the integer at s[pos] with @v, which must take as many bytes. */
static void vli_rewrite(uint8_t *s, size_t pos, uint64_t v)
{
	size_t end = vli_skip(s, pos);

	while (pos < end) {
		s[pos] = (uint8_t)(v & 0x7f) | (pos + 1 < end ? 0x80 : 0);
		v >>= 7;
		pos++;
	}
	assert_int_equal(v, 0);
}

/* unxz() on an exact copy of @in, into a buffer of @cap bytes. */
static int decode(const void *in, size_t in_len, size_t cap, struct buf *out,
		  const char **why)
{
	uint8_t *copy = exact_copy(in, in_len);
	size_t len = 0xdead;
	int rc;

	out->p = xmalloc(cap);
	out->cap = cap;
	*why = "unset";
	rc = unxz(copy, in_len, out->p, cap, &len, why);
	out->n = rc ? 0 : len;
	free(copy);
	return rc;
}

/* The stream must fail with -EINVAL and a message containing @what. */
static void expect_einval(const void *in, size_t in_len, size_t cap,
			  const char *what)
{
	struct buf out;
	const char *why;
	int rc = decode(in, in_len, cap, &out, &why);

	buf_free(&out);
	if (rc != -EINVAL)
		fail_msg("expected -EINVAL (%s), got %d", what, rc);
	assert_non_null(why);
	assert_int_equal(strncmp(why, "xz: ", 4), 0);
	if (!strstr(why, what))
		fail_msg("message \"%s\" lacks \"%s\"", why, what);
}

static bool size_of(const void *in, size_t in_len, uint64_t *size)
{
	uint8_t *copy = exact_copy(in, in_len);
	bool ok = xz_uncompressed_size(copy, in_len, size);

	free(copy);
	return ok;
}

/*
 * Compress @data with "xz @opts" and check that unxz() gives it back into
 * a buffer of exactly its size, that the index reports that size, and that
 * one byte less is -ENOSPC.
 */
static void roundtrip(const void *data, size_t len, const char *opts)
{
	struct buf z = compress(opts, data, len), out;
	const char *why;
	uint64_t size = 0;
	int rc;

	rc = decode(z.p, z.n, len, &out, &why);
	if (rc)
		fail_msg("unxz after \"xz %s\" of %zu bytes: %d %s", opts, len,
			 rc, why);
	assert_null(why);
	assert_int_equal(out.n, len);
	if (len)
		assert_memory_equal(out.p, data, len);
	buf_free(&out);

	assert_true(size_of(z.p, z.n, &size));
	assert_int_equal(size, len);

	if (len) {
		rc = decode(z.p, z.n, len - 1, &out, &why);
		assert_int_equal(rc, -ENOSPC);
		assert_non_null(strstr(why, "does not fit"));
		buf_free(&out);
	}
	buf_free(&z);
}

/* ---- round trips -------------------------------------------------------- */

static void test_empty(void **state)
{
	roundtrip("", 0, "");
	roundtrip("", 0, "--check=none");
}

static void test_one_byte(void **state)
{
	roundtrip("x", 1, "");
	roundtrip("\0", 1, "--check=crc32");
}

static void test_text(void **state)
{
	struct buf t = gen_text(200000);

	roundtrip(t.p, t.n, "");
	buf_free(&t);
}

/* Incompressible data: LZMA2 stores it in uncompressed chunks. */
static void test_random_uses_uncompressed_chunks(void **state)
{
	struct buf r = gen_random(300000);
	struct buf z = compress("--check=crc32", r.p, r.n);
	size_t data = HEADER_SIZE + block_header_size(z.p, HEADER_SIZE);

	assert_int_equal(z.p[data], 0x01);	/* copy chunk, new dictionary */
	buf_free(&z);
	roundtrip(r.p, r.n, "--check=crc32");
	buf_free(&r);
}

static void test_repetitive(void **state)
{
	struct buf r = gen_repetitive(1 << 20);

	roundtrip(r.p, r.n, "-6");
	buf_free(&r);
}

/* Over 1 MB with all kinds of content, in one block and in several. */
static void test_large_mixed(void **state)
{
	struct buf parts[3] = {
		gen_text(1 << 20), gen_random(300000), gen_repetitive(1 << 20)
	};
	struct buf all = { 0 };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		buf_append(&all, parts[i].p, parts[i].n);
		/* Repeat a third: matches from far back. */
		buf_append(&all, parts[i].p, parts[i].n / 3);
		buf_free(&parts[i]);
	}
	roundtrip(all.p, all.n, "");
	roundtrip(all.p, all.n, "--block-size=300KiB");
	buf_free(&all);
}

static void test_checks(void **state)
{
	struct buf t = gen_text(50000);

	roundtrip(t.p, t.n, "--check=none");
	roundtrip(t.p, t.n, "--check=crc32");
	roundtrip(t.p, t.n, "--check=crc64");
	roundtrip(t.p, t.n, "--check=sha256");
	buf_free(&t);
}

static void test_presets(void **state)
{
	struct buf t = gen_text(600000);

	roundtrip(t.p, t.n, "-0");
	roundtrip(t.p, t.n, "-9e");
	buf_free(&t);
}

static void test_lzma2_lc_lp_pb(void **state)
{
	struct buf t = gen_text(100000);

	roundtrip(t.p, t.n, "--lzma2=lc=4,lp=0");
	roundtrip(t.p, t.n, "--lzma2=lc=0,lp=4,pb=4");
	roundtrip(t.p, t.n, "--lzma2=lc=1,lp=3,pb=0");
	roundtrip(t.p, t.n, "--lzma2=lc=2,lp=2,pb=1,dict=4KiB");
	buf_free(&t);
}

/* Multi-threaded xz writes both sizes into every block header. */
static void test_block_headers_with_sizes(void **state)
{
	struct buf t = gen_text(400000);
	struct buf z = run_xz("-c -T2 --block-size=64KiB", t.p, t.n);

	assert_int_equal(z.p[HEADER_SIZE + 1] & 0xc0, 0xc0);
	buf_free(&z);
	roundtrip(t.p, t.n, "-T2 --block-size=64KiB");
	buf_free(&t);
}

static const char *const x86_binaries[] = {
	"/usr/lib/x86_64-linux-gnu/libc.so.6",
	"/usr/bin/gcc",
	"/bin/sh",
};

static struct buf x86_code(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(x86_binaries); i++) {
		struct buf b = read_file(x86_binaries[i]);

		/* A megabyte is plenty, and keeps xz(1) quick. */
		if (b.n > 1000000)
			b.n = 1000000;
		if (b.n > 100000)
			return b;
		buf_free(&b);
	}
	return (struct buf){ 0 };
}

static void test_bcj_x86_real_code(void **state)
{
	struct buf code = x86_code();

	if (!code.p) {
		print_message("no x86 binary found\n");
		skip();
	}
	roundtrip(code.p, code.n, "--x86 --lzma2");
	roundtrip(code.p, code.n, "--x86 --lzma2 --check=crc32");
	/* Each block restarts the filter at its own first byte. */
	roundtrip(code.p, code.n, "--x86 --lzma2 --block-size=64KiB");
	roundtrip(code.p, code.n, "-T2 --x86 --lzma2 --block-size=100000");
	roundtrip(code.p, code.n, "--x86=start=74565 --lzma2");
	buf_free(&code);
}

static void test_bcj_x86_dense_branches(void **state)
{
	struct buf b = gen_branchy(200000);
	size_t n;

	roundtrip(b.p, b.n, "--x86 --lzma2");
	roundtrip(b.p, b.n, "--x86=start=4294967000 --lzma2");
	/* Short inputs: the last four bytes are never filtered. */
	for (n = 0; n < 12; n++)
		roundtrip(b.p, n, "--x86 --lzma2");
	buf_free(&b);
}

/* The filter on its own, against values worked out by hand. */
static void test_bcj_x86_direct(void **state)
{
	/* Absolute 5 at offset 0 is a CALL to the next instruction. */
	uint8_t a[] = { 0xe8, 0x05, 0x00, 0x00, 0x00 };
	uint8_t a_dec[] = { 0xe8, 0x00, 0x00, 0x00, 0x00 };
	/* Absolute 0 is 5 bytes back: the top byte becomes 0xff. */
	uint8_t b[] = { 0x90, 0xe9, 0x00, 0x00, 0x00, 0x00 };
	uint8_t b_dec[] = { 0x90, 0xe9, 0xfa, 0xff, 0xff, 0xff };
	/* Implausible top byte: left alone; so is an opcode in the tail. */
	uint8_t c[] = { 0xe8, 0x01, 0x02, 0x03, 0x04, 0x90, 0xe8, 0x05, 0x00 };
	uint8_t c_dec[sizeof(c)];
	/* With a start offset, absolute 0x1005 at 0 is relative 0. */
	uint8_t d[] = { 0xe8, 0x05, 0x10, 0x00, 0x00 };

	memcpy(c_dec, c, sizeof(c));
	xz_bcj_x86_decode(a, sizeof(a), 0);
	assert_memory_equal(a, a_dec, sizeof(a));
	xz_bcj_x86_decode(b, sizeof(b), 0);
	assert_memory_equal(b, b_dec, sizeof(b));
	xz_bcj_x86_decode(c, sizeof(c), 0);
	assert_memory_equal(c, c_dec, sizeof(c));
	xz_bcj_x86_decode(d, sizeof(d), 0x1000);
	assert_memory_equal(d, a_dec, sizeof(d));
	xz_bcj_x86_decode(a, 4, 0);	/* too short to hold an instruction */
}

/* Concatenated streams, stream padding and trailing bytes. */
static void test_concatenation_and_trailing_bytes(void **state)
{
	struct buf t1 = gen_text(30000), t2 = gen_random(20000);
	struct buf z1 = compress("--check=crc64", t1.p, t1.n);
	struct buf z2 = compress("--check=crc32", t2.p, t2.n);
	static const uint8_t zeros[8], junk[] = { 0x12, 0x34, 0x56, 0x78, 0 };
	struct buf in = { 0 }, out;
	const char *why;
	uint64_t size;

	/* One stream followed by the kernel's 4-byte size (or any junk). */
	buf_append(&in, z1.p, z1.n);
	buf_append(&in, junk, sizeof(junk));
	assert_int_equal(decode(in.p, in.n, t1.n, &out, &why), 0);
	assert_int_equal(out.n, t1.n);
	buf_free(&out);
	assert_false(size_of(in.p, in.n, &size));	/* must end at in_len */
	assert_true(size_of(in.p, z1.n, &size));
	assert_int_equal(size, t1.n);
	buf_free(&in);

	/* Two streams with eight bytes of padding, then junk. */
	buf_append(&in, z1.p, z1.n);
	buf_append(&in, zeros, 8);
	buf_append(&in, z2.p, z2.n);
	buf_append(&in, junk, 3);
	assert_int_equal(decode(in.p, in.n, t1.n + t2.n, &out, &why), 0);
	assert_int_equal(out.n, t1.n + t2.n);
	assert_memory_equal(out.p, t1.p, t1.n);
	assert_memory_equal(out.p + t1.n, t2.p, t2.n);
	buf_free(&out);
	buf_free(&in);

	/* Back to back; the size is that of the stream ending at in_len. */
	buf_append(&in, z1.p, z1.n);
	buf_append(&in, z2.p, z2.n);
	assert_int_equal(decode(in.p, in.n, t1.n + t2.n, &out, &why), 0);
	assert_int_equal(out.n, t1.n + t2.n);
	buf_free(&out);
	assert_true(size_of(in.p, in.n, &size));
	assert_int_equal(size, t2.n);
	/* A broken second stream fails the whole decode. */
	in.p[in.n - 1] ^= 1;
	expect_einval(in.p, in.n, t1.n + t2.n, "footer magic");
	buf_free(&in);

	/* Padding not in groups of four: the rest is trailing junk. */
	buf_append(&in, z1.p, z1.n);
	buf_append(&in, zeros, 3);
	buf_append(&in, z2.p, z2.n);
	assert_int_equal(decode(in.p, in.n, t1.n + t2.n, &out, &why), 0);
	assert_int_equal(out.n, t1.n);
	buf_free(&out);
	buf_free(&in);

	/* Junk that starts like a stream header is decoded, and fails. */
	buf_append(&in, z1.p, z1.n);
	buf_append(&in, z2.p, HEADER_SIZE + 5);
	expect_einval(in.p, in.n, t1.n + t2.n, "truncated");
	buf_free(&in);

	buf_free(&z1);
	buf_free(&z2);
	buf_free(&t1);
	buf_free(&t2);
}

/* ---- damaged streams ----------------------------------------------------- */

static const char *const small_stream_opts[] = {
	"--check=crc64",
	"--check=crc32 --x86 --lzma2",
	"--check=none",
	"-T2 --block-size=100 --check=crc32",
};

/* Every proper prefix of a stream is -EINVAL and has no known size. */
static void test_truncation_at_every_length(void **state)
{
	struct buf t = gen_text(300);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(small_stream_opts); i++) {
		struct buf z = compress(small_stream_opts[i], t.p, t.n);
		size_t n;

		for (n = 0; n < z.n; n++) {
			struct buf out;
			const char *why;
			uint64_t size;
			int rc = decode(z.p, n, t.n, &out, &why);

			if (rc != -EINVAL)
				fail_msg("%s: prefix %zu of %zu gave %d",
					 small_stream_opts[i], n, z.n, rc);
			buf_free(&out);
			assert_false(size_of(z.p, n, &size));
		}
		buf_free(&z);
	}
	buf_free(&t);
}

/*
 * Flip every bit of small streams. With a check every flip must be caught
 * (each byte is covered by a CRC, the LZMA2 structure or the check);
 * without one, it must at least never crash.
 */
static void test_every_bit_flip(void **state)
{
	struct buf t = gen_text(200);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(small_stream_opts); i++) {
		bool checked = !strstr(small_stream_opts[i], "none");
		struct buf z = compress(small_stream_opts[i], t.p, t.n);
		size_t pos;
		int bit;

		for (pos = 0; pos < z.n; pos++) {
			for (bit = 0; bit < 8; bit++) {
				struct buf out;
				const char *why;
				int rc;

				z.p[pos] ^= 1 << bit;
				rc = decode(z.p, z.n, t.n + 64, &out, &why);
				z.p[pos] ^= 1 << bit;
				buf_free(&out);
				if (rc != 0 && rc != -EINVAL && rc != -ENOSPC)
					fail_msg("rc %d", rc);
				if (checked && rc == 0)
					fail_msg("%s: bit %d at %zu missed",
						 small_stream_opts[i], bit,
						 pos);
			}
		}
		buf_free(&z);
	}
	buf_free(&t);
}

/* Random multi-byte damage to a larger stream. */
static void test_random_damage(void **state)
{
	struct buf code = x86_code(), t = gen_text(40000);
	struct buf src = code.p ? code : t;
	struct buf z;
	size_t len = src.n < 200000 ? src.n : 200000;
	unsigned int iter;

	z = compress("--x86 --lzma2 --check=crc32 --block-size=50000",
		     src.p, len);
	for (iter = 0; iter < 300; iter++) {
		struct buf bad = { exact_copy(z.p, z.n), z.n, z.n }, out;
		unsigned int k, nr = 1 + rng() % 8;
		const char *why;
		int rc;

		for (k = 0; k < nr; k++)
			bad.p[rng() % bad.n] = (uint8_t)rng();
		if (!memcmp(bad.p, z.p, z.n)) {
			buf_free(&bad);
			continue;
		}
		rc = decode(bad.p, bad.n, len, &out, &why);
		assert_true(rc == -EINVAL || rc == -ENOSPC);
		buf_free(&out);
		buf_free(&bad);
	}
	buf_free(&z);
	buf_free(&code);
	buf_free(&t);
}

static void test_stream_header_errors(void **state)
{
	struct buf t = gen_text(1000);
	struct buf z = compress("--check=crc64", t.p, t.n);
	uint8_t *s = z.p;
	uint64_t size;

	s[0] ^= 0x40;
	expect_einval(s, z.n, t.n, "header magic");
	assert_false(size_of(s, z.n, &size));
	s[0] ^= 0x40;

	s[9] ^= 1;
	expect_einval(s, z.n, t.n, "header CRC32");
	assert_false(size_of(s, z.n, &size));
	s[9] ^= 1;

	/* Reserved bits, with a valid CRC and a matching footer. */
	s[7] |= 0x10;
	fix_header_crc(s);
	s[z.n - 3] |= 0x10;
	fix_footer_crc(s, z.n);
	expect_einval(s, z.n, t.n, "reserved");
	s[6] = 1;
	s[7] &= 0x0f;
	fix_header_crc(s);
	expect_einval(s, z.n, t.n, "reserved");

	buf_free(&z);
	buf_free(&t);
}

/* Check types xz(1) cannot write, patched into header and footer. */
static void test_unsupported_check(void **state)
{
	struct buf t = gen_text(1000);
	struct buf z = compress("--check=crc32", t.p, t.n);
	uint64_t size;

	z.p[7] = 0x02;
	fix_header_crc(z.p);
	z.p[z.n - 3] = 0x02;
	fix_footer_crc(z.p, z.n);
	expect_einval(z.p, z.n, t.n, "unsupported check type 0x2");
	/* The size needs no check support. */
	assert_true(size_of(z.p, z.n, &size));
	assert_int_equal(size, t.n);
	buf_free(&z);
	buf_free(&t);
}

static void test_unsupported_filters(void **state)
{
	struct buf t = gen_text(1000);
	struct buf z;

	z = compress("--delta=dist=4 --lzma2", t.p, t.n);
	expect_einval(z.p, z.n, t.n,
		      "unsupported filter 0x3 (only x86 BCJ and LZMA2)");
	buf_free(&z);
	z = compress("--arm --lzma2", t.p, t.n);
	expect_einval(z.p, z.n, t.n, "unsupported filter 0x7");
	buf_free(&z);
	z = compress("--x86 --powerpc --lzma2", t.p, t.n);
	expect_einval(z.p, z.n, t.n, "unsupported filter 0x5");
	buf_free(&z);
	buf_free(&t);
}

/* Damage the check value after the (only) block. */
static void check_value_damaged(const char *opts, size_t check_size,
				const char *what)
{
	struct buf t = gen_text(5000);
	struct buf z = compress(opts, t.p, t.n), out;
	size_t at = index_pos(z.p, z.n) - check_size;
	const char *why;

	z.p[at] ^= 0x80;
	if (what) {
		expect_einval(z.p, z.n, t.n, what);
	} else {
		/* Documented limitation: SHA-256 is not verified. */
		assert_int_equal(decode(z.p, z.n, t.n, &out, &why), 0);
		buf_free(&out);
	}
	buf_free(&z);
	buf_free(&t);
}

static void test_wrong_check_value(void **state)
{
	check_value_damaged("--check=crc32", 4, "CRC32 of the decompressed");
	check_value_damaged("--check=crc64", 8, "CRC64 of the decompressed");
	check_value_damaged("--check=sha256", 32, NULL);
}

static void test_output_too_small(void **state)
{
	struct buf t = gen_text(100000), r = gen_random(100000), out;
	struct buf zt = compress("", t.p, t.n), zr = compress("", r.p, r.n);
	struct buf zs = run_xz("-c -T2 --block-size=32KiB", t.p, t.n);
	const char *why;

	assert_int_equal(decode(zt.p, zt.n, 0, &out, &why), -ENOSPC);
	buf_free(&out);
	assert_int_equal(decode(zt.p, zt.n, t.n / 2, &out, &why), -ENOSPC);
	buf_free(&out);
	assert_int_equal(decode(zr.p, zr.n, r.n - 1, &out, &why), -ENOSPC);
	buf_free(&out);
	/* Sizes in the block headers: refused before decoding. */
	assert_int_equal(decode(zs.p, zs.n, t.n - 1, &out, &why), -ENOSPC);
	assert_string_equal(why, "xz: output does not fit in the buffer");
	buf_free(&out);
	assert_int_equal(decode(zs.p, zs.n, t.n, &out, &why), 0);
	buf_free(&out);
	buf_free(&zt);
	buf_free(&zr);
	buf_free(&zs);
	buf_free(&t);
	buf_free(&r);
}

static void test_footer_errors(void **state)
{
	struct buf t = gen_text(2000);
	struct buf z = compress("--check=crc64", t.p, t.n);
	uint8_t *s = z.p, *f = z.p + z.n - FOOTER_SIZE;
	size_t n = z.n;
	uint64_t size;

	f[11] ^= 1;
	expect_einval(s, n, t.n, "footer magic");
	assert_false(size_of(s, n, &size));
	f[11] ^= 1;

	f[2] ^= 1;
	expect_einval(s, n, t.n, "footer CRC32");
	assert_false(size_of(s, n, &size));
	f[2] ^= 1;

	f[9] = CHECK_CRC32;
	fix_footer_crc(s, n);
	expect_einval(s, n, t.n, "footer flags differ");
	assert_false(size_of(s, n, &size));
	f[9] = CHECK_CRC64;
	fix_footer_crc(s, n);

	f[4] += 1;
	fix_footer_crc(s, n);
	expect_einval(s, n, t.n, "backward size");
	assert_false(size_of(s, n, &size));
	f[4] -= 1;
	f[7] = 0xff;		/* an index larger than the input */
	fix_footer_crc(s, n);
	expect_einval(s, n, t.n, "backward size");
	assert_false(size_of(s, n, &size));
	buf_free(&z);
	buf_free(&t);
}

static void test_index_errors(void **state)
{
	struct buf t = gen_text(3000);
	struct buf z = compress("--check=crc32", t.p, t.n);
	uint8_t *s = z.p;
	size_t n = z.n, ip = index_pos(s, n);
	size_t rec = ip + 2;	/* indicator, count (1) */
	size_t usize = vli_skip(s, rec);
	uint64_t size, unpadded;

	assert_int_equal(s[ip], 0x00);
	assert_int_equal(s[ip + 1], 1);

	/* Wrong uncompressed size, with a valid index CRC. */
	s[usize] ^= 1;
	fix_index_crc(s, n);
	expect_einval(s, n, t.n + 2, "index does not match");
	/* Only decoding can tell. */
	assert_true(size_of(s, n, &size));
	assert_int_equal(size, t.n ^ 1);
	s[usize] ^= 1;

	/* Wrong unpadded size: the header is no longer where it says. */
	unpadded = vli_read(s, rec);
	vli_rewrite(s, rec, unpadded + 4);
	fix_index_crc(s, n);
	expect_einval(s, n, t.n, "index does not match");
	assert_false(size_of(s, n, &size));
	vli_rewrite(s, rec, unpadded);

	/* Two records claimed for one block. */
	s[ip + 1] = 2;
	fix_index_crc(s, n);
	expect_einval(s, n, t.n, "index");
	assert_false(size_of(s, n, &size));
	s[ip + 1] = 1;
	fix_index_crc(s, n);

	/* Index CRC itself. */
	s[n - FOOTER_SIZE - 1] ^= 1;
	expect_einval(s, n, t.n, "index CRC32");
	assert_false(size_of(s, n, &size));
	s[n - FOOTER_SIZE - 1] ^= 1;

	assert_true(size_of(s, n, &size));
	assert_int_equal(size, t.n);
	buf_free(&z);
	buf_free(&t);
}

static void test_block_header_errors(void **state)
{
	struct buf t = gen_text(3000);
	struct buf z = compress("--check=crc32", t.p, t.n);
	struct buf zs = run_xz("-c -T2 --block-size=1000 --check=crc32",
			       t.p, t.n);
	uint8_t *s = z.p;
	size_t n = z.n, bh = HEADER_SIZE, hs = block_header_size(s, bh);
	uint64_t csize, usize;
	uint8_t saved;
	size_t p;

	/* Single-threaded xz: size, flags, 21 01 dict, padding, CRC32. */
	assert_int_equal(s[bh + 1], 0x00);
	assert_int_equal(s[bh + 2], 0x21);

	s[bh + 5] ^= 1;
	expect_einval(s, n, t.n, "block header CRC32");
	s[bh + 5] ^= 1;

	s[bh + 1] |= 0x04;
	fix_block_header_crc(s, bh);
	expect_einval(s, n, t.n, "block header has reserved flags");
	s[bh + 1] &= ~0x04;

	s[bh + hs - 5] = 1;
	fix_block_header_crc(s, bh);
	expect_einval(s, n, t.n, "block header padding");
	s[bh + hs - 5] = 0;

	saved = s[bh + 4];
	s[bh + 4] = 41;
	fix_block_header_crc(s, bh);
	expect_einval(s, n, t.n, "bad LZMA2 filter properties");
	s[bh + 4] = saved;
	fix_block_header_crc(s, bh);

	assert_true(n - bh < 1024);
	s[bh] = 0xff;		/* a 1 KiB header, past the end of the data */
	expect_einval(s, n, t.n, "block header is truncated");
	s[bh] = (uint8_t)(hs / 4 - 1);
	assert_int_equal(unxz(s, n, &saved, 0, &p, NULL), -ENOSPC);

	/* Sizes in the header that disagree with the data. */
	s = zs.p;
	n = zs.n;
	assert_int_equal(s[bh + 1] & 0xc0, 0xc0);
	p = bh + 2;
	csize = vli_read(s, p);
	vli_rewrite(s, p, csize + 1);
	fix_block_header_crc(s, bh);
	expect_einval(s, n, t.n, "compressed size differs");
	vli_rewrite(s, p, csize - 1);
	fix_block_header_crc(s, bh);
	expect_einval(s, n, t.n, "LZMA2 data is truncated");
	vli_rewrite(s, p, csize);

	p = vli_skip(s, p);
	usize = vli_read(s, p);
	vli_rewrite(s, p, usize + 1);
	fix_block_header_crc(s, bh);
	expect_einval(s, n, t.n + 1, "uncompressed size differs");
	assert_int_equal(usize, 1000);
	/* The same value, 1000, in a needless third byte. */
	hs = block_header_size(s, bh);
	assert_int_equal(s[p + 2], 0x21);	/* the filter after it */
	/* 21 01 dict, then room for the extra byte */
	assert_true(hs - 4 - (p + 2 - bh) >= 4);
	memmove(s + p + 3, s + p + 2, 3);	/* overwrites the padding */
	s[p] = 0xe8;
	s[p + 1] = 0x87;
	s[p + 2] = 0x00;
	fix_block_header_crc(s, bh);
	expect_einval(s, n, t.n, "bad uncompressed size");
	buf_free(&zs);
	buf_free(&z);
	buf_free(&t);
}

/* ---- hand-built streams around LZMA2 data ------------------------------- */

struct craft {
	uint8_t b[16384];
	size_t n;
};

static void craft_put(struct craft *c, const void *p, size_t n)
{
	assert_true(c->n + n <= sizeof(c->b));
	memcpy(c->b + c->n, p, n);
	c->n += n;
}

static void craft_byte(struct craft *c, uint8_t v)
{
	craft_put(c, &v, 1);
}

static void craft_vli(struct craft *c, uint64_t v)
{
	while (v >= 0x80) {
		craft_byte(c, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	craft_byte(c, (uint8_t)v);
}

static void craft_pad(struct craft *c, size_t from)
{
	while ((c->n - from) % 4)
		craft_byte(c, 0);
}

static void craft_crc(struct craft *c, size_t from)
{
	uint8_t le[4];

	put_le32(le, crc32_ref(c->b + from, c->n - from));
	craft_put(c, le, 4);
}

#define LZMA2_DICT_64K	0x0a	/* (2 | 0) << (5 + 11) */

/*
 * A one-block stream without a check: filter flags @filters (@nr_filters
 * of them), then @data as the block's compressed data, whose size the
 * block header records. The index records @usize as the uncompressed size.
 */
static void craft_stream(struct craft *c, const uint8_t *filters,
			 size_t filters_len, unsigned int nr_filters,
			 const void *data, size_t data_len, uint64_t usize)
{
	static const uint8_t magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	size_t bh, hs, ix;
	uint8_t le[4];

	c->n = 0;
	craft_put(c, magic, sizeof(magic));
	craft_byte(c, 0);
	craft_byte(c, CHECK_NONE);
	craft_crc(c, 6);

	/* With the compressed size, so LZMA2 cannot read past the data. */
	bh = c->n;
	craft_byte(c, 0);	/* header size, below */
	craft_byte(c, (uint8_t)(0x40 | (nr_filters - 1)));
	craft_vli(c, data_len);
	craft_put(c, filters, filters_len);
	craft_pad(c, bh);
	c->b[bh] = (uint8_t)((c->n - bh) / 4);	/* (size with CRC) / 4 - 1 */
	craft_crc(c, bh);
	hs = c->n - bh;

	craft_put(c, data, data_len);
	craft_pad(c, bh);

	ix = c->n;
	craft_byte(c, 0);
	craft_vli(c, 1);
	craft_vli(c, hs + data_len);
	craft_vli(c, usize);
	craft_pad(c, ix);
	craft_crc(c, ix);

	put_le32(le, (uint32_t)((c->n - ix) / 4 - 1));
	{
		size_t f = c->n;

		c->n += 4;
		craft_put(c, le, 4);
		craft_byte(c, 0);
		craft_byte(c, CHECK_NONE);
		craft_byte(c, 'Y');
		craft_byte(c, 'Z');
		put_le32(c->b + f, crc32_ref(c->b + f + 4, 6));
	}
}

static const uint8_t lzma2_only[] = { 0x21, 0x01, LZMA2_DICT_64K };

static void craft_lzma2(struct craft *c, const void *data, size_t len,
			uint64_t usize)
{
	craft_stream(c, lzma2_only, sizeof(lzma2_only), 1, data, len, usize);
}

static void test_crafted_copy_chunks(void **state)
{
	static const uint8_t data[] = {
		0x01, 0x00, 0x04, 'h', 'e', 'l', 'l', 'o',
		0x02, 0x00, 0x05, ' ', 'w', 'o', 'r', 'l', 'd',
		0x01, 0x00, 0x00, '!',	/* a dictionary reset is allowed */
		0x00,
	};
	struct craft c;
	struct buf out;
	const char *why;
	uint64_t size;

	craft_lzma2(&c, data, sizeof(data), 12);
	assert_int_equal(decode(c.b, c.n, 12, &out, &why), 0);
	assert_int_equal(out.n, 12);
	assert_memory_equal(out.p, "hello world!", 12);
	buf_free(&out);
	assert_true(size_of(c.b, c.n, &size));
	assert_int_equal(size, 12);
	assert_int_equal(decode(c.b, c.n, 11, &out, &why), -ENOSPC);
	buf_free(&out);

	/* The index must agree. */
	craft_lzma2(&c, data, sizeof(data), 13);
	expect_einval(c.b, c.n, 20, "index does not match");
}

static void test_crafted_lzma2_errors(void **state)
{
	static const struct {
		uint8_t data[16];
		size_t len;
		const char *what;
	} rows[] = {
		/* No dictionary reset first. */
		{ { 0x02, 0x00, 0x00, 'a', 0x00 }, 5, "dictionary reset" },
		{ { 0xc0, 0, 0, 0, 0x04, 0x00 }, 6, "dictionary reset" },
		/* Control bytes 0x03..0x7f do not exist. */
		{ { 0x03, 0x00 }, 2, "control byte" },
		{ { 0x01, 0x00, 0x00, 'a', 0x7f }, 5, "control byte" },
		/* After a dictionary reset, LZMA needs new properties. */
		{ { 0x01, 0x00, 0x00, 'a', 0xa0, 0x00, 0x00, 0x00, 0x04 }, 9,
		  "lacks properties" },
		{ { 0x01, 0x00, 0x00, 'a', 0x80, 0x00, 0x00, 0x00, 0x04 }, 9,
		  "lacks properties" },
		/* lc + lp > 4, and a properties byte beyond 9 * 5 * 5. */
		{ { 0xe0, 0x00, 0x00, 0x00, 0x04, 13 }, 6, "bad lc/lp/pb" },
		{ { 0xe0, 0x00, 0x00, 0x00, 0x04, 225 }, 6, "bad lc/lp/pb" },
		/* Range coder: first byte must be zero, and five bytes. */
		{ { 0xe0, 0x00, 0x00, 0x00, 0x04, 0x5d, 1, 0, 0, 0, 0, 0 }, 12,
		  "range coder" },
		{ { 0xe0, 0x00, 0x00, 0x00, 0x03, 0x5d, 0, 0, 0, 0, 0 }, 11,
		  "range coder" },
		/* Truncated headers, chunk data and end marker. */
		{ { 0x01 }, 1, "LZMA2 data is truncated" },
		{ { 0x01, 0x00, 0x05, 'a' }, 4, "LZMA2 data is truncated" },
		{ { 0xe0, 0x00, 0x00 }, 3, "LZMA2 data is truncated" },
		{ { 0x01, 0x00, 0x00, 'a' }, 4, "LZMA2 data is truncated" },
		/* Range-coded data left over after the chunk's output. */
		{ { 0xe0, 0, 0, 0, 0x06, 0x5d, 0, 0, 0, 0, 0, 0, 0, 0 }, 14,
		  "chunk size does not match" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct craft c;

		craft_lzma2(&c, rows[i].data, rows[i].len, 1);
		expect_einval(c.b, c.n, 64, rows[i].what);
	}
}

static void test_crafted_filter_chains(void **state)
{
	static const uint8_t data[] = { 0x01, 0x00, 0x00, 'a', 0x00 };
	static const struct {
		uint8_t filters[16];
		size_t len;
		unsigned int nr;
		const char *what;	/* NULL: decodes */
	} rows[] = {
		{ { 0x04, 0x00, 0x21, 0x01, 0x0a }, 5, 2, NULL },
		{ { 0x04, 0x04, 1, 0, 0, 0, 0x21, 0x01, 0x0a }, 9, 2, NULL },
		{ { 0x21, 0x01, 0x0a, 0x04, 0x00 }, 5, 2,
		  "LZMA2 must be the last filter" },
		{ { 0x04, 0x00 }, 2, 1, "last filter must be LZMA2" },
		{ { 0x04, 0, 0x04, 0, 0x21, 0x01, 0x0a }, 7, 3, "twice" },
		{ { 0x04, 0x01, 0x00, 0x21, 0x01, 0x0a }, 6, 2, "bad x86 BCJ" },
		{ { 0x21, 0x00 }, 2, 1, "bad LZMA2 filter properties" },
		{ { 0x21, 0x02, 0x0a, 0 }, 4, 1, "bad LZMA2 filter" },
		{ { 0x21, 0x7f, 0x0a }, 3, 1, "corrupt filter flags" },
		{ { 0x21, 0x05, 0x0a }, 3, 1, "corrupt filter flags" },
		/* A filter ID longer than nine bytes. */
		{ { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 1 },
		  10, 1, "corrupt filter flags" },
		{ { 0x0a, 0, 0x21, 0x01, 0x0a }, 5, 2,
		  "unsupported filter 0xa (" },
		{ { 0x80, 0x01, 0x00, 0x21, 0x01, 0x0a }, 6, 2,
		  "unsupported filter 0x80" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct craft c;
		struct buf out;
		const char *why;

		craft_stream(&c, rows[i].filters, rows[i].len, rows[i].nr,
			     data, sizeof(data), 1);
		if (rows[i].what) {
			expect_einval(c.b, c.n, 8, rows[i].what);
			continue;
		}
		assert_int_equal(decode(c.b, c.n, 1, &out, &why), 0);
		assert_int_equal(out.n, 1);
		buf_free(&out);
	}
}

/*
 * Just enough of an LZMA encoder to hand-build packets. Every bit is coded
 * with probability one half, which is what a freshly reset model holds, so
 * a chunk built with it may use each context only once.
 */
struct rcenc {
	struct craft *out;
	uint64_t low;		/* 32 bits plus a carry */
	uint32_t range;
	uint8_t cache;		/* first byte held back in case of a carry */
	size_t ff_run;		/* 0xff bytes held back after it */
};

static void rcenc_init(struct rcenc *e, struct craft *out)
{
	*e = (struct rcenc){ .out = out, .range = UINT32_MAX };
}

static void rcenc_shift(struct rcenc *e)
{
	if ((uint32_t)e->low < 0xff000000U || (e->low >> 32)) {
		uint8_t carry = (uint8_t)(e->low >> 32);

		craft_byte(e->out, (uint8_t)(e->cache + carry));
		for (; e->ff_run; e->ff_run--)
			craft_byte(e->out, (uint8_t)(0xff + carry));
		e->cache = (uint8_t)(e->low >> 24);
	} else {
		e->ff_run++;
	}
	e->low = (e->low & 0x00ffffff) << 8;
}

static void rcenc_normalize(struct rcenc *e)
{
	while (e->range < (1U << 24)) {
		e->range <<= 8;
		rcenc_shift(e);
	}
}

/* One bit through a fresh context (probability 1024 of 2048). */
static void rcenc_bit(struct rcenc *e, unsigned int bit)
{
	uint32_t bound = (e->range >> 11) * 1024;

	if (bit) {
		e->low += bound;
		e->range -= bound;
	} else {
		e->range = bound;
	}
	rcenc_normalize(e);
}

static void rcenc_direct(struct rcenc *e, unsigned int bit)
{
	e->range >>= 1;
	if (bit)
		e->low += e->range;
	rcenc_normalize(e);
}

/* @n bits of @v, most significant first (a bit tree). */
static void rcenc_tree(struct rcenc *e, uint32_t v, unsigned int n)
{
	while (n--)
		rcenc_bit(e, (v >> n) & 1);
}

/* @n bits of @v, least significant first (a reverse bit tree). */
static void rcenc_tree_rev(struct rcenc *e, uint32_t v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		rcenc_bit(e, (v >> i) & 1);
}

static void rcenc_flush(struct rcenc *e)
{
	int i;

	for (i = 0; i < 5; i++)
		rcenc_shift(e);
}

/* A literal, in a state after a literal (plain tree). */
static void pkt_literal(struct rcenc *e, uint8_t byte)
{
	rcenc_bit(e, 0);		/* is_match */
	rcenc_tree(e, byte, 8);
}

/* A match of @len (2..9) at distance @dist + 1. */
static void pkt_match(struct rcenc *e, unsigned int len, uint32_t dist)
{
	unsigned int slot, bits;

	rcenc_bit(e, 1);		/* is_match */
	rcenc_bit(e, 0);		/* is_rep */
	rcenc_bit(e, 0);		/* length choice: low */
	rcenc_tree(e, len - 2, 3);
	if (dist < 4) {
		rcenc_tree(e, dist, 6);
		return;
	}
	bits = 31 - __builtin_clz(dist);	/* position of the top bit */
	slot = 2 * bits + ((dist >> (bits - 1)) & 1);
	rcenc_tree(e, slot, 6);
	bits--;				/* bits below the top two */
	if (slot < 14) {
		rcenc_tree_rev(e, dist, bits);
		return;
	}
	while (bits-- > 4)
		rcenc_direct(e, (dist >> bits) & 1);
	rcenc_tree_rev(e, dist & 15, 4);
}

/* A one-byte repeat of the last distance. */
static void pkt_short_rep(struct rcenc *e)
{
	rcenc_bit(e, 1);		/* is_match */
	rcenc_bit(e, 1);		/* is_rep */
	rcenc_bit(e, 0);		/* is_rep0 */
	rcenc_bit(e, 0);		/* is_rep0_long: no, one byte */
}

enum pkt { END, LIT_A, SHORT_REP, MATCH_2_D1, MATCH_2_D4500, MATCH_END_MARKER };

/*
 * Build a stream whose LZMA2 data is @copy_len bytes of copy chunk (if
 * any), then one LZMA chunk (dictionary reset unless after a copy chunk,
 * lc=3 lp=0 pb=2) of @usize bytes holding @pkts.
 */
static void craft_lzma_chunk(struct craft *c, uint8_t dict, size_t copy_len,
			     size_t usize, const enum pkt *pkts)
{
	uint8_t filters[] = { 0x21, 0x01, dict };
	struct craft rc = { .n = 0 };
	struct craft data = { .n = 0 };
	struct rcenc e;
	size_t i;

	rcenc_init(&e, &rc);
	for (; *pkts != END; pkts++) {
		switch (*pkts) {
		case LIT_A:
			pkt_literal(&e, 'A');
			break;
		case SHORT_REP:
			pkt_short_rep(&e);
			break;
		case MATCH_2_D1:
			pkt_match(&e, 2, 0);
			break;
		case MATCH_2_D4500:
			pkt_match(&e, 2, 4499);
			break;
		case MATCH_END_MARKER:
			pkt_match(&e, 2, UINT32_MAX);
			break;
		default:
			break;
		}
	}
	rcenc_flush(&e);

	if (copy_len) {
		craft_byte(&data, 0x01);
		craft_byte(&data, (uint8_t)((copy_len - 1) >> 8));
		craft_byte(&data, (uint8_t)(copy_len - 1));
		for (i = 0; i < copy_len; i++)
			craft_byte(&data, (uint8_t)(i * 7));
	}
	craft_byte(&data, (uint8_t)((copy_len ? 0xc0 : 0xe0) |
				    (usize - 1) >> 16));
	craft_byte(&data, (uint8_t)((usize - 1) >> 8));
	craft_byte(&data, (uint8_t)(usize - 1));
	craft_byte(&data, (uint8_t)((rc.n - 1) >> 8));
	craft_byte(&data, (uint8_t)(rc.n - 1));
	craft_byte(&data, 0x5d);	/* lc=3 lp=0 pb=2 */
	craft_put(&data, rc.b, rc.n);
	craft_byte(&data, 0x00);
	craft_stream(c, filters, sizeof(filters), 1, data.b, data.n,
		     copy_len + usize);
}

static void test_crafted_lzma_packets(void **state)
{
	static const enum pkt lit[] = { LIT_A, END };
	static const enum pkt lit_match[] = { LIT_A, MATCH_2_D1, END };
	static const enum pkt match[] = { MATCH_2_D1, END };
	static const enum pkt rep[] = { SHORT_REP, END };
	static const enum pkt far[] = { MATCH_2_D4500, END };
	static const enum pkt marker[] = { LIT_A, MATCH_END_MARKER, END };
	struct craft c;
	struct buf out;
	const char *why;

	/* The hand-made encoder works: "A", then "AAA". */
	craft_lzma_chunk(&c, LZMA2_DICT_64K, 0, 1, lit);
	assert_int_equal(decode(c.b, c.n, 1, &out, &why), 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.p[0], 'A');
	buf_free(&out);
	craft_lzma_chunk(&c, LZMA2_DICT_64K, 0, 3, lit_match);
	assert_int_equal(decode(c.b, c.n, 3, &out, &why), 0);
	assert_memory_equal(out.p, "AAA", 3);
	buf_free(&out);

	/* A match or rep with nothing behind it. */
	craft_lzma_chunk(&c, LZMA2_DICT_64K, 0, 2, match);
	expect_einval(c.b, c.n, 8, "distance reaches before the dictionary");
	craft_lzma_chunk(&c, LZMA2_DICT_64K, 0, 1, rep);
	expect_einval(c.b, c.n, 8, "distance reaches before the dictionary");

	/* LZMA2 has no end marker: it is a distance like any other. */
	craft_lzma_chunk(&c, LZMA2_DICT_64K, 0, 3, marker);
	expect_einval(c.b, c.n, 8, "distance reaches before the dictionary");

	/* A match may not cross the end of its chunk. */
	craft_lzma_chunk(&c, LZMA2_DICT_64K, 0, 2, lit_match);
	expect_einval(c.b, c.n, 8, "runs past the end of its chunk");

	/* Leftover range coder bits at the end of a chunk. */
	craft_lzma_chunk(&c, LZMA2_DICT_64K, 0, 1, lit);
	c.b[HEADER_SIZE + block_header_size(c.b, HEADER_SIZE) + 6 + 4] ^= 1;
	expect_einval(c.b, c.n, 8, "corrupt range coder");

	/*
	 * 4500 back from the end of a 5000-byte copy chunk: fine in a
	 * 64 KiB dictionary, beyond a 4 KiB one.
	 */
	craft_lzma_chunk(&c, LZMA2_DICT_64K, 5000, 2, far);
	assert_int_equal(decode(c.b, c.n, 5002, &out, &why), 0);
	assert_int_equal(out.n, 5002);
	assert_memory_equal(out.p + 5000, out.p + 500, 2);
	buf_free(&out);
	craft_lzma_chunk(&c, 0x00, 5000, 2, far);
	expect_einval(c.b, c.n, 5002, "distance reaches before the dictionary");
}

/* The first LZMA chunk of the only block; the stream is single-threaded. */
static size_t first_lzma_chunk(const uint8_t *s)
{
	size_t p = HEADER_SIZE + block_header_size(s, HEADER_SIZE);

	while (s[p] == 0x01 || s[p] == 0x02)
		p += 3 + ((size_t)s[p + 1] << 8 | s[p + 2]) + 1;
	assert_true(s[p] >= 0x80);
	return p;
}

/*
 * Random data, then the same again: copy chunks, then an LZMA chunk that
 * matches far back into them. Making that chunk reset the dictionary
 * leaves those matches pointing before its start. (Its first literals
 * also decode differently then, so all that is sure is an LZMA error;
 * test_crafted_lzma_packets checks each such error precisely.)
 */
static void test_far_matches_after_copy_chunks(void **state)
{
	struct buf r = gen_random(200000), twice = { 0 }, z, out;
	const char *why;
	size_t p;

	buf_append(&twice, r.p, r.n);
	buf_append(&twice, r.p, r.n);
	z = compress("--check=none", twice.p, twice.n);
	p = first_lzma_chunk(z.p);
	assert_int_equal(z.p[p] & 0xe0, 0xc0);	/* new props, same dictionary */
	assert_int_equal(decode(z.p, z.n, twice.n, &out, &why), 0);
	assert_memory_equal(out.p, twice.p, twice.n);
	buf_free(&out);

	z.p[p] |= 0xe0;
	expect_einval(z.p, z.n, twice.n, "xz: LZMA");

	/* A chunk claiming one byte less than it decodes to. */
	z.p[p] = (z.p[p] & ~0xe0) | 0xc0;
	if (z.p[p + 2]-- == 0)
		z.p[p + 1]--;
	expect_einval(z.p, z.n, twice.n, "LZMA");
	buf_free(&z);
	buf_free(&twice);
	buf_free(&r);
}

/* ---- xz_uncompressed_size ------------------------------------------------ */

static void test_uncompressed_size(void **state)
{
	struct buf t = gen_text(150000);
	struct buf z = compress("--block-size=10000 --check=crc64", t.p, t.n);
	uint64_t size = 0;

	assert_true(size_of(z.p, z.n, &size));
	assert_int_equal(size, t.n);
	assert_false(size_of(z.p, 0, &size));
	assert_false(size_of(z.p, 23, &size));
	assert_false(size_of(z.p + 4, z.n - 4, &size));	/* header gone */
	assert_false(size_of(z.p, z.n - 4, &size));
	buf_free(&z);

	/* The stream may sit at the end of a larger buffer. */
	{
		struct buf in = { 0 };

		z = compress("", "abc", 3);
		buf_append(&in, "JUNKJUNK", 8);
		buf_append(&in, z.p, z.n);
		assert_true(size_of(in.p, in.n, &size));
		assert_int_equal(size, 3);
		buf_free(&in);
		buf_free(&z);
	}
	buf_free(&t);
}

/* ---- the Debian kernel --------------------------------------------------- */

static const char *const vmlinuz_paths[] = {
	"../build/debian/vmlinuz",	/* run from hypervisor/ */
	"build/debian/vmlinuz",		/* run from the top */
};

#define SETUP_SECTS		0x1f1
#define SETUP_SECTS_DEFAULT	4
#define SECTOR_SIZE		512
#define PAYLOAD_OFFSET		0x248
#define PAYLOAD_LENGTH		0x24c

static void test_debian_kernel_payload(void **state)
{
	const char *env = getenv("WARD_VMLINUZ");
	struct buf k = { 0 }, out, ref;
	const uint8_t *payload;
	size_t pm, off, len, expect;
	struct timespec a, b;
	const char *why;
	uint64_t size;
	unsigned int i;
	int rc;

	if (env)
		k = read_file(env);
	for (i = 0; !k.p && i < ARRAY_SIZE(vmlinuz_paths); i++)
		k = read_file(vmlinuz_paths[i]);
	if (!k.p) {
		print_message("no Debian kernel; get it with scripts/fetch-debian-kernel.sh build/debian/vmlinuz\n");
		skip();
	}

	assert_true(k.n > PAYLOAD_LENGTH + 4);
	pm = ((size_t)(k.p[SETUP_SECTS] ? k.p[SETUP_SECTS] :
		       SETUP_SECTS_DEFAULT) + 1) * SECTOR_SIZE;
	off = get_le32(k.p + PAYLOAD_OFFSET);
	len = get_le32(k.p + PAYLOAD_LENGTH);
	assert_true(pm + off + len <= k.n && len > 4);
	payload = k.p + pm + off;
	/* The kernel build appends the uncompressed size to the stream. */
	expect = get_le32(payload + len - 4);

	assert_true(size_of(payload, len - 4, &size));
	assert_int_equal(size, expect);
	assert_false(size_of(payload, len, &size));

	{
		uint8_t *copy = exact_copy(payload, len);
		size_t got = 0;

		out.p = xmalloc(expect);
		clock_gettime(CLOCK_MONOTONIC, &a);
		rc = unxz(copy, len, out.p, expect, &got, &why);
		clock_gettime(CLOCK_MONOTONIC, &b);
		free(copy);
		if (rc)
			fail_msg("unxz: %d %s", rc, why);
		out.n = got;
	}
	print_message("decoded %zu -> %zu bytes in %.2f s (this build)\n", len,
		      out.n, (double)(b.tv_sec - a.tv_sec) +
		      (b.tv_nsec - a.tv_nsec) / 1e9);
	assert_int_equal(out.n, expect);
	assert_memory_equal(out.p, "\177ELF\002", 5);	/* ELF64 vmlinux */

	ref = run_xz("-dc --single-stream", payload, len);
	assert_int_equal(ref.n, out.n);
	assert_memory_equal(ref.p, out.p, out.n);

	buf_free(&ref);
	buf_free(&out);
	buf_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one_byte),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_random_uses_uncompressed_chunks),
		cmocka_unit_test(test_repetitive),
		cmocka_unit_test(test_large_mixed),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_lzma2_lc_lp_pb),
		cmocka_unit_test(test_block_headers_with_sizes),
		cmocka_unit_test(test_bcj_x86_real_code),
		cmocka_unit_test(test_bcj_x86_dense_branches),
		cmocka_unit_test(test_bcj_x86_direct),
		cmocka_unit_test(test_concatenation_and_trailing_bytes),
		cmocka_unit_test(test_truncation_at_every_length),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_random_damage),
		cmocka_unit_test(test_stream_header_errors),
		cmocka_unit_test(test_unsupported_check),
		cmocka_unit_test(test_unsupported_filters),
		cmocka_unit_test(test_wrong_check_value),
		cmocka_unit_test(test_output_too_small),
		cmocka_unit_test(test_footer_errors),
		cmocka_unit_test(test_index_errors),
		cmocka_unit_test(test_block_header_errors),
		cmocka_unit_test(test_crafted_copy_chunks),
		cmocka_unit_test(test_crafted_lzma2_errors),
		cmocka_unit_test(test_crafted_filter_chains),
		cmocka_unit_test(test_crafted_lzma_packets),
		cmocka_unit_test(test_far_matches_after_copy_chunks),
		cmocka_unit_test(test_uncompressed_size),
		cmocka_unit_test(test_debian_kernel_payload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
