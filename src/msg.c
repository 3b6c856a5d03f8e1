/* msg.c: building a decoded message: status and problem texts, fields, records,
 * IO elements and the string arena they live in. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "rd.h"

void msg_reset(struct trk_msg *m)
{
    m->proto = NULL;
    m->type = "unknown";
    m->imei[0] = 0;
    m->imei_from_session = false;
    m->status = TRK_OK;
    m->problem[0] = 0;
    m->has_problem_span = false;
    m->problem_off = m->problem_len = 0;
    m->nrec = m->nio = m->nfield = 0;
    m->overflow = false;
    memset(&m->want_reply, 0, sizeof m->want_reply);
    memset(&m->is_reply, 0, sizeof m->is_reply);
    m->ack.verdict = TRK_ACK_NONE;
    m->seq = 0;
    m->raw = NULL;
    m->rawlen = 0;
    m->arena_len = 0;
}

/* sets the status, the problem and its byte range (len 0: none) unless an
 * earlier problem stays */
static void set_status(struct trk_msg *m, enum trk_status st, size_t off, size_t len, const char *fmt,
                       va_list ap)
{
    /* malformed outranks unsupported: a broken frame is the cause to report */
    if (m->status == TRK_MALFORMED) return;
    if (m->status == TRK_UNSUPPORTED && st == TRK_UNSUPPORTED) return;
    m->status = st;
    vsnprintf(m->problem, sizeof m->problem, fmt, ap);
    m->has_problem_span = len > 0;
    m->problem_off = len ? off : 0;
    m->problem_len = len;
}

void msg_malformed(struct trk_msg *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_status(m, TRK_MALFORMED, 0, 0, fmt, ap);
    va_end(ap);
}

void msg_unsupported(struct trk_msg *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_status(m, TRK_UNSUPPORTED, 0, 0, fmt, ap);
    va_end(ap);
}

void msg_malformed_at(struct trk_msg *m, size_t off, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_status(m, TRK_MALFORMED, off, len, fmt, ap);
    va_end(ap);
}

void msg_unsupported_at(struct trk_msg *m, size_t off, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_status(m, TRK_UNSUPPORTED, off, len, fmt, ap);
    va_end(ap);
}

void msg_truncated(struct trk_msg *m, const struct trk_rd *rd)
{
    size_t at = rd->err ? rd->err_off : rd_pos(rd), end = rd->base + rd->n;
    msg_malformed_at(m, at, at < end ? end - at : 0, "truncated at offset %zu", at);
}

void msg_crc_mismatch(struct trk_msg *m, const char *what, uint32_t field, uint32_t computed, int digits,
                      size_t off, size_t len)
{
    msg_malformed_at(m, off, len, "%s mismatch: field 0x%0*X, computed 0x%0*X", what ? what : "crc", digits,
                     field, digits, computed);
}

void msg_length_mismatch(struct trk_msg *m, size_t says, size_t has, size_t off, size_t len)
{
    msg_malformed_at(m, off, len, "length field says %zu, frame has %zu", says, has);
}

const char *msg_strdup(struct trk_msg *m, const char *s, size_t n)
{
    if (n + 1 > sizeof m->arena - m->arena_len) { m->overflow = true; return NULL; }
    char *d = m->arena + m->arena_len;
    memcpy(d, s, n);
    d[n] = 0;
    m->arena_len += n + 1;
    return d;
}

static const char *vprintf_arena(struct trk_msg *m, const char *fmt, va_list ap)
{
    size_t room = sizeof m->arena - m->arena_len;
    char *d = m->arena + m->arena_len;
    int k = vsnprintf(d, room, fmt, ap);
    if (k < 0 || (size_t)k + 1 > room) { m->overflow = true; if (room) d[0] = 0; return NULL; }
    m->arena_len += (size_t)k + 1;
    return d;
}

const char *msg_printf(struct trk_msg *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *r = vprintf_arena(m, fmt, ap);
    va_end(ap);
    return r;
}

