/* fieldset.c: the field helpers dissectors share (see fieldset.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fieldset.h"
#include "rd.h"

bool field_room(const struct trk_msg *m, const char *key)
{
    return m->nfield + FIELD_SPARE < TRK_MAX_FIELDS && !msg_field_get(m, key);
}

void field_int(struct trk_msg *m, const char *key, int64_t v)
{
    if (field_room(m, key)) msg_field_int(m, key, v);
}

void field_num(struct trk_msg *m, const char *key, double v)
{
    if (field_room(m, key)) msg_field_num(m, key, v);
}

void field_bool(struct trk_msg *m, const char *key, bool v)
{
    if (field_room(m, key)) msg_field_bool(m, key, v);
}

void field_str(struct trk_msg *m, const char *key, size_t max, const char *fmt, ...)
{
    char buf[FIELD_STR_MAX + 1];
    va_list ap;
    if (!field_room(m, key)) return;
    if (max > FIELD_STR_MAX) max = FIELD_STR_MAX;
    va_start(ap, fmt);
    if (fmt[0] == '%' && fmt[1] == 's' && fmt[2] == 0) {   /* the common "%s": no printf */
        const char *s = va_arg(ap, const char *);
        size_t n = strnlen(s, max);
        memcpy(buf, s, n);
        buf[n] = 0;
    } else {
        vsnprintf(buf, max + 1, fmt, ap);
    }
    va_end(ap);
    msg_field_str(m, key, "%s", buf);
}

void field_hex(struct trk_msg *m, const char *key, const uint8_t *p, size_t n, size_t max_bytes)
{
    static const char hx[] = "0123456789abcdef";
    char buf[2 * FIELD_HEX_MAX + 4];
    size_t o = 0;
    struct trk_rd r;
    if (!field_room(m, key)) return;
    if (max_bytes > FIELD_HEX_MAX) max_bytes = FIELD_HEX_MAX;
    rd_init(&r, p, n);
    while (rd_left(&r) && o < 2 * max_bytes) {
        unsigned b = rd_u8(&r);
        buf[o++] = hx[b >> 4];
        buf[o++] = hx[b & 15];
    }
    if (rd_left(&r)) { memcpy(buf + o, "...", 3); o += 3; }
    buf[o] = 0;
    msg_field_str(m, key, "%s", buf);
}

void field_text(struct trk_msg *m, const char *key, const uint8_t *p, size_t n, size_t max, unsigned flags)
{
    char buf[FIELD_STR_MAX + 1];
    size_t o = 0, keep = 0;
    struct trk_rd r;
    if (!field_room(m, key)) return;
    if ((flags & FIELD_TEXT_NONNULL) && !p) return;
    if (max > FIELD_STR_MAX) max = FIELD_STR_MAX;
    rd_init(&r, p, n);
    while (rd_left(&r) && o < max) {
        unsigned b = rd_u8(&r);
        bool print = b >= 0x20 && b < 0x7f;
        buf[o++] = (print || ((flags & FIELD_TEXT_KEEP_HIGH) && b >= 0x80)) ? (char)b : '.';
        if (flags & FIELD_TEXT_TRIM_ALL) { if (print && b != ' ') keep = o; }
        else if (flags & FIELD_TEXT_TRIM) { if (b != 0 && b != ' ' && b != '\r' && b != '\n') keep = o; }
        else keep = o;
    }
    buf[keep] = 0;
    msg_field_str(m, key, "%s", buf);
}
