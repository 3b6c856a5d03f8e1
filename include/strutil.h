/* strutil.h: one escaping routine for untrusted bytes, times in RFC 3339, a
 * growable output buffer.  Used by every printer. */
#ifndef TRK_STRUTIL_H
#define TRK_STRUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sbuf { char *p; size_t len, cap; };

void sb_reset(struct sbuf *b);
void sb_free(struct sbuf *b);
void sb_putc(struct sbuf *b, char c);
void sb_put(struct sbuf *b, const char *s, size_t n);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* bytes as JSON string content (quotes not included) */
void sb_json_str(struct sbuf *b, const char *s, size_t n);
/* bytes for a terminal: printable ASCII as is, everything else as \xNN */
void sb_text_str(struct sbuf *b, const char *s, size_t n);
void sb_hex(struct sbuf *b, const uint8_t *p, size_t n);
/* tcpdump -X style dump, one line per 16 bytes, each line prefixed by `indent` */
void sb_hexdump(struct sbuf *b, const uint8_t *p, size_t n, const char *indent);

/* "2026-11-23T20:01:02.123456Z" from ns since the epoch */
void fmt_ts_us(int64_t ns, char *buf, size_t n);
/* "2019-06-10T10:04:46Z", or with ".123" when the milliseconds are not zero */
void fmt_time_ms(int64_t ms, char *buf, size_t n);

#endif
