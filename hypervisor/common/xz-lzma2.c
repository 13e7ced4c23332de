// SPDX-License-Identifier: GPL-2.0-only
/*
 * LZMA2 decoder for the .xz container (common/xz.c), single-shot: the whole
 * compressed block is in memory and the output buffer is the dictionary,
 * so a match is a copy from earlier in the output.
 *
 * LZMA2 is a sequence of chunks, each introduced by a control byte:
 *   0x00              end of the LZMA2 data
 *   0x01, 0x02        uncompressed chunk (0x01 also resets the dictionary):
 *                     2 bytes big-endian size - 1, then the bytes
 *   0x80..0xff        LZMA chunk: bits 0-4 are bits 16-20 of its
 *                     uncompressed size - 1, bits 5-6 say what to reset
 *                     (enum lzma2_reset); then 2 bytes big-endian low bits of
 *                     the uncompressed size - 1, 2 bytes big-endian
 *                     compressed size - 1 and, when new properties come
 *                     with it, the lc/lp/pb properties byte
 * Each LZMA chunk restarts the range decoder but keeps the model
 * (probabilities, state, recent distances) unless told to reset it, and a
 * match never crosses a chunk boundary.
 *
 * LZMA itself codes a sequence of literals and matches with a binary range
 * coder whose adaptive probabilities are chosen by context: the state (what
 * the last few packets were), the low bits of the position, and for
 * literals the high bits of the previous byte.
 */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/types.h>
#include <hv/xz.h>

/* Range coder */
#define RC_INIT_BYTES		5	/* a zero byte, then 32 bits of code */
#define RC_TOP			(1U << 24)	/* renormalize below this */
#define RC_MODEL_BITS		11	/* probabilities are 11-bit fractions */
#define RC_PROB_ONE		(1U << RC_MODEL_BITS)
#define RC_PROB_INIT		(RC_PROB_ONE / 2)
#define RC_MOVE_BITS		5	/* how fast probabilities adapt */

/* LZMA model sizes */
#define LZMA_STATES		12
#define LZMA_LIT_STATES		7	/* below: last packet was a literal */
#define LZMA_PB_MAX		4
#define LZMA_POS_STATES_MAX	(1 << LZMA_PB_MAX)
#define LZMA2_LCLP_MAX		4	/* LZMA2 limits lc + lp */
#define LZMA_LIT_CODERS_MAX	(1 << LZMA2_LCLP_MAX)
#define LZMA_LIT_CODER_SIZE	0x300	/* plain tree + two trees "matched" */
#define LZMA_LIT_MATCHED	0x100	/* start of the matched trees */
/* The properties byte is (pb * 5 + lp) * 9 + lc. */
#define LZMA_PROPS_LIMIT	(9 * 5 * 5)

#define LZMA_MATCH_LEN_MIN	2
#define LZMA_LEN_LOW_BITS	3
#define LZMA_LEN_MID_BITS	3
#define LZMA_LEN_HIGH_BITS	8
#define LZMA_LEN_LOW_SYMBOLS	(1 << LZMA_LEN_LOW_BITS)
#define LZMA_LEN_MID_SYMBOLS	(1 << LZMA_LEN_MID_BITS)
#define LZMA_LEN_HIGH_SYMBOLS	(1 << LZMA_LEN_HIGH_BITS)

#define LZMA_DIST_STATES	4	/* lengths 2, 3, 4 and 5+ */
#define LZMA_DIST_SLOT_BITS	6
#define LZMA_DIST_SLOTS		(1 << LZMA_DIST_SLOT_BITS)
#define LZMA_DIST_MODEL_START	4	/* below: the slot is the distance */
#define LZMA_DIST_MODEL_END	14	/* below: all extra bits are modelled */
#define LZMA_FULL_DISTANCES	(1 << (LZMA_DIST_MODEL_END / 2))
#define LZMA_ALIGN_BITS		4	/* modelled low bits of far distances */
#define LZMA_ALIGN_SIZE		(1 << LZMA_ALIGN_BITS)

/* States a packet leaves behind when the previous one was a literal. */
#define LZMA_STATE_LIT_MATCH	7
#define LZMA_STATE_LIT_LONGREP	8
#define LZMA_STATE_LIT_SHORTREP	9
/* ... and when the previous one was a match or rep. */
#define LZMA_STATE_NONLIT_MATCH	10
#define LZMA_STATE_NONLIT_REP	11

