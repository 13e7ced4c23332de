// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/kernel-image.c: recognising and unpacking dom0 kernels, with the
 * real gzip and xz decoders linked in.
 *
 * Synthetic inputs are made at run time: a small ELF-looking payload,
 * compressed by the host's gzip and xz (xz with Linux's x86 BCJ + LZMA2
 * + CRC32 choice), wrapped in a minimal bzImage setup header. Each
 * refusal is checked by its message, and every prefix of the inputs is
 * fed in under ASan. Then the real kernels: Debian's build/debian/vmlinuz
 * (bzImage, xz) and our build/kernel/bzImage (bzImage, gzip), unpacked
 * and handed to elf.c end to end.
 */
// sources: common/kernel-image.c common/elf.c common/inflate.c common/xz.c common/xz-lzma2.c common/xz-bcj.c
#define _GNU_SOURCE		/* memmem */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <hv/elf.h>
#include <hv/errno.h>
#include <hv/kernel-image.h>

/* The x86 boot protocol's setup header, as the test writes it. */
#define BZ_SETUP_SECTS		0x1f1
#define BZ_BOOT_FLAG		0x1fe
#define BZ_HEADER		0x202
#define BZ_VERSION		0x206
#define BZ_PAYLOAD_OFFSET	0x248
#define BZ_PAYLOAD_LENGTH	0x24c
#define BZ_SECTOR		512

#define FX_SETUP_SECTS		2
#define FX_PM_START		((FX_SETUP_SECTS + 1) * BZ_SECTOR)
#define FX_PAYLOAD_REL		0x100	/* payload_offset: from the pm part */
#define FX_PAYLOAD_AT		(FX_PM_START + FX_PAYLOAD_REL)
#define FX_TAIL			64	/* after the payload, as in real images */
#define FX_VERSION		0x020f

#define ELF_LEN			(64 * 1024)	/* the uncompressed "kernel" */
#define XZ_SIZE_WORD		4

struct blob {
	uint8_t *p;
	size_t len;
};

static struct blob elf_plain;	/* ELF magic, then a pattern */
static struct blob elf_gz;	/* gzip -9n of it */
static struct blob elf_xz;	/* xz --x86 --lzma2 --check=crc32 of it */
static struct blob text_gz;	/* gzip of something that is not ELF */

/* ---- host helpers ------------------------------------------------------ */

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n ?: 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Run "@cmd < (@in)" through the shell and return its output. */
static struct blob filter(const char *cmd, const void *in, size_t len)
{
	char tmp[] = "/tmp/test-kernel-image-XXXXXX", line[512];
	struct blob out = { 0 };
	size_t cap = 1 << 16, got;
	FILE *f;
	int fd = mkstemp(tmp);

	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_int_equal(fwrite(in, 1, len, f), len);
	fclose(f);
	snprintf(line, sizeof(line), "%s < '%s'", cmd, tmp);
	f = popen(line, "r");
	assert_non_null(f);
	out.p = malloc(cap);
	while ((got = fread(out.p + out.len, 1, cap - out.len, f)) > 0) {
		out.len += got;
		if (out.len == cap)
			out.p = realloc(out.p, cap *= 2);
	}
	assert_int_equal(pclose(f), 0);
	unlink(tmp);
	return out;
}

/* @rel under the build directory: this binary is O/tests/unit/<name>. */
static const char *build_path(const char *rel)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n < 0)
		return rel;
	path[n] = '\0';
	for (unsigned int up = 0; up < 3; up++) {
		char *slash = strrchr(path, '/');

		if (slash)
			*slash = '\0';
	}
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", rel);
	return path;
}

static bool nm_symbol(const char *path, const char *sym, uint64_t *addr)
{
	char cmd[PATH_MAX + 32], line[512], name[256], type;
	unsigned long long a;
	bool found = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "nm '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, name) == 3 &&
		    !strcmp(name, sym)) {
			*addr = a;
			found = true;
		}
	pclose(f);
	return found;
}

/* ---- allocator handed to kernel_image_unpack() ------------------------ */

struct allocs {
	unsigned int calls;
	size_t last_size;
	void *last;
	bool refuse;
	size_t max;		/* refuse larger requests, when non-zero */
};

static struct allocs allocs;

