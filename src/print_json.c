/* print_json.c: JSON Lines, one object per message (DESIGN.md §4): numbers as
 * numbers, times in RFC 3339 UTC, untrusted bytes escaped.  The hot path writes
 * without printf: keys are constants, numbers and times are formatted here and
 * give exactly what the printf formats in the comments would. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "printers.h"

#define PUT(b, lit) sb_put((b), (lit), sizeof(lit) - 1)

static void key(struct sbuf *b, const char *k, bool *first)
{
    if (!*first) sb_putc(b, ',');
    sb_putc(b, '"');
    sb_puts(b, k);
    PUT(b, "\":");
    *first = false;
}

/* bytes as JSON string content: runs of plain characters in one piece */
static void json_str(struct sbuf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') continue;
        if (i > run) sb_put(b, s + run, i - run);
        sb_json_str(b, s + i, 1);
        run = i + 1;
    }
    if (n > run) sb_put(b, s + run, n - run);
}

static void jstr(struct sbuf *b, const char *s)
{
    sb_putc(b, '"');
    json_str(b, s, strlen(s));
    sb_putc(b, '"');
}

/* "%llu" */
void pr_u64(struct sbuf *b, unsigned long long u)
{
    char t[24];
    size_t i = sizeof t;
    do { t[--i] = (char)('0' + u % 10); u /= 10; } while (u);
    sb_put(b, t + i, sizeof t - i);
}

/* "%lld" */
void pr_int(struct sbuf *b, long long v)
{
    if (v < 0) { sb_putc(b, '-'); pr_u64(b, 0 - (unsigned long long)v); }
    else pr_u64(b, (unsigned long long)v);
}

/* "%.<dec>f" (dec <= 7) of a finite v.  The scaled value is rounded here only when
 * it is clearly away from a half, where printf's exact rounding gives the same
 * digits; otherwise printf does it. */
void pr_fixed(struct sbuf *b, double v, int dec)
{
    static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7};
    static const unsigned long long u10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
    double a = fabs(v) * p10[dec];
    if (a < 1e15) {
        double whole = floor(a), frac = a - whole;
        if (fabs(frac - 0.5) > a * 1e-15 + 1e-9) {
            unsigned long long r = (unsigned long long)whole + (frac > 0.5);
            if (signbit(v)) sb_putc(b, '-');
            pr_u64(b, r / u10[dec]);
            if (dec) {
                char t[8];
                unsigned long long f = r % u10[dec];
                for (int i = dec - 1; i >= 0; i--) { t[i] = (char)('0' + f % 10); f /= 10; }
                sb_putc(b, '.');
                sb_put(b, t, (size_t)dec);
            }
            return;
        }
    }
    char fmt[8], t[400];
    snprintf(fmt, sizeof fmt, "%%.%df", dec);
    sb_put(b, t, (size_t)snprintf(t, sizeof t, fmt, v));
}

static void jnum(struct sbuf *b, double v, int dec)
{
    if (isfinite(v)) pr_fixed(b, v, dec);
    else PUT(b, "null");
}

/* "%04d-%02d-%02dT%02d:%02d:%02d" of a second, remembered: times repeat */
struct civil_cache { bool set; int64_t s; char txt[40]; size_t len; };

static void put_civil(struct sbuf *b, struct civil_cache *c, int64_t s)
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
    sb_put(b, c->txt, c->len);
}

static void put_digits(struct sbuf *b, unsigned long long v, int width)
{
    char t[8];
    for (int i = width - 1; i >= 0; i--) { t[i] = (char)('0' + v % 10); v /= 10; }
    sb_put(b, t, (size_t)width);
}

/* the capture time as fmt_ts_us() writes it */
void pr_ts_us(struct sbuf *b, int64_t ns)
{
    static struct civil_cache cc;
    int64_t s = ns / 1000000000LL, frac = ns % 1000000000LL;
    if (frac < 0) { frac += 1000000000LL; s--; }
    put_civil(b, &cc, s);
    sb_putc(b, '.');
    put_digits(b, (unsigned long long)(frac / 1000), 6);
    sb_putc(b, 'Z');
}

/* a device time as fmt_time_ms() writes it */
void pr_time_ms(struct sbuf *b, int64_t ms)
{
    static struct civil_cache cc;
    int64_t s = ms / 1000, frac = ms % 1000;
    if (frac < 0) { frac += 1000; s--; }
    put_civil(b, &cc, s);
    if (frac) { sb_putc(b, '.'); put_digits(b, (unsigned long long)frac, 3); }
    sb_putc(b, 'Z');
}

