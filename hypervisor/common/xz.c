// SPDX-License-Identifier: GPL-2.0-only
/*
 * The .xz container around the LZMA2 (xz-lzma2.c) and x86 BCJ (xz-bcj.c)
 * filters: stream header and footer, block headers, integrity checks and
 * the index. Everything is in memory, so this is a single pass over the
 * input that checks every length against in_len before reading.
 *
 * A stream, all integers little-endian:
 *   header  12 bytes: magic, two flag bytes (the check type), CRC32 of them
 *   blocks  each: block header, LZMA2 data, zero padding to a multiple of
 *           four, then the check of the uncompressed data
 *   index   0x00, record count, one (unpadded size, uncompressed size)
 *           record per block, zero padding to a multiple of four, CRC32
 *   footer  12 bytes: CRC32 of the next six, backward size (index size / 4
 *           - 1), the header's flag bytes again, "YZ"
 * Sizes in block headers and the index are variable-length integers: seven
 * bits per byte, least significant first, top bit set on all but the last.
 */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/types.h>
#include <hv/xz.h>

#define XZ_MAGIC_SIZE		6
#define XZ_FOOTER_MAGIC_SIZE	2
#define XZ_FLAGS_SIZE		2
#define XZ_HEADER_SIZE		(XZ_MAGIC_SIZE + XZ_FLAGS_SIZE + 4)
#define XZ_FOOTER_SIZE		(4 + 4 + XZ_FLAGS_SIZE + XZ_FOOTER_MAGIC_SIZE)
#define XZ_FLAGS_CHECK_MASK	0x0f	/* of flag byte 1; the rest is reserved */
#define XZ_ALIGN		4	/* blocks and index are 4-byte aligned */

#define XZ_CHECK_NONE		0x00
#define XZ_CHECK_CRC32		0x01
#define XZ_CHECK_CRC64		0x04
#define XZ_CHECK_SHA256		0x0a

#define XZ_VLI_MAX		(UINT64_MAX / 2)
#define XZ_VLI_BYTES_MAX	9	/* 9 * 7 = 63 bits */
#define XZ_VLI_CONT		0x80	/* more bytes follow */
#define XZ_VLI_VALUE		0x7f

/* Block header: size byte, flags, [sizes], filters, zero padding, CRC32 */
#define XZ_INDEX_INDICATOR	0x00	/* where a block header size would be */
#define XZ_BLOCK_FILTERS_MASK	0x03	/* number of filters - 1 */
#define XZ_BLOCK_RESERVED	0x3c
#define XZ_BLOCK_HAS_CSIZE	0x40
#define XZ_BLOCK_HAS_USIZE	0x80
#define XZ_BLOCK_HEADER_MIN	8

#define XZ_FILTER_X86		0x04
#define XZ_FILTER_LZMA2		0x21
#define XZ_X86_PROPS_SIZE	4	/* optional start offset */
#define XZ_LZMA2_PROPS_SIZE	1	/* dictionary size */
#define XZ_LZMA2_DICT_MAX	40	/* this code means 4 GiB - 1 */

#define XZ_UNPADDED_MIN		5	/* header size byte + CRC32 + 0 data */
#define XZ_UNPADDED_MAX		(XZ_VLI_MAX & ~(uint64_t)(XZ_ALIGN - 1))

#define CRC32_POLY		0xedb88320U		/* reflected */
#define CRC64_POLY		0xc96c5795d7870f42ULL	/* ECMA-182 reflected */

static const uint8_t xz_header_magic[XZ_MAGIC_SIZE] = {
	0xfd, '7', 'z', 'X', 'Z', 0x00
};
static const uint8_t xz_footer_magic[XZ_FOOTER_MAGIC_SIZE] = { 'Y', 'Z' };

/*
 * File-scope state, owned by unxz() and xz_uncompressed_size(), whose
 * callers are serialized (see <hv/xz.h>): CRC tables filled on first use,
 * and the text of failure messages that carry a number.
 */
static uint32_t crc32_table[256];
static uint64_t crc64_table[256];
static bool crc_tables_ready;
static char xz_msg_buf[80];

/* What a block looks like, from its header. */
struct xz_block {
	uint64_t csize;		/* compressed size, if has_csize */
	uint64_t usize;		/* uncompressed size, if has_usize */
	bool has_csize, has_usize;
	bool x86;		/* x86 BCJ runs after LZMA2 */
	uint32_t x86_start;	/* its start offset */
	uint32_t dict_size;
};

