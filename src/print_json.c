/* print_json.c: JSON Lines, one object per message (DESIGN.md §4), each
 * starting with "schema" (PRINT_JSON_SCHEMA): numbers as numbers, times in
 * RFC 3339 (capture times in UTC unless --localtime), untrusted bytes escaped. */
#include <math.h>
#include <string.h>

#include "printers.h"

static void key(struct sbuf *b, const char *k, bool *first)
{
    sb_printf(b, "%s\"%s\":", *first ? "" : ",", k);
    *first = false;
}

static void jstr(struct sbuf *b, const char *s)
{
    sb_putc(b, '"');
    sb_json_str(b, s, strlen(s));
    sb_putc(b, '"');
}

static void jnum(struct sbuf *b, double v, const char *fmt)
{
    if (isfinite(v)) sb_printf(b, fmt, v);
    else sb_puts(b, "null");
}

static void record_json(struct sbuf *b, const struct trk_msg *m, const struct trk_record *r)
{
    bool first = true;
    char t[40];
    sb_putc(b, '{');
    if (r->has & TRK_R_TIME) { fmt_time_ms(r->time_ms, t, sizeof t); key(b, "time", &first); jstr(b, t); }
    if (r->has & TRK_R_VALID) { key(b, "valid", &first); sb_puts(b, r->valid ? "true" : "false"); }
    if (r->has & TRK_R_POS) {
        key(b, "lat", &first); jnum(b, r->lat, "%.7f");
        key(b, "lon", &first); jnum(b, r->lon, "%.7f");
    }
    if (r->has & TRK_R_ALT) { key(b, "alt", &first); jnum(b, r->alt, "%.1f"); }
    if (r->has & TRK_R_SPEED) { key(b, "speed", &first); jnum(b, r->speed, "%.2f"); }
    if (r->has & TRK_R_COURSE) { key(b, "course", &first); jnum(b, r->course, "%.1f"); }
    if (r->has & TRK_R_SATS) { key(b, "sats", &first); sb_printf(b, "%d", r->sats); }
    if (r->io_count) {
        key(b, "io", &first);
        sb_putc(b, '{');
        for (unsigned i = 0; i < r->io_count && r->io_first + i < m->nio; i++) {
            const struct trk_io *io = &m->io[r->io_first + i];
            if (io->hex) sb_printf(b, "%s\"%u\":\"%s\"", i ? "," : "", io->id, io->hex);
            else sb_printf(b, "%s\"%u\":%llu", i ? "," : "", io->id, (unsigned long long)io->u);
        }
        sb_putc(b, '}');
    }
    sb_putc(b, '}');
}

void render_json(struct sbuf *b, const struct trk_msg *m, const struct conn *c, const struct print_opts *o)
{
    bool first = true;
    char t[64];
    sb_putc(b, '{');
    key(b, "schema", &first); jstr(b, PRINT_JSON_SCHEMA);
    if (c) {
        fmt_capture_time(m->ts_ns, t, sizeof t);
        key(b, "ts", &first); jstr(b, t);
        endpoint_str(m->dir == TRK_UP ? &c->cli : &c->srv, t, sizeof t);
        key(b, "src", &first); jstr(b, t);
        endpoint_str(m->dir == TRK_UP ? &c->srv : &c->cli, t, sizeof t);
        key(b, "dst", &first); jstr(b, t);
    } else {
        key(b, "input", &first); sb_printf(b, "%d", o->input);
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
        sb_printf(b, "%s\"%s\":", i ? "," : "", m->field[i].key);
        if (m->field[i].kind == TRK_V_STR) jstr(b, m->field[i].val);
        else sb_puts(b, m->field[i].val);
    }
    sb_putc(b, '}');
    key(b, "hex", &first);
    sb_putc(b, '"');
    if (m->raw) sb_hex(b, m->raw, m->rawlen);
    sb_putc(b, '"');
    sb_puts(b, "}\n");
}
