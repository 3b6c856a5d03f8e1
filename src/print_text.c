/* print_text.c: the default one-line-per-message rendering:
 *   capture time, addresses, protocol, IMEI, type, key values, status and problem
 * (the status and its problem coloured on a terminal, see color.h). */
#include <string.h>

#include "color.h"
#include "printers.h"

const char *status_name(enum trk_status s)
{
    switch (s) {
    case TRK_OK: return "ok";
    case TRK_MALFORMED: return "malformed";
    case TRK_UNSUPPORTED: return "unsupported";
    default: return "unknown";
    }
}

#define PUT(b, lit) sb_put((b), (lit), sizeof(lit) - 1)

static void pr_u64(struct sbuf *b, unsigned long long v) { char t[24]; sb_put(b, t, pr_fmt_u64(t, v)); }
static void pr_int(struct sbuf *b, long long v) { char t[24]; sb_put(b, t, pr_fmt_int(t, v)); }
static void pr_fixed(struct sbuf *b, double v, int dec) { char t[PR_NUM_MAX]; sb_put(b, t, pr_fmt_fixed(t, v, dec)); }
static void pr_capture_time(struct sbuf *b, int64_t ns) { char t[64]; sb_put(b, t, pr_fmt_capture_time(t, ns)); }
static void pr_time_ms(struct sbuf *b, int64_t ms) { char t[64]; sb_put(b, t, pr_fmt_time_ms(t, ms)); }

/* sb_text_str() with runs of plain characters in one piece */
static void text_str(struct sbuf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') continue;
        if (i > run) sb_put(b, s + run, i - run);
        sb_text_str(b, s + i, 1);
        run = i + 1;
    }
    if (n > run) sb_put(b, s + run, n - run);
}

static void record_text(struct sbuf *b, const struct trk_record *r)
{
    if (r->has & TRK_R_TIME) { PUT(b, " time="); pr_time_ms(b, r->time_ms); }
    if (r->has & TRK_R_POS) {
        PUT(b, " lat="); pr_fixed(b, r->lat, 6);
        PUT(b, " lon="); pr_fixed(b, r->lon, 6);
    }
    if (r->has & TRK_R_ALT) { PUT(b, " alt="); pr_fixed(b, r->alt, 0); }
    if (r->has & TRK_R_SPEED) { PUT(b, " speed="); pr_fixed(b, r->speed, 1); }
    if (r->has & TRK_R_COURSE) { PUT(b, " course="); pr_fixed(b, r->course, 0); }
    if (r->has & TRK_R_SATS) { PUT(b, " sats="); pr_int(b, r->sats); }
    if (r->has & TRK_R_VALID) { if (r->valid) PUT(b, " valid=yes"); else PUT(b, " valid=no"); }
}

static void io_text(struct sbuf *b, const struct trk_msg *m, const struct trk_record *r)
{
    for (unsigned i = 0; i < r->io_count && r->io_first + i < m->nio; i++) {
        const struct trk_io *io = &m->io[r->io_first + i];
        if (i) sb_putc(b, ' '); else PUT(b, " io ");
        pr_u64(b, io->id);
        sb_putc(b, '=');
        if (io->hex) { PUT(b, "0x"); sb_puts(b, io->hex); }
        else pr_u64(b, (unsigned long long)io->u);
    }
}

void render_text(struct sbuf *b, const struct trk_msg *m, const struct conn *c, const struct print_opts *o)
{
    char a[64];
    if (c) {
        pr_capture_time(b, m->ts_ns);
        sb_putc(b, ' ');
        endpoint_str(m->dir == TRK_UP ? &c->cli : &c->srv, a, sizeof a);
        sb_puts(b, a);
        PUT(b, " > ");
        endpoint_str(m->dir == TRK_UP ? &c->srv : &c->cli, a, sizeof a);
        sb_puts(b, a);
        if (c->transport == TRK_UDP) PUT(b, " udp");
        sb_putc(b, ' ');
    } else {
        sb_putc(b, '[');
        pr_int(b, o->input);
        PUT(b, "] ");
        sb_puts(b, m->dir == TRK_UP ? "up" : "down");
        if (m->transport == TRK_UDP) PUT(b, " udp");
        sb_putc(b, ' ');
    }
    sb_puts(b, m->proto ? m->proto : "unknown");
    sb_putc(b, ' ');
    if (m->imei[0]) text_str(b, m->imei, strlen(m->imei));
    else sb_putc(b, '-');
    sb_putc(b, ' ');
    sb_puts(b, m->type);
    if (m->nrec > 1 && !msg_field_get(m, "records")) { PUT(b, " records="); pr_u64(b, m->nrec); }
    if (m->nrec) {
        if (m->nrec > 1) PUT(b, " last:");
        record_text(b, &m->rec[m->nrec - 1]);
    }
    for (size_t i = 0; i < m->nfield; i++) {
        sb_putc(b, ' ');
        sb_puts(b, m->field[i].key);
        sb_putc(b, '=');
        text_str(b, m->field[i].val, strlen(m->field[i].val));
    }
    bool bad = m->status != TRK_OK;
    sb_putc(b, ' ');
    if (bad) sb_puts(b, color_start(m->status == TRK_MALFORMED ? COLOR_BAD :
                                    m->status == TRK_UNSUPPORTED ? COLOR_WARN : COLOR_NOISE));
    sb_puts(b, status_name(m->status));
    if (bad && m->problem[0]) {
        PUT(b, ": ");
        text_str(b, m->problem, strlen(m->problem));
    }
    if (bad) sb_puts(b, color_end());
    sb_putc(b, '\n');
    if (o->verbose)
        for (size_t i = 0; i < m->nrec; i++) {
            PUT(b, "    record ");
            pr_u64(b, i + 1);
            sb_putc(b, ':');
            record_text(b, &m->rec[i]);
            io_text(b, m, &m->rec[i]);
            sb_putc(b, '\n');
        }
    if (o->hex && m->raw) sb_hexdump(b, m->raw, m->rawlen, "\t");
}