/* LZMA2 control byte */
#define LZMA2_CTRL_END		0x00
#define LZMA2_CTRL_COPY_RESET	0x01
#define LZMA2_CTRL_COPY		0x02
#define LZMA2_CTRL_LZMA		0x80
#define LZMA2_RESET_SHIFT	5
#define LZMA2_RESET_MASK	0x3
#define LZMA2_USIZE_HIGH_MASK	0x1f
#define LZMA2_COPY_HEADER	3	/* control, size - 1 */
#define LZMA2_LZMA_HEADER	5	/* control, usize - 1, csize - 1 */

enum lzma2_reset {
	LZMA2_RESET_NONE,	/* continue the model */
	LZMA2_RESET_STATE,	/* fresh model, same properties */
	LZMA2_RESET_PROPS,	/* fresh model, new properties byte follows */
	LZMA2_RESET_DICT,	/* as above, and forget the dictionary */
};

struct lzma_len_probs {
	uint16_t choice;	/* 0: low lengths, 1: mid or high */
	uint16_t choice2;	/* 0: mid lengths, 1: high */
	uint16_t low[LZMA_POS_STATES_MAX][LZMA_LEN_LOW_SYMBOLS];
	uint16_t mid[LZMA_POS_STATES_MAX][LZMA_LEN_MID_SYMBOLS];
	uint16_t high[LZMA_LEN_HIGH_SYMBOLS];
};

/*
 * Every adaptive probability, all uint16_t so that a reset can treat the
 * struct as one array. Bit trees index from 1, so entry 0 of each tree is
 * unused; dist_special holds the small trees of slots 4..13 side by side.
 */
struct lzma_probs {
	uint16_t is_match[LZMA_STATES][LZMA_POS_STATES_MAX];
	uint16_t is_rep[LZMA_STATES];
	uint16_t is_rep0[LZMA_STATES];
	uint16_t is_rep1[LZMA_STATES];
	uint16_t is_rep2[LZMA_STATES];
	uint16_t is_rep0_long[LZMA_STATES][LZMA_POS_STATES_MAX];
	uint16_t dist_slot[LZMA_DIST_STATES][LZMA_DIST_SLOTS];
	uint16_t dist_special[1 + LZMA_FULL_DISTANCES - LZMA_DIST_MODEL_END];
	uint16_t dist_align[LZMA_ALIGN_SIZE];
	struct lzma_len_probs match_len;
	struct lzma_len_probs rep_len;
	/* Last: only the first LZMA_LIT_CODER_SIZE << (lc + lp) are used. */
	uint16_t literal[LZMA_LIT_CODERS_MAX][LZMA_LIT_CODER_SIZE];
};

struct lzma_dec {
	unsigned int lc;	/* previous-byte bits picking a literal coder */
	unsigned int lp_mask;	/* position bits that pick a literal coder */
	unsigned int pb_mask;	/* position bits in the packet contexts */
	unsigned int state;	/* 0..LZMA_STATES-1 */
	uint32_t rep0, rep1, rep2, rep3;	/* recent distances - 1 */
	struct lzma_probs probs;
};

/*
 * The model lives here, not on the stack: it is ~29 KB. Owned by
 * xz_lzma2_decode(), whose callers are serialized (see <hv/xz.h>).
 */
static struct lzma_dec lzma_dec;

struct rc {
	uint32_t range;
	uint32_t code;
	const uint8_t *in;
	size_t in_pos;
	size_t in_size;
};

static inline void rc_normalize(struct rc *rc)
{
	if (rc->range < RC_TOP) {
		/*
		 * Past the end of the chunk, shift in zeros and keep counting:
		 * the caller stops once in_pos > in_size and reports it. This
		 * keeps the common path to one predictable branch.
		 */
		uint8_t b = rc->in_pos < rc->in_size ? rc->in[rc->in_pos] : 0;

		rc->in_pos++;
		rc->range <<= 8;
		rc->code = (rc->code << 8) | b;
	}
}

static inline unsigned int rc_bit(struct rc *rc, uint16_t *prob)
{
	uint32_t bound = (rc->range >> RC_MODEL_BITS) * *prob;
	unsigned int bit;

	if (rc->code < bound) {
		rc->range = bound;
		*prob += (RC_PROB_ONE - *prob) >> RC_MOVE_BITS;
		bit = 0;
	} else {
		rc->range -= bound;
		rc->code -= bound;
		*prob -= *prob >> RC_MOVE_BITS;
		bit = 1;
	}
	rc_normalize(rc);
	return bit;
}

/* @bits bits, most significant first, through the tree probs[1..]. */
static inline unsigned int rc_tree(struct rc *rc, uint16_t *probs,
				   unsigned int bits)
{
	unsigned int sym = 1;

	do
		sym = (sym << 1) | rc_bit(rc, &probs[sym]);
	while (sym < (1U << bits));
	return sym - (1U << bits);
}