static void jts(struct sbuf *b, int64_t ns) { sb_putc(b, '"'); pr_ts_us(b, ns); sb_putc(b, '"'); }
static void jtime(struct sbuf *b, int64_t ms) { sb_putc(b, '"'); pr_time_ms(b, ms); sb_putc(b, '"'); }

static void jendpoint(struct sbuf *b, const struct endpoint *e)
{
    char t[64];
    endpoint_str(e, t, sizeof t);
    jstr(b, t);
}

static void record_json(struct sbuf *b, const struct trk_msg *m, const struct trk_record *r)
{
    bool first = true;
    sb_putc(b, '{');
    if (r->has & TRK_R_TIME) { key(b, "time", &first); jtime(b, r->time_ms); }
    if (r->has & TRK_R_VALID) { key(b, "valid", &first); sb_puts(b, r->valid ? "true" : "false"); }
    if (r->has & TRK_R_POS) {
        key(b, "lat", &first); jnum(b, r->lat, 7);
        key(b, "lon", &first); jnum(b, r->lon, 7);
    }
    if (r->has & TRK_R_ALT) { key(b, "alt", &first); jnum(b, r->alt, 1); }
    if (r->has & TRK_R_SPEED) { key(b, "speed", &first); jnum(b, r->speed, 2); }
    if (r->has & TRK_R_COURSE) { key(b, "course", &first); jnum(b, r->course, 1); }
    if (r->has & TRK_R_SATS) { key(b, "sats", &first); pr_int(b, r->sats); }
    if (r->io_count) {
        key(b, "io", &first);
        sb_putc(b, '{');
        for (unsigned i = 0; i < r->io_count && r->io_first + i < m->nio; i++) {
            const struct trk_io *io = &m->io[r->io_first + i];
            if (i) sb_putc(b, ',');
            sb_putc(b, '"');
            pr_u64(b, io->id);
            PUT(b, "\":");
            if (io->hex) { sb_putc(b, '"'); sb_puts(b, io->hex); sb_putc(b, '"'); }
            else pr_u64(b, (unsigned long long)io->u);
        }
        sb_putc(b, '}');
    }
    sb_putc(b, '}');
}

void render_json(struct sbuf *b, const struct trk_msg *m, const struct conn *c, const struct print_opts *o)
{
    bool first = true;
    sb_putc(b, '{');
    if (c) {
        key(b, "ts", &first); jts(b, m->ts_ns);
        key(b, "src", &first); jendpoint(b, m->dir == TRK_UP ? &c->cli : &c->srv);
        key(b, "dst", &first); jendpoint(b, m->dir == TRK_UP ? &c->srv : &c->cli);
    } else {
        key(b, "input", &first); pr_int(b, o->input);
    }
    key(b, "transport", &first); jstr(b, m->transport == TRK_UDP ? "udp" : "tcp");
    key(b, "dir", &first); jstr(b, m->dir == TRK_UP ? "up" : "down");
    key(b, "proto", &first); jstr(b, m->proto ? m->proto : "unknown");
    key(b, "imei", &first); jstr(b, m->imei);
    key(b, "type", &first); jstr(b, m->type);
    key(b, "status", &first); jstr(b, status_name(m->status));
    if (m->status != TRK_OK) { key(b, "problem", &first); jstr(b, m->problem); }
    key(b, "records", &first);
    sb_putc(b, '[');
    for (size_t i = 0; i < m->nrec; i++) {
        if (i) sb_putc(b, ',');
        record_json(b, m, &m->rec[i]);
    }
    sb_putc(b, ']');
    key(b, "fields", &first);
    sb_putc(b, '{');
    for (size_t i = 0; i < m->nfield; i++) {
        if (i) sb_putc(b, ',');
        sb_putc(b, '"');
        sb_puts(b, m->field[i].key);
        PUT(b, "\":");
        if (m->field[i].kind == TRK_V_STR) jstr(b, m->field[i].val);
        else sb_puts(b, m->field[i].val);
    }
    sb_putc(b, '}');
    key(b, "hex", &first);
    sb_putc(b, '"');
    if (m->raw) sb_hex(b, m->raw, m->rawlen);
    sb_putc(b, '"');
    PUT(b, "}\n");
}
