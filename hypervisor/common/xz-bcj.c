// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86 BCJ ("branch/call/jump") filter, decoder side, for common/xz.c.
 *
 * x86 code compresses poorly because every CALL rel32 (E8) and JMP rel32
 * (E9) to the same target carries a different displacement. Before
 * compressing, the encoder rewrites plausible displacements (top byte 0x00
 * or 0xff, i.e. within +-16 MiB) into absolute addresses, counting from the
 * filter's start offset; this undoes it. Which E8/E9 bytes were rewritten
 * is never stored, so the decoder must make exactly the encoder's choices,
 * byte for byte. Both look at the same bytes: the opcode, the operand's
 * top byte and a short history of skipped opcodes, and after a rewrite
 * both continue after the 5-byte instruction.
 *
 * The filter runs once over a block's whole output. Each block has its own
 * filter chain, so the state starts fresh at every block and positions
 * count from the block's first byte plus the start offset.
 */
#include <hv/types.h>
#include <hv/xz.h>

#define X86_OPCODE_CALL		0xe8	/* CALL rel32 */
#define X86_OPCODE_JMP		0xe9	/* JMP rel32 */
#define X86_INSN_LEN		5	/* opcode + rel32 */
#define X86_MAX_GAP		5	/* history older than this is dropped */

/*
 * The history word, as seen when the next opcode at position i is
 * examined: bits 1..3 mark opcodes left alone at i-1..i-3, bits 5..7 mark
 * those whose operand's top byte looked plausible. Moving forward one byte
 * shifts it left, dropping what would land in bits 4 or 8.
 */
#define BCJ_HIST_KEEP		0x77
#define BCJ_HIST_SKIPPED	0x01	/* set at the opcode itself... */
#define BCJ_HIST_PLAUSIBLE	0x10	/* ...before the first shift */
#define BCJ_HIST_FLAGS_LIMIT	0x10	/* (hist >> 1) below: no bit 5..7 */

/* A displacement's top byte within +-16 MiB. */
static bool bcj_plausible(uint8_t b)
{
	return b == 0x00 || b == 0xff;
}

/*
 * With bits 1..3 of the history shifted down to 0..2: is a rewrite still
 * possible (at most one skipped opcode among the last three bytes)?
 */
static const bool bcj_allowed[8] = {
	[0] = true, [1] = true, [2] = true, [4] = true,
};

/* The same index: how many bytes back the skipped opcode sits. */
static const uint8_t bcj_back[8] = {
	[1] = 1, [2] = 2, [4] = 3,
};

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void xz_bcj_x86_decode(uint8_t *buf, size_t size, uint32_t start)
{
	uint32_t hist = 0;
	size_t prev = 0;	/* the last opcode; unused while hist == 0 */
	size_t i = 0;

	if (size < X86_INSN_LEN)
		return;

	/* The last four bytes cannot hold a whole instruction: left as is. */
	while (i <= size - X86_INSN_LEN) {
		uint32_t idx, src, dest;
		size_t gap;
		uint8_t top;

		if ((buf[i] & 0xfe) != X86_OPCODE_CALL) {
			i++;
			continue;
		}
		BUILD_BUG_ON((X86_OPCODE_CALL ^ X86_OPCODE_JMP) != 1);

		gap = i - prev;
		prev = i;
		if (gap > X86_MAX_GAP)
			hist = 0;
		else
			while (gap--)
				hist = (hist & BCJ_HIST_KEEP) << 1;

		top = buf[i + 4];
		idx = hist >> 1;
		if (!bcj_plausible(top) || idx >= BCJ_HIST_FLAGS_LIMIT ||
		    !bcj_allowed[idx & 7]) {
			hist |= BCJ_HIST_SKIPPED;
			if (bcj_plausible(top))
				hist |= BCJ_HIST_PLAUSIBLE;
			i++;
			continue;
		}

		/*
		 * A skipped opcode 1..3 bytes back takes a byte inside this
		 * operand as its own operand's top byte. Where converting
		 * made that byte plausible, the encoder flipped the bits
		 * below it and converted again, until it was not; the same
		 * steps in reverse undo that.
		 */
		src = get_le32(buf + i + 1);
		for (;;) {
			unsigned int shift;

			dest = src - (uint32_t)(start + i + X86_INSN_LEN);
			if (hist == 0)
				break;
			shift = 32 - 8 * bcj_back[idx & 7];
			if (!bcj_plausible((uint8_t)(dest >> (shift - 8))))
				break;
			src = dest ^ ((1U << shift) - 1);
		}

		/* Sign-extend from bit 24: the top byte is 0x00 or 0xff. */
		dest &= 0x01ffffff;
		if (dest & 0x01000000)
			dest |= 0xff000000;
		buf[i + 1] = (uint8_t)dest;
		buf[i + 2] = (uint8_t)(dest >> 8);
		buf[i + 3] = (uint8_t)(dest >> 16);
		buf[i + 4] = (uint8_t)(dest >> 24);

		i += X86_INSN_LEN;
		hist = 0;
	}
}
