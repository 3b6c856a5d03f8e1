/* printers.h: the per-message text and JSON Lines renderers. */
#ifndef TRK_PRINTERS_H
#define TRK_PRINTERS_H

#include <stdbool.h>

#include "flows.h"
#include "msg.h"
#include "strutil.h"

struct print_opts {
    bool hex;          /* -x: hex dump under each line */
    bool verbose;      /* -v: every record and IO element */
    int input;         /* decode: 1-based input index, 0 = capture */
};

const char *status_name(enum trk_status s);
/* one message as text (with a trailing newline; hex dump and records under it) */
void render_text(struct sbuf *b, const struct trk_msg *m, const struct conn *c, const struct print_opts *o);
/* one message as a JSON object and a newline */
void render_json(struct sbuf *b, const struct trk_msg *m, const struct conn *c, const struct print_opts *o);

/* the printers' numbers and times without printf, byte for byte what the printf
 * format or function named gives */
void pr_u64(struct sbuf *b, unsigned long long v);     /* "%llu" */
void pr_int(struct sbuf *b, long long v);              /* "%lld" */
void pr_fixed(struct sbuf *b, double v, int dec);      /* "%.<dec>f", dec 0..7 */
void pr_ts_us(struct sbuf *b, int64_t ns);             /* fmt_ts_us() */
void pr_time_ms(struct sbuf *b, int64_t ms);           /* fmt_time_ms() */

#endif