static void *test_alloc(void *ctx, size_t size)
{
	struct allocs *a = ctx;

	a->calls++;
	a->last_size = size;
	free(a->last);
	if (a->refuse || (a->max && size > a->max))
		a->last = NULL;
	else
		a->last = malloc(size ?: 1);
	return a->last;
}

static int reset(void **state)
{
	free(allocs.last);
	memset(&allocs, 0, sizeof(allocs));
	return 0;
}

/* ---- fixtures ---------------------------------------------------------- */

static int group_setup(void **state)
{
	static const char text[] = "This is a README, not a kernel. ";

	elf_plain.len = ELF_LEN;
	elf_plain.p = malloc(ELF_LEN);
	for (size_t i = 0; i < ELF_LEN; i++)
		elf_plain.p[i] = (uint8_t)(i * 131 / 7) ^ (uint8_t)(i >> 9);
	memcpy(elf_plain.p, ELFMAG, SELFMAG);
	elf_gz = filter("gzip -9 -n -c", elf_plain.p, elf_plain.len);
	/* The filter chain Linux's scripts/xz_wrap.sh uses for x86. */
	elf_xz = filter("xz -c --format=xz --check=crc32 --x86 --lzma2=preset=6",
			elf_plain.p, elf_plain.len);

	uint8_t *t = malloc(ELF_LEN);
	for (size_t i = 0; i < ELF_LEN; i++)
		t[i] = text[i % (sizeof(text) - 1)];
	text_gz = filter("gzip -9 -n -c", t, ELF_LEN);
	free(t);
	return 0;
}

static int group_teardown(void **state)
{
	free(elf_plain.p);
	free(elf_gz.p);
	free(elf_xz.p);
	free(text_gz.p);
	reset(NULL);
	return 0;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, sizeof(v)); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, sizeof(v)); }

/*
 * A bzImage around @payload: boot sector, setup header, FX_SETUP_SECTS
 * setup sectors, the payload FX_PAYLOAD_REL into the protected-mode part,
 * and FX_TAIL bytes after it. With @size_word, Linux's 4-byte
 * decompressed size follows the payload inside payload_length.
 */
static struct blob bzimage(const struct blob *payload, bool size_word)
{
	struct blob bz;
	size_t plen = payload->len + (size_word ? XZ_SIZE_WORD : 0);

	bz.len = FX_PAYLOAD_AT + plen + FX_TAIL;
	bz.p = calloc(1, bz.len);
	bz.p[BZ_SETUP_SECTS] = FX_SETUP_SECTS;
	put16(bz.p + BZ_BOOT_FLAG, 0xaa55);
	memcpy(bz.p + BZ_HEADER, "HdrS", 4);
	put16(bz.p + BZ_VERSION, FX_VERSION);
	put32(bz.p + BZ_PAYLOAD_OFFSET, FX_PAYLOAD_REL);
	put32(bz.p + BZ_PAYLOAD_LENGTH, plen);
	memcpy(bz.p + FX_PAYLOAD_AT, payload->p, payload->len);
	if (size_word)
		put32(bz.p + FX_PAYLOAD_AT + payload->len, ELF_LEN);
	memset(bz.p + FX_PAYLOAD_AT + plen, 0xcc, FX_TAIL);
	return bz;
}

static struct blob copy(const void *p, size_t len)
{
	struct blob b = { malloc(len ?: 1), len };

	memcpy(b.p, p, len);
	return b;
}

/* ---- helpers for the checks -------------------------------------------- */

static const void *out_elf;
static size_t out_len;
static const char *why;

static int unpack(const struct blob *b)
{
	out_elf = NULL;
	out_len = 0;
	why = NULL;
	return kernel_image_unpack(b->p, b->len, test_alloc, &allocs,
				   &out_elf, &out_len, &why);
}

static void expect_unpacked(const struct blob *b)
{
	int rc = unpack(b);

	if (rc)
		fail_msg("unpack refused (%d): %s", rc, why ? why : "(none)");
	assert_int_equal(out_len, ELF_LEN);
	assert_memory_equal(out_elf, elf_plain.p, ELF_LEN);
}

/* The case being run, named in failure messages. */
static const char *current;

