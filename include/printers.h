/* printers.h: the per-message text and JSON Lines renderers.  Text is
 * coloured as color.h decides; JSON objects carry "schema" (PRINT_JSON_SCHEMA). */
#ifndef TRK_PRINTERS_H
#define TRK_PRINTERS_H

#include <stdbool.h>

#include "flows.h"
#include "msg.h"
#include "strutil.h"

/* the version of the per-message JSON object; bumped when a field is renamed,
 * removed or changes type (new fields do not bump it) */
#define PRINT_JSON_SCHEMA "trackdump.message/1"

struct print_opts {
    bool hex;          /* -x: hex dump under each line */
    bool verbose;      /* -v: every record and IO element */
    int input;         /* decode: 1-based input index, 0 = capture */
};

const char *status_name(enum trk_status s);
/* capture times: RFC 3339 in UTC, or in local time with the offset after
 * print_localtime(true) (--localtime; chosen once at start-up) */
void print_localtime(bool on);
void fmt_capture_time(int64_t ns, char *buf, size_t n);
/* one message as text (with a trailing newline; hex dump and records under it) */
void render_text(struct sbuf *b, const struct trk_msg *m, const struct conn *c, const struct print_opts *o);
/* one message as a JSON object and a newline */
void render_json(struct sbuf *b, const struct trk_msg *m, const struct conn *c, const struct print_opts *o);

/* the server's verdict on a request: " ack=12ms" in text, ",\"ack\":{...}" in JSON */
void render_ack(struct sbuf *b, const struct trk_ack *a, bool json);

#endif
