/* strutil.c: escaping, hex, RFC 3339 times and a growable buffer for printers. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strutil.h"

static void sb_grow(struct sbuf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1) cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) { fputs("trackdump: out of memory\n", stderr); exit(1); }
    b->p = np;
    b->cap = cap;
}

void sb_reset(struct sbuf *b) { b->len = 0; if (b->p) b->p[0] = 0; }
void sb_free(struct sbuf *b) { free(b->p); b->p = NULL; b->len = b->cap = 0; }

void sb_put(struct sbuf *b, const char *s, size_t n)
{
    sb_grow(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void sb_putc(struct sbuf *b, char c) { sb_put(b, &c, 1); }
void sb_puts(struct sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    char probe[1];
    va_start(ap, fmt);
    int k = vsnprintf(probe, sizeof probe, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    sb_grow(b, (size_t)k);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)k;
}

static const char HX[] = "0123456789abcdef";

void sb_json_str(struct sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { sb_putc(b, '\\'); sb_putc(b, (char)c); }
        else if (c == '\n') sb_puts(b, "\\n");
        else if (c == '\r') sb_puts(b, "\\r");
        else if (c == '\t') sb_puts(b, "\\t");
        else if (c < 0x20 || c >= 0x7f) sb_printf(b, "\\u%04x", c);
        else sb_putc(b, (char)c);
    }
}

void sb_text_str(struct sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') sb_putc(b, (char)c);
        else if (c == '\\') sb_puts(b, "\\\\");
        else { char e[4] = {'\\', 'x', HX[c >> 4], HX[c & 15]}; sb_put(b, e, 4); }
    }
}

void sb_hex(struct sbuf *b, const uint8_t *p, size_t n)
{
    sb_grow(b, 2 * n);
    for (size_t i = 0; i < n; i++) {
        b->p[b->len++] = HX[p[i] >> 4];
        b->p[b->len++] = HX[p[i] & 15];
    }
    b->p[b->len] = 0;
}

void sb_hexdump(struct sbuf *b, const uint8_t *p, size_t n, const char *indent)
{
    for (size_t off = 0; off < n; off += 16) {
        size_t k = n - off < 16 ? n - off : 16;
        sb_printf(b, "%s0x%04zx:  ", indent, off);
        for (size_t i = 0; i < 16; i++) {
            if (i < k) { sb_putc(b, HX[p[off + i] >> 4]); sb_putc(b, HX[p[off + i] & 15]); }
            else sb_puts(b, "  ");
            if (i & 1) sb_putc(b, ' ');
        }
        sb_putc(b, ' ');
        for (size_t i = 0; i < k; i++) {
            uint8_t c = p[off + i];
            sb_putc(b, c >= 0x20 && c < 0x7f ? (char)c : '.');
        }
        sb_putc(b, '\n');
    }
}

static void civil(int64_t secs, struct tm *tm)
{
    time_t t = (time_t)secs;
    if (!gmtime_r(&t, tm)) memset(tm, 0, sizeof *tm);
}

void fmt_ts_us(int64_t ns, char *buf, size_t n)
{
    int64_t s = ns / 1000000000LL, frac = ns % 1000000000LL;
    if (frac < 0) { frac += 1000000000LL; s--; }
    struct tm tm;
    civil(s, &tm);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)(frac / 1000));
}

void fmt_time_ms(int64_t ms, char *buf, size_t n)
{
    int64_t s = ms / 1000, frac = ms % 1000;
    if (frac < 0) { frac += 1000; s--; }
    struct tm tm;
    civil(s, &tm);
    if (frac)
        snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)frac);
    else
        snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