/* Both probe and unpack refuse @b with -EINVAL and a message with @what. */
static void expect_refused(const struct blob *b, const char *what)
{
	struct kernel_image_desc desc;
	int rc;

	why = NULL;
	rc = kernel_image_probe(b->p, b->len, &desc, &why);
	if (rc != -EINVAL || !why || !strstr(why, what) ||
	    strncmp(why, "kernel: ", 8))
		fail_msg("%s: probe: rc %d \"%s\"; want \"%s\"",
			 current ?: "", rc, why ? why : "(none)", what);
	rc = unpack(b);
	if (rc != -EINVAL || !why || !strstr(why, what))
		fail_msg("%s: unpack: rc %d \"%s\"; want \"%s\"",
			 current ?: "", rc, why ? why : "(none)", what);
	assert_int_equal(allocs.calls, 0);
}

/* ---- accepted formats --------------------------------------------------- */

static void test_raw_elf_returned_in_place(void **state)
{
	struct kernel_image_desc desc;

	assert_int_equal(unpack(&elf_plain), 0);
	assert_ptr_equal(out_elf, elf_plain.p);
	assert_int_equal(out_len, ELF_LEN);
	assert_int_equal(allocs.calls, 0);

	assert_int_equal(kernel_image_probe(elf_plain.p, ELF_LEN, &desc, &why), 0);
	assert_int_equal(desc.container, KERNEL_RAW);
	assert_int_equal(desc.codec, KERNEL_CODEC_NONE);
	assert_int_equal(desc.payload_offset, 0);
	assert_int_equal(desc.payload_len, ELF_LEN);
	assert_int_equal(desc.elf_len, ELF_LEN);
	assert_string_equal(kernel_image_format(&desc), "ELF");

	/* Four bytes of magic are an "ELF" here; elf_init() judges the rest. */
	assert_int_equal(kernel_image_unpack(ELFMAG, SELFMAG, test_alloc,
					     &allocs, &out_elf, &out_len, &why), 0);
	assert_int_equal(out_len, SELFMAG);
}

static void test_raw_gzip(void **state)
{
	struct kernel_image_desc desc;

	expect_unpacked(&elf_gz);
	assert_int_equal(allocs.calls, 1);
	assert_int_equal(allocs.last_size, ELF_LEN);
	assert_ptr_equal(out_elf, allocs.last);

	assert_int_equal(kernel_image_probe(elf_gz.p, elf_gz.len, &desc, &why), 0);
	assert_int_equal(desc.container, KERNEL_RAW);
	assert_int_equal(desc.codec, KERNEL_CODEC_GZIP);
	assert_int_equal(desc.stream_len, elf_gz.len);
	assert_int_equal(desc.elf_len, ELF_LEN);
	assert_string_equal(kernel_image_format(&desc), "gzip-compressed ELF");
}

static void test_raw_xz(void **state)
{
	struct kernel_image_desc desc;

	expect_unpacked(&elf_xz);
	assert_int_equal(allocs.calls, 1);
	assert_int_equal(allocs.last_size, ELF_LEN);

	assert_int_equal(kernel_image_probe(elf_xz.p, elf_xz.len, &desc, &why), 0);
	assert_int_equal(desc.codec, KERNEL_CODEC_XZ);
	assert_int_equal(desc.stream_len, elf_xz.len);
	assert_int_equal(desc.elf_len, ELF_LEN);
	assert_string_equal(kernel_image_format(&desc), "xz-compressed ELF");
}

static void test_xz_stream_padding(void **state)
{
	struct kernel_image_desc desc;
	struct blob b = { malloc(elf_xz.len + 8), elf_xz.len + 8 };

	memcpy(b.p, elf_xz.p, elf_xz.len);
	memset(b.p + elf_xz.len, 0, 8);		/* two words of padding */
	expect_unpacked(&b);
	assert_int_equal(kernel_image_probe(b.p, b.len, &desc, &why), 0);
	assert_int_equal(desc.stream_len, elf_xz.len);
	free(b.p);
}

