/*
 * http_int: the response parser's private parts, shared by http.c (the
 * byte machine) and http_head.c (what a finished header line or head
 * means).  Nothing outside the parser includes this file.
 */
#ifndef SP_HTTP_INT_H
#define SP_HTTP_INT_H

#include "http.h"

/* Parser states; see the design notes in http.c for the transitions. */
enum {
	/* head and trailer states (bytes count against header_bytes) */
	HP_STATUS,
	HP_STATUS_LF,
	HP_FIELD,
	HP_NAME,
	HP_OWS,
	HP_VALUE,
	HP_FIELD_LF,
	HP_HEAD_LF,
	HP_EXT,
	/* chunk framing */
	HP_SIZE,
	HP_SIZE_WS,
	HP_SIZE_LF,
	HP_DATA_CR,
	HP_DATA_LF,
	/* bulk body states */
	HP_BODY,
	HP_DATA,
	HP_UNTIL_CLOSE,
	HP_DONE,
	HP_ERROR
};

/* Bits of http_parser.flags. */
#define HP_F_TRUNC 0x01    /* the value did not fit in line[] */
#define HP_F_LONGNAME 0x02 /* the name did not fit: not one we keep */
#define HP_F_TRAILER 0x04  /* parsing trailer fields */
#define HP_F_HTTP10 0x08
#define HP_F_CLOSE 0x10 /* Connection: close */
#define HP_F_KEEP 0x20  /* Connection: keep-alive */
#define HP_F_TE 0x40    /* Transfer-Encoding seen */

/* Longest header name we act on ("x-rate-limit-remaining"), rounded up. */
#define HP_NAME_CAP 32

/* Record the first error, make it sticky, and return HTTP_PARSE_ERROR. */
int http_fail(struct http_parser *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Begin a response head (the first, or the next one after a 1xx). */
void http_start_head(struct http_parser *p);

/* A header line is complete in line[]: act on the fields we know. */
int http_field_done(struct http_parser *p);

/* The empty line after a head: choose how the body is framed. */
int http_head_done(struct http_parser *p);

#endif