/* @bits bits, least significant first, through the tree probs[1..]. */
static inline unsigned int rc_tree_rev(struct rc *rc, uint16_t *probs,
				       unsigned int bits)
{
	unsigned int sym = 1, val = 0, i;

	for (i = 0; i < bits; i++) {
		unsigned int bit = rc_bit(rc, &probs[sym]);

		sym = (sym << 1) | bit;
		val |= bit << i;
	}
	return val;
}

/* @bits (>= 1) bits with fixed probability one half. */
static inline uint32_t rc_direct(struct rc *rc, unsigned int bits)
{
	uint32_t val = 0;

	do {
		uint32_t bit;

		rc->range >>= 1;
		bit = rc->code >= rc->range;
		if (bit)
			rc->code -= rc->range;
		val = (val << 1) | bit;
		rc_normalize(rc);
	} while (--bits);
	return val;
}

static inline uint32_t lzma_len(struct rc *rc, struct lzma_len_probs *l,
				unsigned int pos_state)
{
	if (!rc_bit(rc, &l->choice))
		return LZMA_MATCH_LEN_MIN +
		       rc_tree(rc, l->low[pos_state], LZMA_LEN_LOW_BITS);
	if (!rc_bit(rc, &l->choice2))
		return LZMA_MATCH_LEN_MIN + LZMA_LEN_LOW_SYMBOLS +
		       rc_tree(rc, l->mid[pos_state], LZMA_LEN_MID_BITS);
	return LZMA_MATCH_LEN_MIN + LZMA_LEN_LOW_SYMBOLS +
	       LZMA_LEN_MID_SYMBOLS + rc_tree(rc, l->high, LZMA_LEN_HIGH_BITS);
}

/*
 * A match distance minus one. The 6-bit slot gives the top two bits and
 * the bit count; the remaining bits are modelled for small distances, and
 * for large ones are sent directly except the low LZMA_ALIGN_BITS.
 */
static inline uint32_t lzma_dist(struct rc *rc, struct lzma_probs *p,
				 uint32_t len)
{
	unsigned int len_state = len - LZMA_MATCH_LEN_MIN;
	unsigned int slot, bits;
	uint32_t dist;

	if (len_state > LZMA_DIST_STATES - 1)
		len_state = LZMA_DIST_STATES - 1;
	slot = rc_tree(rc, p->dist_slot[len_state], LZMA_DIST_SLOT_BITS);
	if (slot < LZMA_DIST_MODEL_START)
		return slot;

	bits = (slot >> 1) - 1;
	dist = (2 | (slot & 1)) << bits;
	if (slot < LZMA_DIST_MODEL_END)
		return dist + rc_tree_rev(rc, p->dist_special + dist - slot,
					  bits);

	dist += rc_direct(rc, bits - LZMA_ALIGN_BITS) << LZMA_ALIGN_BITS;
	return dist + rc_tree_rev(rc, p->dist_align, LZMA_ALIGN_BITS);
}

/* A fresh model with the current properties. */
static void lzma_reset(struct lzma_dec *s)
{
	uint16_t *prob = (uint16_t *)&s->probs;
	size_t n = offsetof(struct lzma_probs, literal) / sizeof(*prob) +
		   ((size_t)LZMA_LIT_CODER_SIZE << s->lc) * (s->lp_mask + 1);

	BUILD_BUG_ON(offsetof(struct lzma_probs, literal) % sizeof(uint16_t));
	while (n--)
		*prob++ = RC_PROB_INIT;
	s->state = 0;
	s->rep0 = s->rep1 = s->rep2 = s->rep3 = 0;
}

static bool lzma_set_props(struct lzma_dec *s, uint8_t props)
{
	unsigned int lc, lp, pb;

	if (props >= LZMA_PROPS_LIMIT)
		return false;
	lc = props % 9;
	lp = (props / 9) % 5;
	pb = props / (9 * 5);
	if (lc + lp > LZMA2_LCLP_MAX || pb > LZMA_PB_MAX)
		return false;
	s->lc = lc;
	s->lp_mask = (1U << lp) - 1;
	s->pb_mask = (1U << pb) - 1;
	return true;
}

/*
 * Decode one LZMA chunk whose range-coded data is exactly in[0..in_size)
 * and which must produce exactly dict[pos..end). dict[0] is the first byte
 * after the last dictionary reset, so dict[0..pos) is all a match may use,
 * and positions (for the pb/lp contexts) count from there.
 */