static void test_bzimage_payloads(void **state)
{
	static const struct {
		const struct blob *payload;
		bool size_word;
		enum kernel_codec codec;
		const char *format;
	} rows[] = {
		{ &elf_xz, true, KERNEL_CODEC_XZ, "bzImage, xz payload" },
		{ &elf_xz, false, KERNEL_CODEC_XZ, "bzImage, xz payload" },
		{ &elf_gz, false, KERNEL_CODEC_GZIP, "bzImage, gzip payload" },
		{ &elf_plain, false, KERNEL_CODEC_NONE, "bzImage, uncompressed payload" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(rows); i++) {
		struct blob bz = bzimage(rows[i].payload, rows[i].size_word);
		size_t plen = rows[i].payload->len +
			      (rows[i].size_word ? XZ_SIZE_WORD : 0);
		struct kernel_image_desc desc;

		reset(NULL);
		assert_int_equal(kernel_image_probe(bz.p, bz.len, &desc, &why), 0);
		assert_int_equal(desc.container, KERNEL_BZIMAGE);
		assert_int_equal(desc.codec, rows[i].codec);
		assert_int_equal(desc.boot_version, FX_VERSION);
		assert_int_equal(desc.setup_sects, FX_SETUP_SECTS);
		assert_int_equal(desc.payload_offset, FX_PAYLOAD_AT);
		assert_int_equal(desc.payload_len, plen);
		assert_int_equal(desc.stream_len, rows[i].payload->len);
		assert_int_equal(desc.elf_len, ELF_LEN);
		assert_string_equal(kernel_image_format(&desc), rows[i].format);

		expect_unpacked(&bz);
		if (rows[i].codec == KERNEL_CODEC_NONE) {
			assert_ptr_equal(out_elf, bz.p + FX_PAYLOAD_AT);
			assert_int_equal(allocs.calls, 0);
		}
		free(bz.p);
	}
}

static void test_setup_sects_zero_means_four(void **state)
{
	struct kernel_image_desc desc;
	struct blob bz = bzimage(&elf_gz, false);
	size_t len = bz.len + 2 * BZ_SECTOR;
	struct blob moved = { calloc(1, len), len };

	/* Same header, payload moved to where 4 setup sectors put it. */
	memcpy(moved.p, bz.p, FX_PM_START);
	moved.p[BZ_SETUP_SECTS] = 0;
	memcpy(moved.p + 5 * BZ_SECTOR + FX_PAYLOAD_REL, elf_gz.p, elf_gz.len);
	assert_int_equal(kernel_image_probe(moved.p, moved.len, &desc, &why), 0);
	assert_int_equal(desc.setup_sects, 4);
	assert_int_equal(desc.payload_offset, 5 * BZ_SECTOR + FX_PAYLOAD_REL);
	expect_unpacked(&moved);
	free(moved.p);
	free(bz.p);
}

static void test_format_names(void **state)
{
	struct kernel_image_desc desc = { .container = 7 };

	assert_string_equal(kernel_image_format(&desc), "unknown");
	desc = (struct kernel_image_desc){ .codec = 9 };
	assert_string_equal(kernel_image_format(&desc), "unknown");
}

/* ---- refusals ---------------------------------------------------------- */

struct bz_mutation {
	const char *name;
	void (*mutate)(struct blob *bz);
	const char *why;
};

static void bz_no_flag(struct blob *bz) { put16(bz->p + BZ_BOOT_FLAG, 0); }
static void bz_no_hdrs(struct blob *bz) { memcpy(bz->p + BZ_HEADER, "HDRS", 4); }
static void bz_v207(struct blob *bz) { put16(bz->p + BZ_VERSION, 0x0207); }
static void bz_v100(struct blob *bz) { put16(bz->p + BZ_VERSION, 0x0100); }
#define OFFSET(bz)	((bz)->p + BZ_PAYLOAD_OFFSET)
#define LENGTH(bz)	((bz)->p + BZ_PAYLOAD_LENGTH)
static void bz_off_past(struct blob *bz) { put32(OFFSET(bz), bz->len); }
static void bz_off_max(struct blob *bz) { put32(OFFSET(bz), ~0U); }
static void bz_len_past(struct blob *bz)
{
	put32(LENGTH(bz), bz->len - FX_PAYLOAD_AT + 1);
}
static void bz_len_max(struct blob *bz) { put32(LENGTH(bz), ~0U); }
static void bz_both_max(struct blob *bz) { bz_off_max(bz); bz_len_max(bz); }
static void bz_len_zero(struct blob *bz) { put32(LENGTH(bz), 0); }
#undef OFFSET
#undef LENGTH
static void bz_setup_max(struct blob *bz) { bz->p[BZ_SETUP_SECTS] = 0xff; }

static void bz_magic(struct blob *bz, const void *magic, size_t len)
{
	memcpy(bz->p + FX_PAYLOAD_AT, magic, len);
}

static void bz_bzip2(struct blob *bz) { bz_magic(bz, "BZh91AY&SY", 10); }
static void bz_lzma(struct blob *bz) { bz_magic(bz, "\x5d\x00\x00\x80\x00", 5); }
static void bz_lzo(struct blob *bz) { bz_magic(bz, "\x89LZO\x00\r\n\x1a\n", 9); }
static void bz_lz4_legacy(struct blob *bz) { bz_magic(bz, "\x02\x21\x4c\x18", 4); }
static void bz_lz4_frame(struct blob *bz) { bz_magic(bz, "\x04\x22\x4d\x18", 4); }
static void bz_zstd(struct blob *bz) { bz_magic(bz, "\x28\xb5\x2f\xfd", 4); }
static void bz_garbage(struct blob *bz) { bz_magic(bz, "garbage!", 8); }
static void bz_elf_short(struct blob *bz) { bz_magic(bz, "\x7f" "EL_", 4); }

static void bz_size_word_wrong(struct blob *bz)
{
	put32(bz->p + FX_PAYLOAD_AT + elf_xz.len, ELF_LEN + 1);
}

static void bz_size_word_cut(struct blob *bz)
{
	put32(bz->p + BZ_PAYLOAD_LENGTH, elf_xz.len + 2);
}

/* The footer's backward-size field: the index can no longer be found. */
static void bz_xz_footer(struct blob *bz)
{
	bz->p[FX_PAYLOAD_AT + elf_xz.len - 12 + 5] ^= 0x40;
}

static void bz_xz_huge(struct blob *bz)
{
	/* A size word claiming 1 GiB cannot override the index. */
	put32(bz->p + FX_PAYLOAD_AT + elf_xz.len, 1U << 30);
}

static const struct bz_mutation bz_mutations[] = {
	{ "boot flag", bz_no_flag, "without the 0xAA55 boot flag" },
	{ "HdrS", bz_no_hdrs, "without a \"HdrS\" setup header" },
	{ "protocol 2.07", bz_v207, "older than 2.08" },
	{ "protocol 1.00", bz_v100, "older than 2.08" },
	{ "payload offset past end", bz_off_past, "payload lies outside the file" },
	{ "payload offset 4 GiB", bz_off_max, "payload lies outside the file" },
	{ "payload length past end", bz_len_past, "payload lies outside the file" },
	{ "payload length 4 GiB", bz_len_max, "payload lies outside the file" },
	{ "offset and length 4 GiB", bz_both_max, "payload lies outside the file" },
	{ "empty payload", bz_len_zero, "empty payload" },
	{ "255 setup sectors", bz_setup_max, "payload lies outside the file" },
	{ "bzip2", bz_bzip2, "bzip2-compressed kernel not supported" },
	{ "lzma", bz_lzma, "lzma-compressed kernel not supported" },
	{ "lzo", bz_lzo, "lzo-compressed kernel not supported" },
	{ "lz4 legacy", bz_lz4_legacy, "lz4-compressed kernel not supported" },
	{ "lz4 frame", bz_lz4_frame, "lz4-compressed kernel not supported" },
	{ "zstd", bz_zstd, "zstd-compressed kernel not supported" },
	{ "unknown payload", bz_garbage, "payload is neither ELF, gzip nor xz" },
	{ "almost ELF", bz_elf_short, "payload is neither ELF, gzip nor xz" },
	{ "size word disagrees", bz_size_word_wrong, "disagrees with its index" },
	{ "size word cut", bz_size_word_cut, "xz stream has no footer" },
	{ "xz footer corrupt", bz_xz_footer, "xz index unreadable" },
	{ "xz 1 GiB", bz_xz_huge, "disagrees" },
};

static void test_bzimage_refusals(void **state)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(bz_mutations); i++) {
		struct blob bz = bzimage(&elf_xz, true);

		bz_mutations[i].mutate(&bz);
		current = bz_mutations[i].name;
		expect_refused(&bz, bz_mutations[i].why);
		current = NULL;
		free(bz.p);
	}
}

