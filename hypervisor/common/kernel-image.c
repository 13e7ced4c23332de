// SPDX-License-Identifier: GPL-2.0-only
/*
 * From the kernel a boot loader gives us to an ELF image: recognise a
 * plain ELF, a gzip or xz stream, or an x86 bzImage wrapping one of them,
 * and decompress where needed. Pure apart from the caller's allocator, so
 * it is unit-tested on the host.
 *
 * The input is a boot module and is trusted no more than a guest: every
 * header field is bounds-checked before use, and sizes announced by the
 * input are capped before anything is allocated for them. Fields are
 * little endian, as is every machine this runs on, so they are read with
 * memcpy() from wherever they happen to sit.
 */
#include <hv/elf.h>
#include <hv/errno.h>
#include <hv/inflate.h>
#include <hv/kernel-image.h>
#include <hv/lib.h>
#include <hv/xz.h>

/*
 * The x86 boot protocol's setup header (Linux's
 * Documentation/arch/x86/boot.rst): offsets from the start of the file.
 */
#define BZ_SETUP_SECTS		0x1f1	/* u8: 512-byte real-mode sectors */
#define BZ_BOOT_FLAG		0x1fe	/* u16 */
#define BZ_HEADER		0x202	/* "HdrS" */
#define BZ_VERSION		0x206	/* u16: boot protocol, major.minor */
#define BZ_PAYLOAD_OFFSET	0x248	/* u32, from the protected-mode part */
#define BZ_PAYLOAD_LENGTH	0x24c	/* u32 */
#define BZ_HEADER_END		0x250	/* all the fields above lie before */

#define BZ_BOOT_FLAG_VALUE	0xaa55
#define BZ_HEADER_MAGIC		"HdrS"
#define BZ_HEADER_MAGIC_LEN	4
#define BZ_SECTOR_SIZE		512
/* Very old images left setup_sects 0 and meant 4. */
#define BZ_SETUP_SECTS_DEFAULT	4
/* The payload fields appeared in protocol 2.08. */
#define BZ_VERSION_PAYLOAD	0x0208

#define GZIP_MAGIC		"\x1f\x8b"
#define GZIP_MAGIC_LEN		2
#define XZ_MAGIC		"\xfd" "7zXZ\0"
#define XZ_MAGIC_LEN		6
/* An xz stream ends with these two bytes of its footer. */
#define XZ_FOOTER_MAGIC		"YZ"
#define XZ_FOOTER_MAGIC_LEN	2
/* Stream padding and Linux's appended size both come in 4-byte words. */
#define XZ_WORD			4

/* Codecs Linux can build a bzImage with (CONFIG_KERNEL_*) that we lack. */
static const struct {
	const char *magic;
	size_t len;
	const char *refusal;
} unsupported_codecs[] = {
	{ "BZh", 3,
	  "kernel: bzip2-compressed kernel not supported (use gzip or xz)" },
	{ "\x5d\x00", 2,
	  "kernel: lzma-compressed kernel not supported (use gzip or xz)" },
	{ "\x89LZO", 4,
	  "kernel: lzo-compressed kernel not supported (use gzip or xz)" },
	{ "\x02\x21\x4c\x18", 4,
	  "kernel: lz4-compressed kernel not supported (use gzip or xz)" },
	{ "\x04\x22\x4d\x18", 4,
	  "kernel: lz4-compressed kernel not supported (use gzip or xz)" },
	{ "\x28\xb5\x2f\xfd", 4,
	  "kernel: zstd-compressed kernel not supported (use gzip or xz)" },
};

static int refuse(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -EINVAL;
}

