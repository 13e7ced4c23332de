/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xs_wire.h framing: incremental parsing of a byte stream into requests,
 * splitting payloads into NUL-terminated arguments, and queueing replies.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "xsd.h"

/* Reassembles one message from a stream that may deliver it in pieces. */
struct wire_in {
	struct xsd_sockmsg hdr;
	size_t have;			/* bytes of header + body received */
	char body[XENSTORE_PAYLOAD_MAX + 1];	/* +1: a NUL after the body */
};

enum wire_status {
	WIRE_MORE,			/* need more bytes */
	WIRE_MSG,			/* in->hdr and in->body hold a message */
	WIRE_BAD,			/* len > XENSTORE_PAYLOAD_MAX: drop the peer */
};

/*
 * Feed up to @len bytes; *used says how many were taken. After WIRE_MSG
 * the caller handles the message and calls wire_in_reset().
 */
enum wire_status wire_feed(struct wire_in *in, const void *data, size_t len,
			   size_t *used);
void wire_in_reset(struct wire_in *in);

/*
 * Split a payload into NUL-terminated strings. Every string, including
 * the last, must end in a NUL inside the payload; returns their number or
 * -EINVAL (unterminated, or more than @max).
 */
int wire_split(const char *body, uint32_t len, const char **argv,
	       unsigned int max);

/* Queue one message on @c. 0, or -ENOMEM. */
int wire_queue(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
	       const void *body, size_t len);
/* Reply to @req with @body; with a string, its NUL is included. */
int wire_reply(struct conn *c, const struct xsd_sockmsg *req,
	       const void *body, size_t len);
int wire_reply_str(struct conn *c, const struct xsd_sockmsg *req,
		   const char *s);
/* XS_ERROR reply naming errno @err (positive or negative). */
int wire_reply_error(struct conn *c, const struct xsd_sockmsg *req, int err);
/* The xs_wire.h name of @err ("EINVAL" for names it lacks). */
const char *wire_errname(int err);

/* The unsent bytes of the oldest queued message, or NULL. */
const void *wire_out_peek(struct conn *c, size_t *len);
/* @n bytes of it were written. */
void wire_out_consume(struct conn *c, size_t n);
void wire_out_flush(struct conn *c);