static void test_raw_refusals(void **state)
{
	struct blob b;

	b = copy("", 0);
	expect_refused(&b, "empty image");
	free(b.p);
	b = copy("MZ not a kernel at all", 22);
	expect_refused(&b, "unrecognised image (not ELF, gzip, xz or bzImage)");
	free(b.p);
	b = copy("BZh91AY&SY", 10);
	expect_refused(&b, "bzip2-compressed kernel not supported");
	free(b.p);
	b = copy("\x28\xb5\x2f\xfd\x00", 5);
	expect_refused(&b, "zstd");
	free(b.p);
	b = copy("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03", 10);
	expect_refused(&b, "gzip stream too short");
	free(b.p);
	b = copy("\xfd" "7zXZ\0", 6);
	expect_refused(&b, "xz stream has no footer");
	free(b.p);

	/* A boot sector cut inside the setup header. */
	b = bzimage(&elf_gz, false);
	b.len = BZ_PAYLOAD_LENGTH;
	expect_refused(&b, "truncated inside its setup header");
	free(b.p);
}

static void test_size_bounds(void **state)
{
	struct blob b = copy(elf_gz.p, elf_gz.len);

	/* ISIZE is the gzip stream's last word. */
	struct kernel_image_desc desc;

	put32(b.p + b.len - 4, KERNEL_IMAGE_MAX + 1);
	expect_refused(&b, "exceed 256 MiB");
	put32(b.p + b.len - 4, KERNEL_IMAGE_MAX);
	assert_int_equal(kernel_image_probe(b.p, b.len, &desc, &why), 0);
	assert_int_equal(desc.elf_len, KERNEL_IMAGE_MAX);
	put32(b.p + b.len - 4, b.len - 1);
	expect_refused(&b, "smaller than the compressed stream");
	put32(b.p + b.len - 4, b.len);
	assert_int_equal(kernel_image_probe(b.p, b.len, &desc, &why), 0);
	free(b.p);
}

