/* print_json.c: JSON Lines, one object per message (DESIGN.md §4), each
 * starting with "schema" (PRINT_JSON_SCHEMA): numbers as numbers, times in
 * RFC 3339 (capture times in UTC unless --localtime), untrusted bytes escaped.  The hot path writes
 * without printf into a local buffer handed to the output buffer in large
 * pieces; numbers and times are formatted here (pr_* in printers.h, also used by
 * the text printer) and give exactly what the printf formats named would. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "printers.h"

static const char HEX[] = "0123456789abcdef";

/* ---------- numbers and times into a char buffer ---------- */

size_t pr_fmt_u64(char *out, unsigned long long u)
{
    char t[24];
    size_t i = sizeof t;
    do { t[--i] = (char)('0' + u % 10); u /= 10; } while (u);
    memcpy(out, t + i, sizeof t - i);
    return sizeof t - i;
}

size_t pr_fmt_int(char *out, long long v)
{
    if (v >= 0) return pr_fmt_u64(out, (unsigned long long)v);
    out[0] = '-';
    return 1 + pr_fmt_u64(out + 1, 0 - (unsigned long long)v);
}

/* The scaled value is rounded here only when it is clearly away from a half,
 * where printf's exact rounding gives the same digits; otherwise printf does it. */
size_t pr_fmt_fixed(char *out, double v, int dec)
{
    static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7};
    static const unsigned long long u10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
    double a = fabs(v) * p10[dec];
    if (a < 1e15) {
        double whole = floor(a), frac = a - whole;
        if (fabs(frac - 0.5) > a * 1e-15 + 1e-9) {
            unsigned long long r = (unsigned long long)whole + (frac > 0.5);
            size_t k = 0;
            if (signbit(v)) out[k++] = '-';
            k += pr_fmt_u64(out + k, r / u10[dec]);
            if (dec) {
                unsigned long long f = r % u10[dec];
                out[k++] = '.';
                for (int i = dec - 1; i >= 0; i--) { out[k + (size_t)i] = (char)('0' + f % 10); f /= 10; }
                k += (size_t)dec;
            }
            return k;
        }
    }
    char fmt[8];
    snprintf(fmt, sizeof fmt, "%%.%df", dec);
    int k = snprintf(out, PR_NUM_MAX, fmt, v);
    return k < 0 ? 0 : (size_t)k < PR_NUM_MAX ? (size_t)k : PR_NUM_MAX - 1;
}

/* "%04d-%02d-%02dT%02d:%02d:%02d" of a second, remembered: times repeat */
struct civil_cache { bool set; int64_t s; char txt[40]; size_t len; };