const char *msg_hex(struct trk_msg *m, const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    if (2 * n + 1 > sizeof m->arena - m->arena_len) { m->overflow = true; return NULL; }
    char *d = m->arena + m->arena_len;
    for (size_t i = 0; i < n; i++) { d[2 * i] = hx[p[i] >> 4]; d[2 * i + 1] = hx[p[i] & 15]; }
    d[2 * n] = 0;
    m->arena_len += 2 * n + 1;
    return d;
}

static void add_field(struct trk_msg *m, const char *key, const char *val, uint8_t kind)
{
    if (!val) return;
    if (m->nfield >= TRK_MAX_FIELDS) { m->overflow = true; return; }
    m->field[m->nfield].key = key;
    m->field[m->nfield].val = val;
    m->field[m->nfield].kind = kind;
    m->nfield++;
}

void msg_field_str(struct trk_msg *m, const char *key, const char *fmt, ...)
{
    va_list ap;
    const char *v;
    va_start(ap, fmt);
    if (fmt[0] == '%' && fmt[1] == 's' && fmt[2] == 0) {   /* the common "%s": no printf */
        const char *s = va_arg(ap, const char *);
        v = msg_strdup(m, s, strlen(s));
    } else {
        v = vprintf_arena(m, fmt, ap);
    }
    va_end(ap);
    add_field(m, key, v, TRK_V_STR);
}

/* decimal digits of v into the arena (what "%lld" prints) */
static const char *int_arena(struct trk_msg *m, int64_t v)
{
    char t[24];
    size_t i = sizeof t;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do { t[--i] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) t[--i] = '-';
    return msg_strdup(m, t + i, sizeof t - i);
}

void msg_field_num(struct trk_msg *m, const char *key, double v)
{
    /* "%.10g" of a whole number below 1e10 is its digits */
    if (fabs(v) < 1e10 && v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
        add_field(m, key, int_arena(m, (int64_t)v), TRK_V_NUM);
        return;
    }
    /* JSON has no NaN or infinity: those stay strings */
    add_field(m, key, msg_printf(m, "%.10g", v), isfinite(v) ? TRK_V_NUM : TRK_V_STR);
}

void msg_field_int(struct trk_msg *m, const char *key, int64_t v)
{
    add_field(m, key, int_arena(m, v), TRK_V_NUM);
}

void msg_field_bool(struct trk_msg *m, const char *key, bool v)
{
    add_field(m, key, v ? "true" : "false", TRK_V_BOOL);
}

const char *msg_field_get(const struct trk_msg *m, const char *key)
{
    for (size_t i = 0; i < m->nfield; i++) {
        const char *k = m->field[i].key;
        if (k == key || (k[0] == key[0] && strcmp(k, key) == 0)) return m->field[i].val;
    }
    return NULL;
}

struct trk_record *msg_add_record(struct trk_msg *m)
{
    if (m->nrec >= TRK_MAX_REC) { m->overflow = true; return NULL; }
    struct trk_record *r = &m->rec[m->nrec++];
    memset(r, 0, sizeof *r);
    r->io_first = (uint16_t)m->nio;
    return r;
}

void msg_add_io(struct trk_msg *m, uint32_t id, uint16_t len, uint64_t u, const uint8_t *bytes)
{
    if (m->nrec == 0 || m->nio >= TRK_MAX_IO) { m->overflow = true; return; }
    struct trk_io *io = &m->io[m->nio];
    io->id = id;
    io->len = len;
    io->u = len <= 8 ? u : 0;
    io->hex = NULL;
    if (len > 8) {
        io->hex = bytes ? msg_hex(m, bytes, len) : NULL;
        if (!io->hex) return;
    }
    m->nio++;
    m->rec[m->nrec - 1].io_count++;
}

void msg_set_imei(struct trk_msg *m, const char *s)
{
    snprintf(m->imei, sizeof m->imei, "%s", s);
}

int64_t trk_timegm(int year, int mon, int day, int h, int mi, int s)
{
    /* days from civil (proleptic Gregorian), valid for any year */
    int64_t y = year - (mon <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (mon + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    return days * 86400 + h * 3600 + mi * 60 + s;
}