static void test_decompressed_not_elf(void **state)
{
	assert_int_equal(unpack(&text_gz), -EINVAL);
	assert_non_null(strstr(why, "decompressed payload is not an ELF image"));
}

static void test_alloc_failure(void **state)
{
	allocs.refuse = true;
	assert_int_equal(unpack(&elf_xz), -ENOMEM);
	assert_non_null(strstr(why, "no memory"));
	assert_int_equal(unpack(&elf_gz), -ENOMEM);
	/* A plain ELF needs no memory. */
	assert_int_equal(unpack(&elf_plain), 0);
}

/* Decoder errors come back with the decoder's own message. */
static void test_decoder_errors_propagate(void **state)
{
	struct blob gz = copy(elf_gz.p, elf_gz.len);
	struct blob xz = bzimage(&elf_xz, true);
	int rc;

	gz.p[gz.len / 2] ^= 0x55;
	gz.p[gz.len / 2 + 1] ^= 0xaa;
	rc = unpack(&gz);
	assert_true(rc < 0);
	assert_non_null(why);
	assert_true(!strncmp(why, "gzip: ", 6) || !strncmp(why, "inflate: ", 9));

	xz.p[FX_PAYLOAD_AT + elf_xz.len / 2] ^= 0x55;
	rc = unpack(&xz);
	assert_true(rc < 0);
	assert_non_null(why);
	assert_true(!strncmp(why, "xz: ", 4));
	free(gz.p);
	free(xz.p);
}

/*
 * Every prefix of each input, in a heap block of exactly that size so
 * that ASan catches any read past it. Only whole inputs may succeed
 * (for a bzImage: those that still hold the whole payload).
 */