static size_t civil(char *out, struct civil_cache *c, int64_t s)
{
    if (!c->set || c->s != s) {
        time_t t = (time_t)s;
        struct tm tm;
        if (!gmtime_r(&t, &tm)) memset(&tm, 0, sizeof tm);
        int k = snprintf(c->txt, sizeof c->txt, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        c->len = k < 0 ? 0 : (size_t)k < sizeof c->txt ? (size_t)k : sizeof c->txt - 1;
        c->s = s;
        c->set = true;
    }
    memcpy(out, c->txt, c->len);
    return c->len;
}

static size_t digits(char *out, unsigned long long v, int width)
{
    for (int i = width - 1; i >= 0; i--) { out[i] = (char)('0' + v % 10); v /= 10; }
    return (size_t)width;
}

/* fmt_capture_time() of the whole second, remembered (its text around the six
 * digits of microseconds does not change within a second), then the digits */
size_t pr_fmt_capture_time(char *out, int64_t ns)
{
    static bool set;
    static int64_t last;
    static char head[64], tail[16];
    static size_t nhead, ntail;
    int64_t s = ns / 1000000000LL, frac = ns % 1000000000LL;
    if (frac < 0) { frac += 1000000000LL; s--; }
    if (!set || s != last) {
        char t[64];
        fmt_capture_time(s * 1000000000LL, t, sizeof t);
        const char *dot = strchr(t, '.');
        size_t len = strlen(t);
        if (!dot || (size_t)(dot - t) + 7 > len || len - (size_t)(dot - t) - 7 >= sizeof tail) {
            fmt_capture_time(ns, out, 64);               /* not the expected shape: as it is */
            return strlen(out);
        }
        nhead = (size_t)(dot - t) + 1;
        memcpy(head, t, nhead);
        ntail = len - nhead - 6;
        memcpy(tail, dot + 7, ntail);
        last = s;
        set = true;
    }
    memcpy(out, head, nhead);
    size_t k = nhead + digits(out + nhead, (unsigned long long)(frac / 1000), 6);
    memcpy(out + k, tail, ntail);
    return k + ntail;
}

size_t pr_fmt_time_ms(char *out, int64_t ms)
{
    static struct civil_cache cc;
    int64_t s = ms / 1000, frac = ms % 1000;
    if (frac < 0) { frac += 1000; s--; }
    size_t k = civil(out, &cc, s);
    if (frac) { out[k++] = '.'; k += digits(out + k, (unsigned long long)frac, 3); }
    out[k++] = 'Z';
    return k;
}

/* ---------- the JSON writer: a local buffer flushed into the sbuf ---------- */

struct jw { struct sbuf *out; size_t n; char b[16384]; };

static void flush(struct jw *w)
{
    if (w->n) sb_put(w->out, w->b, w->n);
    w->n = 0;
}

/* room for k more bytes (k <= sizeof b) */
static char *room(struct jw *w, size_t k)
{
    if (k > sizeof w->b - w->n) flush(w);
    return w->b + w->n;
}

static void put(struct jw *w, const char *s, size_t n)
{
    if (n > sizeof w->b - w->n) {
        flush(w);
        if (n > sizeof w->b) { sb_put(w->out, s, n); return; }
    }
    memcpy(w->b + w->n, s, n);
    w->n += n;
}

#define PUT(w, lit) put((w), (lit), sizeof(lit) - 1)

static void putc1(struct jw *w, char c)
{
    if (w->n == sizeof w->b) flush(w);
    w->b[w->n++] = c;
}

static void key(struct jw *w, const char *k, bool *first)
{
    if (!*first) putc1(w, ',');
    putc1(w, '"');
    put(w, k, strlen(k));
    PUT(w, "\":");
    *first = false;
}

/* bytes as JSON string content (as sb_json_str writes them): plain runs in one piece */
static void json_str(struct jw *w, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') continue;
        if (i > run) put(w, s + run, i - run);
        char *o = room(w, 6);
        size_t k = 2;
        o[0] = '\\';
        if (c == '"' || c == '\\') o[1] = (char)c;
        else if (c == '\n') o[1] = 'n';
        else if (c == '\r') o[1] = 'r';
        else if (c == '\t') o[1] = 't';
        else { memcpy(o + 1, "u00", 3);   /* NOLINT(bugprone-not-null-terminated-result): JSON bytes */
               o[4] = HEX[c >> 4]; o[5] = HEX[c & 15]; k = 6; }
        w->n += k;
        run = i + 1;
    }
    if (n > run) put(w, s + run, n - run);
}

static void jstr(struct jw *w, const char *s)
{
    putc1(w, '"');
    json_str(w, s, strlen(s));
    putc1(w, '"');
}

static void ju64(struct jw *w, unsigned long long v) { w->n += pr_fmt_u64(room(w, 24), v); }
static void jint(struct jw *w, long long v) { w->n += pr_fmt_int(room(w, 24), v); }

static void jnum(struct jw *w, double v, int dec)
{
    if (isfinite(v)) w->n += pr_fmt_fixed(room(w, PR_NUM_MAX), v, dec);
    else PUT(w, "null");
}

/* a time as a JSON string: capture time (ns) or a record's time (ms) */
static void jtime_with(struct jw *w, size_t (*fmt)(char *, int64_t), int64_t v)
{
    char *o = room(w, 72);
    o[0] = '"';
    size_t k = 1 + fmt(o + 1, v);
    o[k++] = '"';
    w->n += k;
}

static void jendpoint(struct jw *w, const struct endpoint *e)
{
    char t[64];
    endpoint_str(e, t, sizeof t);
    jstr(w, t);
}

static void jhex(struct jw *w, const uint8_t *p, size_t n)
{
    while (n) {
        size_t k = (sizeof w->b - w->n) / 2;
        if (k == 0) { flush(w); continue; }
        if (k > n) k = n;
        char *o = w->b + w->n;
        for (size_t i = 0; i < k; i++) { o[2 * i] = HEX[p[i] >> 4]; o[2 * i + 1] = HEX[p[i] & 15]; }
        w->n += 2 * k;
        p += k;
        n -= k;
    }
}