static int lzma_chunk(struct lzma_dec *s, const uint8_t *in, size_t in_size,
		      uint8_t *dict, size_t pos, size_t end,
		      uint32_t dict_size, const char **why)
{
	/*
	 * Work on local copies: stores to the probabilities could otherwise
	 * alias the rest of *s (we build with -fno-strict-aliasing), forcing
	 * a reload after every bit.
	 */
	struct lzma_probs *p = &s->probs;
	const unsigned int lc = s->lc, lp_mask = s->lp_mask;
	const unsigned int pb_mask = s->pb_mask;
	unsigned int state = s->state;
	uint32_t rep0 = s->rep0, rep1 = s->rep1, rep2 = s->rep2, rep3 = s->rep3;
	struct rc rc;

	if (in_size < RC_INIT_BYTES || in[0] != 0) {
		*why = "xz: LZMA2 chunk has a bad range coder header";
		return -EINVAL;
	}
	rc.range = UINT32_MAX;
	rc.code = (uint32_t)in[1] << 24 | (uint32_t)in[2] << 16 |
		  (uint32_t)in[3] << 8 | in[4];
	rc.in = in;
	rc.in_pos = RC_INIT_BYTES;
	rc.in_size = in_size;

	while (pos < end && rc.in_pos <= rc.in_size) {
		unsigned int pos_state = pos & pb_mask;
		uint32_t len, avail;
		uint8_t *dst;
		const uint8_t *src;

		if (!rc_bit(&rc, &p->is_match[state][pos_state])) {
			unsigned int prev = pos ? dict[pos - 1] : 0;
			uint16_t *lit = p->literal[((pos & lp_mask) << lc) +
						   (prev >> (8 - lc))];
			unsigned int sym = 1;

			/*
			 * Right after a match, the byte at rep0 predicts this
			 * one: use the matched trees while the bits agree.
			 */
			if (state >= LZMA_LIT_STATES) {
				unsigned int mbyte, mbit, bit;

				/* Cannot happen: rep0 was checked when set. */
				if (rep0 >= pos)
					goto bad_dist;
				mbyte = dict[pos - rep0 - 1];
				do {
					mbit = (mbyte >> 7) & 1;
					mbyte <<= 1;
					bit = rc_bit(&rc, &lit[LZMA_LIT_MATCHED
							       + (mbit << 8)
							       + sym]);
					sym = (sym << 1) | bit;
				} while (bit == mbit && sym < 0x100);
			}
			while (sym < 0x100)
				sym = (sym << 1) | rc_bit(&rc, &lit[sym]);
			dict[pos++] = (uint8_t)sym;

			if (state < 4)
				state = 0;
			else if (state < 10)
				state -= 3;
			else
				state -= 6;
			continue;
		}

		if (!rc_bit(&rc, &p->is_rep[state])) {
			len = lzma_len(&rc, &p->match_len, pos_state);
			rep3 = rep2;
			rep2 = rep1;
			rep1 = rep0;
			rep0 = lzma_dist(&rc, p, len);
			state = state < LZMA_LIT_STATES ?
				LZMA_STATE_LIT_MATCH : LZMA_STATE_NONLIT_MATCH;
		} else {
			if (!rc_bit(&rc, &p->is_rep0[state])) {
				uint16_t *rep0_long =
					&p->is_rep0_long[state][pos_state];

				if (!rc_bit(&rc, rep0_long)) {
					/* Short rep: one byte from rep0. */
					if (rep0 >= pos || rep0 >= dict_size)
						goto bad_dist;
					dict[pos] = dict[pos - rep0 - 1];
					pos++;
					state = state < LZMA_LIT_STATES ?
						LZMA_STATE_LIT_SHORTREP :
						LZMA_STATE_NONLIT_REP;
					continue;
				}
			} else {
				uint32_t dist;

				if (!rc_bit(&rc, &p->is_rep1[state])) {
					dist = rep1;
				} else {
					if (!rc_bit(&rc, &p->is_rep2[state])) {
						dist = rep2;
					} else {
						dist = rep3;
						rep3 = rep2;
					}
					rep2 = rep1;
				}
				rep1 = rep0;
				rep0 = dist;
			}
			len = lzma_len(&rc, &p->rep_len, pos_state);
			state = state < LZMA_LIT_STATES ?
				LZMA_STATE_LIT_LONGREP : LZMA_STATE_NONLIT_REP;
		}

		/* This also rejects the LZMA end marker, rep0 = UINT32_MAX. */
		if (rep0 >= pos || rep0 >= dict_size)
			goto bad_dist;
		if (len > end - pos) {
			*why = "xz: LZMA match runs past the end of its chunk";
			return -EINVAL;
		}

		dst = dict + pos;
		src = dst - rep0 - 1;
		pos += len;
		avail = rep0 + 1;
		if (len >= 32 && avail >= len) {
			memcpy(dst, src, len);
		} else {
			/* Overlapping copies repeat the last rep0 + 1 bytes. */
			do
				*dst++ = *src++;
			while (--len);
		}
	}

	if (rc.in_pos != rc.in_size) {
		*why = "xz: LZMA2 chunk size does not match its data";
		return -EINVAL;
	}
	/* A correctly flushed range coder ends with nothing left over. */
	if (rc.code != 0) {
		*why = "xz: LZMA2 chunk ends with a corrupt range coder";
		return -EINVAL;
	}
	s->state = state;
	s->rep0 = rep0;
	s->rep1 = rep1;
	s->rep2 = rep2;
	s->rep3 = rep3;
	return 0;

bad_dist:
	*why = "xz: LZMA match distance reaches before the dictionary";
	return -EINVAL;
}