static void check_prefixes(const struct blob *b, size_t complete)
{
	/*
	 * A cut gzip stream ends in a bogus ISIZE of up to 256 MiB; giving
	 * it that much for every prefix would take minutes under ASan.
	 */
	allocs.max = 4 * ELF_LEN;
	for (size_t n = 0; n <= b->len; n++) {
		struct blob pre = copy(b->p, n);
		struct kernel_image_desc desc;
		int rc;

		why = NULL;
		rc = kernel_image_probe(pre.p, n, &desc, &why);
		assert_true(rc == 0 || (rc == -EINVAL && why));
		rc = unpack(&pre);
		if (n < complete && (rc == 0 || !why))
			fail_msg("prefix of %zu bytes accepted (rc %d)", n, rc);
		if (n >= complete && rc)
			fail_msg("prefix of %zu bytes refused: %s", n, why);
		free(pre.p);
	}
	allocs.max = 0;
}

static void test_every_prefix(void **state)
{
	struct blob bz = bzimage(&elf_xz, true);
	struct blob bz_gz = bzimage(&elf_gz, false);

	check_prefixes(&bz, FX_PAYLOAD_AT + elf_xz.len + XZ_SIZE_WORD);
	check_prefixes(&bz_gz, FX_PAYLOAD_AT + elf_gz.len);
	check_prefixes(&elf_xz, elf_xz.len);
	check_prefixes(&elf_gz, elf_gz.len);
	free(bz.p);
	free(bz_gz.p);
}

/* ---- real kernels ------------------------------------------------------- */

/* Debian 6.1.0-56's values as recorded in pv-abi-core.md section 1. */
#define DEBIAN_56_VERSION	"6.1.0-56-amd64"
#define DEBIAN_56_SETUP_SECTS	39
#define DEBIAN_56_PAYLOAD_REL	0x2cc
#define DEBIAN_56_PAYLOAD_LEN	0x7bf070
#define DEBIAN_56_ELF_LEN	65906612
#define DEBIAN_56_ENTRY		0xffffffff830791c0ULL

#define KVIRT_BASE		0xffffffff80000000ULL

static void log_line(const struct kernel_image_desc *desc, size_t in_len)
{
	print_message("# dom0 kernel: %s, %zu KiB -> %zu KiB ELF\n",
		      kernel_image_format(desc), in_len >> 10, desc->elf_len >> 10);
}

/* Check @desc against our own reading of the setup header. */
static void check_header(const uint8_t *bz, size_t len,
			 const struct kernel_image_desc *desc)
{
	uint32_t rel, plen;
	uint16_t version;
	unsigned int sects = bz[BZ_SETUP_SECTS] ?: 4;

	memcpy(&version, bz + BZ_VERSION, 2);
	memcpy(&rel, bz + BZ_PAYLOAD_OFFSET, 4);
	memcpy(&plen, bz + BZ_PAYLOAD_LENGTH, 4);
	assert_int_equal(desc->container, KERNEL_BZIMAGE);
	assert_int_equal(desc->boot_version, version);
	assert_true(version >= 0x0208);
	assert_int_equal(desc->setup_sects, sects);
	assert_int_equal(desc->payload_offset, (sects + 1) * BZ_SECTOR + rel);
	assert_int_equal(desc->payload_len, plen);
	assert_true(desc->payload_offset + desc->payload_len <= len);
}

static void test_debian_vmlinuz(void **state)
{
	struct kernel_image_desc desc;
	struct elf_image elf;
	struct xen_elf_info info;
	size_t len;
	uint8_t *bz = slurp(build_path("debian/vmlinuz"), &len);
	uint32_t appended;

	if (!bz) {
		print_message("# %s not present\n", build_path("debian/vmlinuz"));
		skip();
	}
	assert_int_equal(kernel_image_probe(bz, len, &desc, &why), 0);
	check_header(bz, len, &desc);
	assert_int_equal(desc.codec, KERNEL_CODEC_XZ);
	assert_string_equal(kernel_image_format(&desc), "bzImage, xz payload");
	/* Linux appends the size after the xz stream; we stop before it. */
	assert_int_equal(desc.stream_len, desc.payload_len - XZ_SIZE_WORD);
	memcpy(&appended, bz + desc.payload_offset + desc.stream_len, 4);
	assert_int_equal(desc.elf_len, appended);
	if (memmem(bz, len, DEBIAN_56_VERSION, strlen(DEBIAN_56_VERSION))) {
		assert_int_equal(desc.setup_sects, DEBIAN_56_SETUP_SECTS);
		assert_int_equal(desc.payload_offset,
				 (DEBIAN_56_SETUP_SECTS + 1) * BZ_SECTOR +
				 DEBIAN_56_PAYLOAD_REL);
		assert_int_equal(desc.payload_len, DEBIAN_56_PAYLOAD_LEN);
		assert_int_equal(desc.elf_len, DEBIAN_56_ELF_LEN);
	}
	log_line(&desc, len);

	if (unpack(&(struct blob){ bz, len }))
		fail_msg("unpack: %s", why);
	assert_int_equal(out_len, desc.elf_len);
	assert_int_equal(elf_init(&elf, out_elf, out_len, &why), 0);
	if (elf_xen_parse(&elf, &info, &why))
		fail_msg("elf: %s", why);
	assert_int_equal(info.virt_base, KVIRT_BASE);
	assert_false(xen_elf_has(&info, XEN_ELFNOTE_HYPERCALL_PAGE));
	assert_true(xen_elf_supports(&info, XENFEAT_dom0));
	if (memmem(bz, len, DEBIAN_56_VERSION, strlen(DEBIAN_56_VERSION)))
		assert_int_equal(info.entry, DEBIAN_56_ENTRY);
	free(bz);
}

