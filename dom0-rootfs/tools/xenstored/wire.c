// SPDX-License-Identifier: GPL-2.0-only
/*
 * xs_wire.h framing. Messages (16-byte header + up to 4096 payload bytes)
 * are larger than a 1 KiB ring, so input is reassembled incrementally.
 * A header announcing more than XENSTORE_PAYLOAD_MAX can never be resynced
 * (Linux itself abandons the stream then), so the peer is dropped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

void wire_in_reset(struct wire_in *in)
{
	in->have = 0;
}

enum wire_status wire_feed(struct wire_in *in, const void *data, size_t len,
			   size_t *used)
{
	const char *p = data;
	size_t take;

	*used = 0;
	if (in->have < sizeof(in->hdr)) {
		take = sizeof(in->hdr) - in->have;
		if (take > len)
			take = len;
		memcpy((char *)&in->hdr + in->have, p, take);
		in->have += take;
		*used += take;
		p += take;
		len -= take;
		if (in->have < sizeof(in->hdr))
			return WIRE_MORE;
	}
	if (in->hdr.len > XENSTORE_PAYLOAD_MAX)
		return WIRE_BAD;

	take = sizeof(in->hdr) + in->hdr.len - in->have;
	if (take > len)
		take = len;
	memcpy(in->body + (in->have - sizeof(in->hdr)), p, take);
	in->have += take;
	*used += take;
	if (in->have < sizeof(in->hdr) + in->hdr.len)
		return WIRE_MORE;
	in->body[in->hdr.len] = '\0';
	return WIRE_MSG;
}

int wire_split(const char *body, uint32_t len, const char **argv,
	       unsigned int max)
{
	unsigned int n = 0;
	uint32_t off = 0;

	while (off < len) {
		const char *nul = memchr(body + off, '\0', len - off);

		if (!nul || n == max)
			return -EINVAL;
		argv[n++] = body + off;
		off = nul - body + 1;
	}
	return n;
}

int wire_queue(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
	       const void *body, size_t len)
{
	struct xsd_sockmsg hdr = {
		.type = type, .req_id = req_id, .tx_id = tx_id, .len = len,
	};
	struct outmsg *m;

	/* Never send a header Linux would choke on (see above). */
	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	m = malloc(sizeof(*m) + sizeof(hdr) + len);
	if (!m)
		return -ENOMEM;
	m->next = NULL;
	m->len = sizeof(hdr) + len;
	m->sent = 0;
	memcpy(m->data, &hdr, sizeof(hdr));
	if (len)
		memcpy(m->data + sizeof(hdr), body, len);
	*c->out_tail = m;
	c->out_tail = &m->next;
	c->out_bytes += m->len;
	return 0;
}

int wire_reply(struct conn *c, const struct xsd_sockmsg *req,
	       const void *body, size_t len)
{
	return wire_queue(c, req->type, req->req_id, req->tx_id, body, len);
}

int wire_reply_str(struct conn *c, const struct xsd_sockmsg *req,
		   const char *s)
{
	return wire_reply(c, req, s, strlen(s) + 1);
}

const char *wire_errname(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	/* Linux 6.1 lacks EPERM in its table and would read it as EINVAL. */
	if (err == EPERM)
		err = EACCES;
	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			return xsd_errors[i].errstring;
	return "EINVAL";
}

int wire_reply_error(struct conn *c, const struct xsd_sockmsg *req, int err)
{
	const char *name = wire_errname(err);

	return wire_queue(c, XS_ERROR, req->req_id, req->tx_id, name,
			  strlen(name) + 1);
}

const void *wire_out_peek(struct conn *c, size_t *len)
{
	struct outmsg *m = c->out_head;

	if (!m)
		return NULL;
	*len = m->len - m->sent;
	return m->data + m->sent;
}

void wire_out_consume(struct conn *c, size_t n)
{
	struct outmsg *m = c->out_head;

	m->sent += n;
	if (m->sent < m->len)
		return;
	c->out_bytes -= m->len;
	c->out_head = m->next;
	if (!c->out_head)
		c->out_tail = &c->out_head;
	free(m);
}

void wire_out_flush(struct conn *c)
{
	size_t len;

	while (wire_out_peek(c, &len))
		wire_out_consume(c, len);
}