static bool has_magic(const uint8_t *p, size_t len, const char *magic,
		      size_t magic_len)
{
	return len >= magic_len && !memcmp(p, magic, magic_len);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * A kernel always compresses, so a decompressed size below the stream's
 * own is a corrupt (or mod-2^32 wrapped) size field.
 */
static int check_elf_len(uint64_t size, struct kernel_image_desc *desc,
			 const char **why)
{
	/* The refusal below names the limit. */
	BUILD_BUG_ON(KERNEL_IMAGE_MAX != MiB(256));
	if (size > KERNEL_IMAGE_MAX)
		return refuse(why, "kernel: decompressed kernel would exceed 256 MiB");
	if (size < desc->stream_len)
		return refuse(why, "kernel: decompressed size smaller than the compressed stream (corrupt size field?)");
	desc->elf_len = size;
	return 0;
}

/*
 * Where the xz stream in p[0..len) ends, or 0 if it cannot be found. A
 * stream ends with its footer magic, optionally followed by stream
 * padding (zero words). Linux's build appends the decompressed size as
 * one more word instead; it is returned in *appended.
 */
static size_t xz_stream_end(const uint8_t *p, size_t len, bool *has_appended,
			    uint32_t *appended)
{
	static const uint8_t zero[XZ_WORD];
	size_t end = len;

	*has_appended = false;
	while (end >= XZ_WORD && !memcmp(p + end - XZ_WORD, zero, XZ_WORD))
		end -= XZ_WORD;
	if (end >= XZ_FOOTER_MAGIC_LEN &&
	    !memcmp(p + end - XZ_FOOTER_MAGIC_LEN, XZ_FOOTER_MAGIC,
		    XZ_FOOTER_MAGIC_LEN))
		return end;
	if (end == len && len >= XZ_WORD + XZ_FOOTER_MAGIC_LEN &&
	    !memcmp(p + len - XZ_WORD - XZ_FOOTER_MAGIC_LEN, XZ_FOOTER_MAGIC,
		    XZ_FOOTER_MAGIC_LEN)) {
		*has_appended = true;
		*appended = get32(p + len - XZ_WORD);
		return len - XZ_WORD;
	}
	return 0;
}

static int probe_xz(const uint8_t *p, size_t len,
		    struct kernel_image_desc *desc, const char **why)
{
	bool has_appended;
	uint32_t appended;
	uint64_t size;

	desc->stream_len = xz_stream_end(p, len, &has_appended, &appended);
	if (!desc->stream_len)
		return refuse(why, "kernel: xz stream has no footer (truncated?)");
	if (!xz_uncompressed_size(p, desc->stream_len, &size))
		return refuse(why, "kernel: xz index unreadable (corrupt or truncated stream)");
	if (has_appended && appended != size)
		return refuse(why, "kernel: size appended to the xz payload disagrees with its index");
	desc->codec = KERNEL_CODEC_XZ;
	return check_elf_len(size, desc, why);
}

/* The ELF or compressed stream at p[0..len): a whole input or a payload. */
static int probe_payload(const uint8_t *p, size_t len,
			 struct kernel_image_desc *desc, const char **why)
{
	uint32_t isize;
	unsigned int i;

	if (has_magic(p, len, ELFMAG, SELFMAG)) {
		desc->codec = KERNEL_CODEC_NONE;
		desc->stream_len = desc->elf_len = len;
		return 0;
	}
	if (has_magic(p, len, GZIP_MAGIC, GZIP_MAGIC_LEN)) {
		if (!gzip_isize(p, len, &isize))
			return refuse(why, "kernel: gzip stream too short for its header and trailer");
		desc->codec = KERNEL_CODEC_GZIP;
		desc->stream_len = len;
		return check_elf_len(isize, desc, why);
	}
	if (has_magic(p, len, XZ_MAGIC, XZ_MAGIC_LEN))
		return probe_xz(p, len, desc, why);

	for (i = 0; i < ARRAY_SIZE(unsupported_codecs); i++)
		if (has_magic(p, len, unsupported_codecs[i].magic,
			      unsupported_codecs[i].len))
			return refuse(why, unsupported_codecs[i].refusal);
	if (desc->container == KERNEL_BZIMAGE)
		return refuse(why, "kernel: bzImage payload is neither ELF, gzip nor xz");
	return refuse(why, "kernel: unrecognised image (not ELF, gzip, xz or bzImage)");
}

/* Either half of the bzImage signature says the input means to be one. */
static bool looks_like_bzimage(const uint8_t *p, size_t len)
{
	if (len >= BZ_BOOT_FLAG + sizeof(uint16_t) &&
	    get16(p + BZ_BOOT_FLAG) == BZ_BOOT_FLAG_VALUE)
		return true;
	return len >= BZ_HEADER + BZ_HEADER_MAGIC_LEN &&
	       !memcmp(p + BZ_HEADER, BZ_HEADER_MAGIC, BZ_HEADER_MAGIC_LEN);
}

/* Locate the payload of a bzImage; probe_payload() then says what it is. */
static int probe_bzimage(const uint8_t *p, size_t len,
			 struct kernel_image_desc *desc, const char **why)
{
	uint64_t pm_start, off, plen;

	desc->container = KERNEL_BZIMAGE;
	if (len < BZ_HEADER_END)
		return refuse(why, "kernel: bzImage truncated inside its setup header");
	if (get16(p + BZ_BOOT_FLAG) != BZ_BOOT_FLAG_VALUE)
		return refuse(why, "kernel: bzImage without the 0xAA55 boot flag");
	if (memcmp(p + BZ_HEADER, BZ_HEADER_MAGIC, BZ_HEADER_MAGIC_LEN))
		return refuse(why, "kernel: boot sector without a \"HdrS\" setup header");
	desc->boot_version = get16(p + BZ_VERSION);
	if (desc->boot_version < BZ_VERSION_PAYLOAD)
		return refuse(why, "kernel: bzImage boot protocol older than 2.08 has no payload fields");

	desc->setup_sects = p[BZ_SETUP_SECTS] ?: BZ_SETUP_SECTS_DEFAULT;
	/* The boot sector plus the setup sectors precede protected mode. */
	pm_start = (uint64_t)(desc->setup_sects + 1) * BZ_SECTOR_SIZE;
	off = pm_start + get32(p + BZ_PAYLOAD_OFFSET);	/* both < 2^33 */
	plen = get32(p + BZ_PAYLOAD_LENGTH);
	if (!plen)
		return refuse(why, "kernel: bzImage has an empty payload");
	if (off > len || plen > len - off)
		return refuse(why, "kernel: bzImage payload lies outside the file");
	desc->payload_offset = off;
	desc->payload_len = plen;
	return 0;
}

int kernel_image_probe(const void *in, size_t in_len,
		       struct kernel_image_desc *desc, const char **why)
{
	const uint8_t *p = in;
	int rc;

	memset(desc, 0, sizeof(*desc));
	if (!in_len)
		return refuse(why, "kernel: empty image");
	/* Magics at offset 0 first: no stream is taken for a bzImage. */
	if (has_magic(p, in_len, ELFMAG, SELFMAG) ||
	    has_magic(p, in_len, GZIP_MAGIC, GZIP_MAGIC_LEN) ||
	    has_magic(p, in_len, XZ_MAGIC, XZ_MAGIC_LEN) ||
	    !looks_like_bzimage(p, in_len)) {
		desc->container = KERNEL_RAW;
		desc->payload_len = in_len;
		return probe_payload(p, in_len, desc, why);
	}
	rc = probe_bzimage(p, in_len, desc, why);
	if (rc)
		return rc;
	return probe_payload(p + desc->payload_offset, desc->payload_len,
			     desc, why);
}

const char *kernel_image_format(const struct kernel_image_desc *desc)
{
	static const char *const names[][3] = {
		[KERNEL_RAW] = {
			[KERNEL_CODEC_NONE] = "ELF",
			[KERNEL_CODEC_GZIP] = "gzip-compressed ELF",
			[KERNEL_CODEC_XZ] = "xz-compressed ELF",
		},
		[KERNEL_BZIMAGE] = {
			[KERNEL_CODEC_NONE] = "bzImage, uncompressed payload",
			[KERNEL_CODEC_GZIP] = "bzImage, gzip payload",
			[KERNEL_CODEC_XZ] = "bzImage, xz payload",
		},
	};

	if ((unsigned int)desc->container >= ARRAY_SIZE(names) ||
	    (unsigned int)desc->codec >= ARRAY_SIZE(names[0]))
		return "unknown";
	return names[desc->container][desc->codec];
}

int kernel_image_unpack(const void *in, size_t in_len,
			void *(*alloc)(void *ctx, size_t size), void *ctx,
			const void **elf, size_t *elf_len, const char **why)
{
	struct kernel_image_desc desc;
	const uint8_t *payload;
	size_t got = 0;
	uint8_t *out;
	int rc;

	rc = kernel_image_probe(in, in_len, &desc, why);
	if (rc)
		return rc;
	payload = (const uint8_t *)in + desc.payload_offset;
	if (desc.codec == KERNEL_CODEC_NONE) {
		*elf = payload;
		*elf_len = desc.stream_len;
		return 0;
	}

	out = alloc(ctx, desc.elf_len);
	if (!out) {
		if (why)
			*why = "kernel: no memory for the decompressed kernel";
		return -ENOMEM;
	}
	if (desc.codec == KERNEL_CODEC_GZIP)
		rc = gunzip(payload, desc.stream_len, out, desc.elf_len, &got,
			    why);
	else
		rc = unxz(payload, desc.stream_len, out, desc.elf_len, &got,
			  why);
	if (rc)
		return rc;
	if (got != desc.elf_len)
		return refuse(why, "kernel: decompressed size differs from the size announced");
	if (!has_magic(out, got, ELFMAG, SELFMAG))
		return refuse(why, "kernel: decompressed payload is not an ELF image");
	*elf = out;
	*elf_len = got;
	return 0;
}
