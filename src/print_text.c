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

static void record_text(struct sbuf *b, const struct trk_record *r)
{
    char t[40];
    if (r->has & TRK_R_TIME) { fmt_time_ms(r->time_ms, t, sizeof t); sb_printf(b, " time=%s", t); }
    if (r->has & TRK_R_POS) sb_printf(b, " lat=%.6f lon=%.6f", r->lat, r->lon);
    if (r->has & TRK_R_ALT) sb_printf(b, " alt=%.0f", r->alt);
    if (r->has & TRK_R_SPEED) sb_printf(b, " speed=%.1f", r->speed);
    if (r->has & TRK_R_COURSE) sb_printf(b, " course=%.0f", r->course);
    if (r->has & TRK_R_SATS) sb_printf(b, " sats=%d", r->sats);
    if (r->has & TRK_R_VALID) sb_printf(b, " valid=%s", r->valid ? "yes" : "no");
}

static void io_text(struct sbuf *b, const struct trk_msg *m, const struct trk_record *r)
{
    for (unsigned i = 0; i < r->io_count && r->io_first + i < m->nio; i++) {
        const struct trk_io *io = &m->io[r->io_first + i];
        if (io->hex) sb_printf(b, "%s%u=0x%s", i ? " " : " io ", io->id, io->hex);
        else sb_printf(b, "%s%u=%llu", i ? " " : " io ", io->id, (unsigned long long)io->u);
    }
}

void render_text(struct sbuf *b, const struct trk_msg *m, const struct conn *c, const struct print_opts *o)
{
    char ts[40], a[64], z[64];
    if (c) {
        fmt_capture_time(m->ts_ns, ts, sizeof ts);
        const struct endpoint *from = m->dir == TRK_UP ? &c->cli : &c->srv;
        const struct endpoint *to = m->dir == TRK_UP ? &c->srv : &c->cli;
        endpoint_str(from, a, sizeof a);
        endpoint_str(to, z, sizeof z);
        sb_printf(b, "%s %s > %s%s ", ts, a, z, c->transport == TRK_UDP ? " udp" : "");
    } else {
        sb_printf(b, "[%d] %s%s ", o->input, m->dir == TRK_UP ? "up" : "down",
                  m->transport == TRK_UDP ? " udp" : "");
    }
    sb_printf(b, "%s ", m->proto ? m->proto : "unknown");
    if (m->imei[0]) sb_text_str(b, m->imei, strlen(m->imei));
    else sb_putc(b, '-');
    sb_printf(b, " %s", m->type);
    if (m->nrec > 1 && !msg_field_get(m, "records")) sb_printf(b, " records=%zu", m->nrec);
    if (m->nrec) {
        if (m->nrec > 1) sb_puts(b, " last:");
        record_text(b, &m->rec[m->nrec - 1]);
    }
    for (size_t i = 0; i < m->nfield; i++) {
        sb_printf(b, " %s=", m->field[i].key);
        sb_text_str(b, m->field[i].val, strlen(m->field[i].val));
    }
    bool bad = m->status != TRK_OK;
    sb_putc(b, ' ');
    if (bad) sb_puts(b, color_start(m->status == TRK_MALFORMED ? COLOR_BAD :
                                    m->status == TRK_UNSUPPORTED ? COLOR_WARN : COLOR_NOISE));
    sb_puts(b, status_name(m->status));
    if (bad && m->problem[0]) {
        sb_puts(b, ": ");
        sb_text_str(b, m->problem, strlen(m->problem));
    }
    if (bad) sb_puts(b, color_end());
    sb_putc(b, '\n');
    if (o->verbose)
        for (size_t i = 0; i < m->nrec; i++) {
            sb_printf(b, "    record %zu:", i + 1);
            record_text(b, &m->rec[i]);
            io_text(b, m, &m->rec[i]);
            sb_putc(b, '\n');
        }
    if (o->hex && m->raw) sb_hexdump(b, m->raw, m->rawlen, "\t");
}
