/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel images as boot loaders hand them over: an ELF vmlinux, a gzip-
 * or xz-compressed ELF, or an x86 bzImage whose payload is one of those
 * (Debian's vmlinuz is a bzImage with an xz payload). kernel_image_probe()
 * only looks; kernel_image_unpack() also decompresses, so that the dom0
 * builder ends up with an ELF image for <hv/elf.h>.
 *
 * Both return 0 or a negative errno and, on failure, point *why (if why
 * is not NULL) at a one-line static message saying what was refused.
 */
#pragma once
#include <hv/types.h>

/*
 * Largest decompressed kernel we accept. Debian's is 63 MiB; the bound
 * keeps a corrupt size field from asking for all of memory.
 */
#define KERNEL_IMAGE_MAX	MiB(256)

enum kernel_container {
	KERNEL_RAW,		/* the input is the ELF or compressed stream */
	KERNEL_BZIMAGE,		/* x86 boot protocol image with a payload */
};

enum kernel_codec {
	KERNEL_CODEC_NONE,	/* plain ELF */
	KERNEL_CODEC_GZIP,
	KERNEL_CODEC_XZ,
};

struct kernel_image_desc {
	enum kernel_container container;
	enum kernel_codec codec;
	uint16_t boot_version;	/* bzImage boot protocol, e.g. 0x020f */
	unsigned int setup_sects; /* bzImage real-mode sectors (0 read as 4) */
	size_t payload_offset;	/* from the start of the input */
	size_t payload_len;	/* the payload, as a bzImage header says */
	size_t stream_len;	/* what the decoder reads: payload_len less any
				 * size word Linux appends to an xz stream */
	size_t elf_len;		/* size of the ELF once decompressed */
};

/*
 * Recognise the image in @in[0..in_len) and fill @desc, without
 * decompressing: the decompressed size comes from the gzip trailer or
 * the xz index and must lie in [stream_len, KERNEL_IMAGE_MAX]. A bzImage
 * needs boot protocol 2.08 or later and a payload inside the file.
 * Other codecs (bzip2, lzma, lzo, lz4, zstd) are refused by name.
 * -EINVAL for anything refused.
 */
int kernel_image_probe(const void *in, size_t in_len,
		       struct kernel_image_desc *desc, const char **why);

/*
 * A short name of the format @desc describes, for the boot log, such as
 * "bzImage, xz payload" or "ELF".
 */
const char *kernel_image_format(const struct kernel_image_desc *desc);

/*
 * Find the ELF kernel in @in[0..in_len): a plain ELF (or a bzImage's ELF
 * payload) is returned in place; a compressed one is decompressed into
 * alloc(ctx, size), whose result the caller owns, also on failure. On
 * success *elf and *elf_len describe an image that starts with the ELF
 * magic (elf_init() checks the rest). -EINVAL for a refused or corrupt
 * image, -ENOMEM if @alloc returns NULL, or the decompressor's error.
 */
int kernel_image_unpack(const void *in, size_t in_len,
			void *(*alloc)(void *ctx, size_t size), void *ctx,
			const void **elf, size_t *elf_len, const char **why);