int xz_lzma2_decode(const uint8_t *in, size_t in_len, size_t *in_used,
		    uint8_t *out, size_t out_cap, size_t *out_len,
		    uint32_t dict_size, const char **why)
{
	struct lzma_dec *s = &lzma_dec;
	size_t ip = 0, op = 0, dict_start = 0;
	bool need_dict_reset = true, need_props = true;
	int rc;

	for (;;) {
		size_t usize, csize, hdr, pos;
		unsigned int reset;
		uint8_t ctrl;

		if (ip >= in_len)
			goto truncated;
		ctrl = in[ip];
		if (ctrl == LZMA2_CTRL_END) {
			ip++;
			break;
		}

		if (ctrl > LZMA2_CTRL_COPY && ctrl < LZMA2_CTRL_LZMA) {
			*why = "xz: LZMA2 chunk has an invalid control byte";
			return -EINVAL;
		}
		reset = (ctrl >> LZMA2_RESET_SHIFT) & LZMA2_RESET_MASK;
		if (ctrl == LZMA2_CTRL_COPY_RESET ||
		    (ctrl >= LZMA2_CTRL_LZMA && reset == LZMA2_RESET_DICT)) {
			/*
			 * An LZMA chunk after a dictionary reset must bring
			 * new properties, as the encoder always does.
			 */
			need_dict_reset = false;
			need_props = true;
			dict_start = op;
		} else if (need_dict_reset) {
			*why = "xz: LZMA2 data starts without a dictionary reset";
			return -EINVAL;
		}

		if (ctrl >= LZMA2_CTRL_LZMA) {
			hdr = LZMA2_LZMA_HEADER + (reset >= LZMA2_RESET_PROPS);
			if (in_len - ip < hdr)
				goto truncated;
			usize = ((size_t)(ctrl & LZMA2_USIZE_HIGH_MASK) << 16 |
				 (size_t)in[ip + 1] << 8 | in[ip + 2]) + 1;
			csize = ((size_t)in[ip + 3] << 8 | in[ip + 4]) + 1;
			if (reset >= LZMA2_RESET_PROPS) {
				if (!lzma_set_props(s, in[ip + 5])) {
					*why = "xz: LZMA2 chunk has bad lc/lp/pb";
					return -EINVAL;
				}
				need_props = false;
			} else if (need_props) {
				*why = "xz: LZMA2 chunk lacks properties";
				return -EINVAL;
			}
			if (reset >= LZMA2_RESET_STATE)
				lzma_reset(s);
			ip += hdr;
			if (in_len - ip < csize)
				goto truncated;
			if (out_cap - op < usize)
				goto no_space;
			pos = op - dict_start;
			rc = lzma_chunk(s, in + ip, csize, out + dict_start,
					pos, pos + usize, dict_size, why);
			if (rc)
				return rc;
			ip += csize;
			op += usize;
		} else {
			if (in_len - ip < LZMA2_COPY_HEADER)
				goto truncated;
			usize = ((size_t)in[ip + 1] << 8 | in[ip + 2]) + 1;
			ip += LZMA2_COPY_HEADER;
			if (in_len - ip < usize)
				goto truncated;
			if (out_cap - op < usize)
				goto no_space;
			memcpy(out + op, in + ip, usize);
			ip += usize;
			op += usize;
		}
	}

	*in_used = ip;
	*out_len = op;
	return 0;

truncated:
	*why = "xz: LZMA2 data is truncated";
	return -EINVAL;
no_space:
	*why = "xz: output does not fit in the buffer";
	return -ENOSPC;
}