static void test_our_bzimage(void **state)
{
	char vmlinux[PATH_MAX];
	struct kernel_image_desc desc;
	struct elf_image elf;
	struct xen_elf_info info;
	uint64_t sym;
	size_t len;
	uint8_t *bz = slurp(build_path("kernel/bzImage"), &len);

	if (!bz) {
		print_message("# %s not built\n", build_path("kernel/bzImage"));
		skip();
	}
	snprintf(vmlinux, sizeof(vmlinux), "%s", build_path("kernel/vmlinux"));
	assert_int_equal(kernel_image_probe(bz, len, &desc, &why), 0);
	check_header(bz, len, &desc);
	log_line(&desc, len);
	assert_true(desc.codec == KERNEL_CODEC_GZIP || desc.codec == KERNEL_CODEC_XZ);

	if (unpack(&(struct blob){ bz, len }))
		fail_msg("unpack: %s", why);
	assert_int_equal(elf_init(&elf, out_elf, out_len, &why), 0);
	if (elf_xen_parse(&elf, &info, &why))
		fail_msg("elf: %s", why);
	assert_int_equal(info.virt_base, KVIRT_BASE);
	/* The payload is vmlinux with symbols stripped: same entry. */
	if (nm_symbol(vmlinux, "startup_xen", &sym))
		assert_int_equal(info.entry, sym);
	free(bz);
}

/* Our vmlinux, plain and gzip'd by the host: both give the same ELF. */
static void test_our_vmlinux_plain_and_gzip(void **state)
{
	struct kernel_image_desc desc;
	struct blob gz;
	size_t len;
	uint8_t *img = slurp(build_path("kernel/vmlinux"), &len);

	if (!img) {
		print_message("# %s not built\n", build_path("kernel/vmlinux"));
		skip();
	}
	assert_int_equal(unpack(&(struct blob){ img, len }), 0);
	assert_ptr_equal(out_elf, img);

	gz = filter("gzip -1 -n -c", img, len);
	assert_int_equal(kernel_image_probe(gz.p, gz.len, &desc, &why), 0);
	log_line(&desc, gz.len);
	if (unpack(&gz))
		fail_msg("unpack: %s", why);
	assert_int_equal(out_len, len);
	assert_memory_equal(out_elf, img, len);
	free(gz.p);
	free(img);
}

#define TEST(f)	cmocka_unit_test_setup(f, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_raw_elf_returned_in_place),
		TEST(test_raw_gzip),
		TEST(test_raw_xz),
		TEST(test_xz_stream_padding),
		TEST(test_bzimage_payloads),
		TEST(test_setup_sects_zero_means_four),
		TEST(test_format_names),
		TEST(test_bzimage_refusals),
		TEST(test_raw_refusals),
		TEST(test_size_bounds),
		TEST(test_decompressed_not_elf),
		TEST(test_alloc_failure),
		TEST(test_decoder_errors_propagate),
		TEST(test_every_prefix),
		TEST(test_debian_vmlinuz),
		TEST(test_our_bzimage),
		TEST(test_our_vmlinux_plain_and_gzip),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