static void record_json(struct jw *w, const struct trk_msg *m, const struct trk_record *r)
{
    bool first = true;
    putc1(w, '{');
    if (r->has & TRK_R_TIME) { key(w, "time", &first); jtime_with(w, pr_fmt_time_ms, r->time_ms); }
    if (r->has & TRK_R_VALID) {
        key(w, "valid", &first);
        if (r->valid) PUT(w, "true"); else PUT(w, "false");
    }
    if (r->has & TRK_R_POS) {
        key(w, "lat", &first); jnum(w, r->lat, 7);
        key(w, "lon", &first); jnum(w, r->lon, 7);
    }
    if (r->has & TRK_R_ALT) { key(w, "alt", &first); jnum(w, r->alt, 1); }
    if (r->has & TRK_R_SPEED) { key(w, "speed", &first); jnum(w, r->speed, 2); }
    if (r->has & TRK_R_COURSE) { key(w, "course", &first); jnum(w, r->course, 1); }
    if (r->has & TRK_R_SATS) { key(w, "sats", &first); jint(w, r->sats); }
    if (r->io_count) {
        key(w, "io", &first);
        putc1(w, '{');
        for (unsigned i = 0; i < r->io_count && r->io_first + i < m->nio; i++) {
            const struct trk_io *io = &m->io[r->io_first + i];
            if (i) putc1(w, ',');
            putc1(w, '"');
            ju64(w, io->id);
            PUT(w, "\":");
            if (io->hex) { putc1(w, '"'); put(w, io->hex, strlen(io->hex)); putc1(w, '"'); }
            else ju64(w, (unsigned long long)io->u);
        }
        putc1(w, '}');
    }
    putc1(w, '}');
}

void render_json(struct sbuf *b, const struct trk_msg *m, const struct conn *c, const struct print_opts *o)
{
    static struct jw w;
    bool first = true;
    w.out = b;
    w.n = 0;
    putc1(&w, '{');
    key(&w, "schema", &first); jstr(&w, PRINT_JSON_SCHEMA);
    if (c) {
        key(&w, "ts", &first); jtime_with(&w, pr_fmt_capture_time, m->ts_ns);
        key(&w, "src", &first); jendpoint(&w, m->dir == TRK_UP ? &c->cli : &c->srv);
        key(&w, "dst", &first); jendpoint(&w, m->dir == TRK_UP ? &c->srv : &c->cli);
    } else {
        key(&w, "input", &first); jint(&w, o->input);
    }
    key(&w, "transport", &first); jstr(&w, m->transport == TRK_UDP ? "udp" : "tcp");
    key(&w, "dir", &first); jstr(&w, m->dir == TRK_UP ? "up" : "down");
    key(&w, "proto", &first); jstr(&w, m->proto ? m->proto : "unknown");
    key(&w, "imei", &first); jstr(&w, m->imei);
    key(&w, "type", &first); jstr(&w, m->type);
    key(&w, "status", &first); jstr(&w, status_name(m->status));
    if (m->status != TRK_OK) { key(&w, "problem", &first); jstr(&w, m->problem); }
    if (m->status != TRK_OK && m->has_problem_span) {
        key(&w, "problem_bytes", &first);
        PUT(&w, "{\"offset\":");
        ju64(&w, (unsigned long long)m->problem_off);
        PUT(&w, ",\"length\":");
        ju64(&w, (unsigned long long)m->problem_len);
        putc1(&w, '}');
    }
    key(&w, "records", &first);
    putc1(&w, '[');
    for (size_t i = 0; i < m->nrec; i++) {
        if (i) putc1(&w, ',');
        record_json(&w, m, &m->rec[i]);
    }
    putc1(&w, ']');
    key(&w, "fields", &first);
    putc1(&w, '{');
    for (size_t i = 0; i < m->nfield; i++) {
        if (i) putc1(&w, ',');
        putc1(&w, '"');
        put(&w, m->field[i].key, strlen(m->field[i].key));
        PUT(&w, "\":");
        if (m->field[i].kind == TRK_V_STR) jstr(&w, m->field[i].val);
        else put(&w, m->field[i].val, strlen(m->field[i].val));
    }
    putc1(&w, '}');
    key(&w, "hex", &first);
    putc1(&w, '"');
    if (m->raw) jhex(&w, m->raw, m->rawlen);
    putc1(&w, '"');
    PUT(&w, "}\n");
    flush(&w);
}