/*
 * A summary of block records: built from the blocks as they decode, then
 * again from the index, and the two must agree. Without an allocator we
 * cannot keep the list, so it is summed and hashed (CRC64 over every
 * record in order), which catches any corruption that slipped past the
 * index's own CRC32.
 */
struct xz_records {
	uint64_t count;
	uint64_t padded;	/* sum of block sizes with padding */
	uint64_t uncompressed;
	uint64_t hash;
};

static void crc_init_tables(void)
{
	unsigned int i, j;

	if (crc_tables_ready)
		return;
	for (i = 0; i < 256; i++) {
		uint32_t c32 = i;
		uint64_t c64 = i;

		for (j = 0; j < 8; j++) {
			c32 = (c32 >> 1) ^ (c32 & 1 ? CRC32_POLY : 0);
			c64 = (c64 >> 1) ^ (c64 & 1 ? CRC64_POLY : 0);
		}
		crc32_table[i] = c32;
		crc64_table[i] = c64;
	}
	crc_tables_ready = true;
}

/* CRC32 as in gzip and xz; @crc is the value so far (0 to start). */
static uint32_t xz_crc32(const uint8_t *buf, size_t len, uint32_t crc)
{
	crc = ~crc;
	while (len--)
		crc = crc32_table[(crc ^ *buf++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* CRC64 as xz uses it (ECMA-182, reflected); @crc as for xz_crc32(). */
static uint64_t xz_crc64(const uint8_t *buf, size_t len, uint64_t crc)
{
	crc = ~crc;
	while (len--)
		crc = crc64_table[(crc ^ *buf++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/*
 * Read a variable-length integer from buf[*pos..end). Rejects a value that
 * runs past @end or past nine bytes, and a redundant trailing zero byte
 * (each value has exactly one encoding).
 */
static bool xz_get_vli(const uint8_t *buf, size_t end, size_t *pos,
		       uint64_t *val)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < XZ_VLI_BYTES_MAX; i++) {
		uint8_t b;

		if (*pos >= end)
			return false;
		b = buf[(*pos)++];
		v |= (uint64_t)(b & XZ_VLI_VALUE) << (7 * i);
		if (!(b & XZ_VLI_CONT)) {
			if (b == 0 && i > 0)
				return false;
			*val = v;
			return true;
		}
	}
	return false;
}

static bool xz_records_add(struct xz_records *r, uint64_t unpadded,
			   uint64_t uncompressed)
{
	uint8_t rec[16];
	unsigned int i;

	if (unpadded < XZ_UNPADDED_MIN || unpadded > XZ_UNPADDED_MAX ||
	    uncompressed > XZ_VLI_MAX)
		return false;
	/* Both sums stay below 2^63, so neither addition can wrap. */
	r->padded += ROUNDUP(unpadded, (uint64_t)XZ_ALIGN);
	r->uncompressed += uncompressed;
	if (r->padded > XZ_VLI_MAX || r->uncompressed > XZ_VLI_MAX)
		return false;
	for (i = 0; i < 8; i++) {
		rec[i] = (uint8_t)(unpadded >> (8 * i));
		rec[8 + i] = (uint8_t)(uncompressed >> (8 * i));
	}
	r->hash = xz_crc64(rec, sizeof(rec), r->hash);
	r->count++;
	return true;
}

/* Bytes of check value after each block, or -1 if unsupported. */
static int xz_check_size(unsigned int check)
{
	switch (check) {
	case XZ_CHECK_NONE:
		return 0;
	case XZ_CHECK_CRC32:
		return 4;
	case XZ_CHECK_CRC64:
		return 8;
	case XZ_CHECK_SHA256:
		return 32;
	default:
		return -1;
	}
}

/* Stream header at buf[pos..pos + XZ_HEADER_SIZE), already bounds-checked. */
static const char *xz_parse_header(const uint8_t *hdr)
{
	const uint8_t *flags = hdr + XZ_MAGIC_SIZE;

	if (memcmp(hdr, xz_header_magic, XZ_MAGIC_SIZE))
		return "xz: bad stream header magic";
	if (xz_crc32(flags, XZ_FLAGS_SIZE, 0) !=
	    get_le32(flags + XZ_FLAGS_SIZE))
		return "xz: stream header CRC32 mismatch";
	if (flags[0] || (flags[1] & ~XZ_FLAGS_CHECK_MASK))
		return "xz: stream header has reserved flags set";
	return NULL;
}

/*
 * Stream footer, already bounds-checked. Its flags must equal @flags (the
 * header's); *index_size is the index size it records.
 */
static const char *xz_parse_footer(const uint8_t *ftr, const uint8_t *flags,
				   uint64_t *index_size)
{
	if (memcmp(ftr + XZ_FOOTER_SIZE - XZ_FOOTER_MAGIC_SIZE,
		   xz_footer_magic, XZ_FOOTER_MAGIC_SIZE))
		return "xz: bad stream footer magic";
	if (xz_crc32(ftr + 4, 4 + XZ_FLAGS_SIZE, 0) != get_le32(ftr))
		return "xz: stream footer CRC32 mismatch";
	if (memcmp(ftr + 8, flags, XZ_FLAGS_SIZE))
		return "xz: stream footer flags differ from the header";
	*index_size = ((uint64_t)get_le32(ftr + 4) + 1) * XZ_ALIGN;
	return NULL;
}

/*
 * Parse the index starting at buf[pos] and not extending past @end:
 * summarize its records in *r and set *size to its length.
 */
static const char *xz_parse_index(const uint8_t *buf, size_t pos, size_t end,
				  struct xz_records *r, size_t *size)
{
	size_t start = pos;
	uint64_t count, i;

	memset(r, 0, sizeof(*r));
	if (pos >= end || buf[pos] != XZ_INDEX_INDICATOR)
		return "xz: index missing";
	pos++;
	if (!xz_get_vli(buf, end, &pos, &count))
		goto corrupt;
	/* Bounded: every record takes at least two bytes of the input. */
	for (i = 0; i < count; i++) {
		uint64_t unpadded, uncompressed;

		if (!xz_get_vli(buf, end, &pos, &unpadded) ||
		    !xz_get_vli(buf, end, &pos, &uncompressed) ||
		    !xz_records_add(r, unpadded, uncompressed))
			goto corrupt;
	}
	while ((pos - start) % XZ_ALIGN) {
		if (pos >= end || buf[pos++] != 0)
			goto corrupt;
	}
	if (end - pos < 4)
		goto corrupt;
	if (xz_crc32(buf + start, pos - start, 0) != get_le32(buf + pos))
		return "xz: index CRC32 mismatch";
	*size = pos + 4 - start;
	return NULL;

corrupt:
	return "xz: index is corrupt or truncated";
}

/* Format a message with a number into xz_msg_buf. */
static const char *xz_msg(const char *fmt, unsigned long long val)
{
	snprintf(xz_msg_buf, sizeof(xz_msg_buf), fmt, val);
	return xz_msg_buf;
}

/*
 * Parse the block header at buf[pos..end) (pos < end, buf[pos] is not the
 * index indicator) into *b; *hsize is its length.
 */
static const char *xz_parse_block_header(const uint8_t *buf, size_t pos,
					 size_t end, struct xz_block *b,
					 size_t *hsize)
{
	size_t size = ((size_t)buf[pos] + 1) * XZ_ALIGN;
	size_t p = pos + 2, crc_pos = pos + size - 4;
	unsigned int nr_filters, i;
	uint8_t flags;
	bool have_lzma2 = false;

	memset(b, 0, sizeof(*b));
	if (end - pos < size)
		return "xz: block header is truncated";
	if (xz_crc32(buf + pos, size - 4, 0) != get_le32(buf + crc_pos))
		return "xz: block header CRC32 mismatch";
	flags = buf[pos + 1];
	if (flags & XZ_BLOCK_RESERVED)
		return "xz: block header has reserved flags set";

	if (flags & XZ_BLOCK_HAS_CSIZE) {
		if (!xz_get_vli(buf, crc_pos, &p, &b->csize) || b->csize == 0)
			return "xz: block header has a bad compressed size";
		b->has_csize = true;
	}
	if (flags & XZ_BLOCK_HAS_USIZE) {
		if (!xz_get_vli(buf, crc_pos, &p, &b->usize))
			return "xz: block header has a bad uncompressed size";
		b->has_usize = true;
	}

	nr_filters = (flags & XZ_BLOCK_FILTERS_MASK) + 1;
	for (i = 0; i < nr_filters; i++) {
		uint64_t id, props_size;
		bool last = i == nr_filters - 1;

		if (!xz_get_vli(buf, crc_pos, &p, &id) ||
		    !xz_get_vli(buf, crc_pos, &p, &props_size) ||
		    props_size > crc_pos - p)
			return "xz: block header has corrupt filter flags";

		switch (id) {
		case XZ_FILTER_LZMA2:
			if (!last)
				return "xz: LZMA2 must be the last filter";
			if (props_size != XZ_LZMA2_PROPS_SIZE ||
			    buf[p] > XZ_LZMA2_DICT_MAX)
				return "xz: bad LZMA2 filter properties";
			if (buf[p] == XZ_LZMA2_DICT_MAX)
				b->dict_size = UINT32_MAX;
			else
				b->dict_size = (2U | (buf[p] & 1)) <<
					       (buf[p] / 2 + 11);
			have_lzma2 = true;
			break;
		case XZ_FILTER_X86:
			if (last)
				return "xz: the last filter must be LZMA2";
			if (b->x86)
				return "xz: x86 BCJ filter appears twice";
			if (props_size == XZ_X86_PROPS_SIZE)
				b->x86_start = get_le32(buf + p);
			else if (props_size != 0)
				return "xz: bad x86 BCJ filter properties";
			b->x86 = true;
			break;
		default:
			return xz_msg("xz: unsupported filter 0x%llx (only x86 BCJ and LZMA2)",
				      (unsigned long long)id);
		}
		p += props_size;
	}
	if (!have_lzma2)
		return "xz: the last filter must be LZMA2";

	for (; p < crc_pos; p++)
		if (buf[p])
			return "xz: block header padding is not zero";
	*hsize = size;
	return NULL;
}

/* Verify the check value at @check over out[0..len). */
static bool xz_verify(unsigned int type, const uint8_t *check,
		      const uint8_t *out, size_t len)
{
	switch (type) {
	case XZ_CHECK_CRC32:
		return xz_crc32(out, len, 0) == get_le32(check);
	case XZ_CHECK_CRC64:
		return xz_crc64(out, len, 0) == get_le64(check);
	default:
		/*
		 * None, or SHA-256: accepted without verification. The
		 * kernel's payloads use CRC32, and LZMA2's own consistency
		 * checks still catch most corruption.
		 */
		return true;
	}
}

/*
 * Decode the block at in[*pos..in_len) to out[*opos..out_cap); advance
 * both and add the block's record to *r.
 */
static int xz_decode_block(const uint8_t *in, size_t in_len, size_t *pos,
			   uint8_t *out, size_t out_cap, size_t *opos,
			   unsigned int check, struct xz_records *r,
			   const char **msg)
{
	size_t check_size = xz_check_size(check);
	size_t start = *pos, hsize, data, limit, used, produced, pad;
	struct xz_block b;
	int rc;

	*msg = xz_parse_block_header(in, start, in_len, &b, &hsize);
	if (*msg)
		return -EINVAL;

	data = start + hsize;
	limit = in_len;
	if (b.has_csize) {
		if (b.csize > in_len - data) {
			*msg = "xz: block is truncated";
			return -EINVAL;
		}
		limit = data + b.csize;
	}
	if (b.has_usize && b.usize > out_cap - *opos) {
		*msg = "xz: output does not fit in the buffer";
		return -ENOSPC;
	}

	rc = xz_lzma2_decode(in + data, limit - data, &used, out + *opos,
			     out_cap - *opos, &produced, b.dict_size, msg);
	if (rc)
		return rc;
	if (b.has_csize && used != b.csize) {
		*msg = "xz: block compressed size differs from its header";
		return -EINVAL;
	}
	if (b.has_usize && produced != b.usize) {
		*msg = "xz: block uncompressed size differs from its header";
		return -EINVAL;
	}
	if (b.x86)
		xz_bcj_x86_decode(out + *opos, produced, b.x86_start);

	/* Block and header are aligned: zero padding aligns the data. */
	data += used;
	for (pad = used; pad % XZ_ALIGN; pad++, data++) {
		if (data >= in_len || in[data] != 0) {
			*msg = "xz: block padding is missing or not zero";
			return -EINVAL;
		}
	}
	if (in_len - data < check_size) {
		*msg = "xz: block check is truncated";
		return -EINVAL;
	}
	if (!xz_verify(check, in + data, out + *opos, produced)) {
		*msg = check == XZ_CHECK_CRC32 ?
		       "xz: CRC32 of the decompressed data does not match" :
		       "xz: CRC64 of the decompressed data does not match";
		return -EINVAL;
	}
	/* The index records the unpadded size: header, data, check. */
	if (!xz_records_add(r, hsize + used + check_size, produced)) {
		*msg = "xz: block is too large";
		return -EINVAL;
	}
	*pos = data + check_size;
	*opos += produced;
	return 0;
}

/*
 * Decode the stream at in[*pos..in_len) to out[*opos..out_cap), advancing
 * both past it.
 */
static int xz_decode_stream(const uint8_t *in, size_t in_len, size_t *pos,
			    uint8_t *out, size_t out_cap, size_t *opos,
			    const char **msg)
{
	struct xz_records blocks = { 0 }, index;
	const uint8_t *flags;
	uint64_t index_size;
	size_t p = *pos, size;
	unsigned int check;
	int rc;

	if (in_len - p < XZ_HEADER_SIZE) {
		*msg = "xz: stream header is truncated";
		return -EINVAL;
	}
	*msg = xz_parse_header(in + p);
	if (*msg)
		return -EINVAL;
	flags = in + p + XZ_MAGIC_SIZE;
	check = flags[1] & XZ_FLAGS_CHECK_MASK;
	if (xz_check_size(check) < 0) {
		*msg = xz_msg("xz: unsupported check type 0x%llx", check);
		return -EINVAL;
	}
	p += XZ_HEADER_SIZE;

	for (;;) {
		if (p >= in_len) {
			*msg = "xz: stream is truncated";
			return -EINVAL;
		}
		if (in[p] == XZ_INDEX_INDICATOR)
			break;
		rc = xz_decode_block(in, in_len, &p, out, out_cap, opos, check,
				     &blocks, msg);
		if (rc)
			return rc;
	}

	*msg = xz_parse_index(in, p, in_len, &index, &size);
	if (*msg)
		return -EINVAL;
	if (index.count != blocks.count || index.padded != blocks.padded ||
	    index.uncompressed != blocks.uncompressed ||
	    index.hash != blocks.hash) {
		*msg = "xz: index does not match the blocks";
		return -EINVAL;
	}
	p += size;

	if (in_len - p < XZ_FOOTER_SIZE) {
		*msg = "xz: stream footer is truncated";
		return -EINVAL;
	}
	*msg = xz_parse_footer(in + p, flags, &index_size);
	if (*msg)
		return -EINVAL;
	if (index_size != size) {
		*msg = "xz: backward size does not match the index";
		return -EINVAL;
	}
	*pos = p + XZ_FOOTER_SIZE;
	return 0;
}

int unxz(const void *in, size_t in_len, void *out, size_t out_cap,
	 size_t *out_len, const char **why)
{
	const uint8_t *buf = in;
	const char *msg = NULL;
	size_t pos = 0, opos = 0;
	int rc;

	crc_init_tables();
	for (;;) {
		rc = xz_decode_stream(buf, in_len, &pos, out, out_cap, &opos,
				      &msg);
		if (rc)
			goto out;

		/*
		 * Stream padding is zero bytes in groups of four. Another
		 * stream may follow; anything else ends the input.
		 */
		while (in_len - pos >= XZ_ALIGN && !get_le32(buf + pos))
			pos += XZ_ALIGN;
		if (in_len - pos < XZ_HEADER_SIZE ||
		    memcmp(buf + pos, xz_header_magic, XZ_MAGIC_SIZE))
			break;
	}
	*out_len = opos;
out:
	if (why)
		*why = msg;
	return rc;
}

bool xz_uncompressed_size(const void *in, size_t in_len, uint64_t *size)
{
	const uint8_t *buf = in, *ftr, *hdr;
	struct xz_records r;
	uint64_t index_size;
	size_t index_pos, parsed;

	crc_init_tables();
	if (in_len < XZ_HEADER_SIZE + XZ_FOOTER_SIZE)
		return false;
	ftr = buf + in_len - XZ_FOOTER_SIZE;
	/* Compared with the header's flags below; check the footer first. */
	if (xz_parse_footer(ftr, ftr + 8, &index_size))
		return false;
	if (index_size > in_len - XZ_HEADER_SIZE - XZ_FOOTER_SIZE)
		return false;
	index_pos = in_len - XZ_FOOTER_SIZE - index_size;
	if (xz_parse_index(buf, index_pos, index_pos + index_size, &r,
			   &parsed) || parsed != index_size)
		return false;
	if (r.padded > index_pos - XZ_HEADER_SIZE)
		return false;
	hdr = buf + index_pos - r.padded - XZ_HEADER_SIZE;
	if (xz_parse_header(hdr) ||
	    memcmp(hdr + XZ_MAGIC_SIZE, ftr + 8, XZ_FLAGS_SIZE))
		return false;
	*size = r.uncompressed;
	return true;
}
