/* report_json.c: the report as one JSON object (DESIGN.md §4):
 *   {"schema":"trackdump.report/1","capture":{...},"ports":[...],
 *    "devices":[...],"findings":[...]}
 * Numbers as numbers, times in RFC 3339 UTC, every device listed. */
#include <string.h>

#include "acks.h"
#include "ports.h"
#include "report.h"
#include "strutil.h"

static void str(struct sbuf *b, const char *s)
{
    sb_putc(b, '"');
    sb_json_str(b, s ? s : "", s ? strlen(s) : 0);
    sb_putc(b, '"');
}

static void kstr(struct sbuf *b, const char *k, const char *v) { sb_printf(b, "\"%s\":", k); str(b, v); }
static void knum(struct sbuf *b, const char *k, unsigned long long v) { sb_printf(b, "\"%s\":%llu", k, v); }

static void ktime(struct sbuf *b, const char *k, int64_t ns)
{
    char t[48];
    if (!ns) { sb_printf(b, "\"%s\":null", k); return; }
    fmt_ts_us(ns, t, sizeof t);
    kstr(b, k, t);
}

static void capture(struct sbuf *b, const struct diagnosis *d)
{
    const struct capture_info *c = &d->cap;
    sb_puts(b, "\"capture\":{");
    kstr(b, "source", c->source); sb_putc(b, ',');
    sb_printf(b, "\"live\":%s,", c->live ? "true" : "false");
    ktime(b, "first", c->first_ns); sb_putc(b, ',');
    ktime(b, "last", c->last_ns); sb_putc(b, ',');
    sb_printf(b, "\"duration_s\":%.6f,", (double)(c->last_ns - c->first_ns) / 1e9);
    knum(b, "packets", c->packets); sb_putc(b, ',');
    if (c->have_drops) { knum(b, "kernel_drops", c->kernel_drops); sb_putc(b, ','); knum(b, "if_drops", c->if_drops); sb_putc(b, ','); }
    knum(b, "connections", c->conns); sb_putc(b, ',');
    knum(b, "udp_flows", c->udp_flows); sb_putc(b, ',');
    knum(b, "devices", d->ndev); sb_putc(b, ',');
    sb_printf(b, "\"messages\":{\"ok\":%llu,\"malformed\":%llu,\"unsupported\":%llu,\"unknown\":%llu},",
              (unsigned long long)c->msgs[TRK_OK], (unsigned long long)c->msgs[TRK_MALFORMED],
              (unsigned long long)c->msgs[TRK_UNSUPPORTED], (unsigned long long)c->msgs[TRK_UNKNOWN]);
    knum(b, "unanswered_requests", c->unanswered);
    sb_putc(b, '}');
}

static void ports(struct sbuf *b)
{
    size_t n;
    struct port_stat **p = ports_list(&n);
    sb_puts(b, "\"ports\":[");
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        const struct port_stat *x = p[i];
        if (!x->conns && !x->udp_flows && !x->syn_rst && !x->syn_unanswered && !x->configured) continue;
        sb_puts(b, first ? "{" : ",{");
        first = false;
        knum(b, "port", x->port); sb_putc(b, ',');
        if (x->proto) kstr(b, "proto", x->proto); else sb_puts(b, "\"proto\":null");
        sb_printf(b, ",\"transport\":\"%s\",", x->transport == TRK_UDP ? "udp" : x->transport == (TRK_TCP | TRK_UDP) ? "tcp+udp" : "tcp");
        knum(b, "connections", x->conns); sb_putc(b, ',');
        knum(b, "midstream", x->midstream); sb_putc(b, ',');
        knum(b, "udp_flows", x->udp_flows); sb_putc(b, ',');
        knum(b, "syn_answered", x->syn_answered); sb_putc(b, ',');
        knum(b, "syn_rst", x->syn_rst); sb_putc(b, ',');
        knum(b, "syn_unanswered", x->syn_unanswered); sb_putc(b, ',');
        sb_printf(b, "\"messages\":{\"ok\":%llu,\"malformed\":%llu,\"unsupported\":%llu,\"unknown\":%llu,\"server\":%llu},",
                  (unsigned long long)x->msgs[TRK_OK], (unsigned long long)x->msgs[TRK_MALFORMED],
                  (unsigned long long)x->msgs[TRK_UNSUPPORTED], (unsigned long long)x->msgs[TRK_UNKNOWN],
                  (unsigned long long)x->msgs_down);
        knum(b, "mismatches", x->mismatches); sb_putc(b, ',');
        sb_printf(b, "\"configured\":%s}", x->configured ? "true" : "false");
    }
    sb_putc(b, ']');
}

static void device(struct sbuf *b, const struct diagnosis *d, const struct device *v)
{
    struct device_view w;
    device_view(d, v, &w);
    char ep[64];
    sb_putc(b, '{');
    kstr(b, "id", v->identified ? v->id : "");
    sb_printf(b, ",\"identified\":%s,", v->identified ? "true" : "false");
    kstr(b, "state", w.state); sb_putc(b, ',');
    kstr(b, "proto", v->proto); sb_putc(b, ',');
    if (v->model[0]) { kstr(b, "model", v->model); sb_putc(b, ','); }
    if (v->firmware[0]) { kstr(b, "firmware", v->firmware); sb_putc(b, ','); }
    knum(b, "port", v->port); sb_putc(b, ',');
    sb_printf(b, "\"transport\":\"%s\",", v->transport == TRK_UDP ? "udp" : "tcp");
    endpoint_str(&v->peer, ep, sizeof ep);
    kstr(b, "peer", ep);
    sb_puts(b, ",\"past_peers\":[");
    for (unsigned i = 0; i < v->npast; i++) {
        endpoint_str(&v->past[i], ep, sizeof ep);
        if (i) sb_putc(b, ',');
        str(b, ep);
    }
    sb_puts(b, "],\"connections\":{");
    knum(b, "opened", v->conns); sb_putc(b, ',');
    knum(b, "midstream", v->midstream); sb_putc(b, ',');
    knum(b, "reconnects", v->reconnects); sb_putc(b, ',');
    knum(b, "open_at_end", v->closed[CLOSE_END]); sb_putc(b, ',');
    knum(b, "fin", v->closed[CLOSE_FIN]); sb_putc(b, ',');
    knum(b, "rst", v->closed[CLOSE_RST]); sb_putc(b, ',');
    knum(b, "idle", v->closed[CLOSE_IDLE]); sb_putc(b, ',');
    knum(b, "evicted", v->closed[CLOSE_EVICTED]); sb_putc(b, ',');
    knum(b, "reused", v->closed[CLOSE_REUSED]); sb_putc(b, ',');
    knum(b, "closed_by_server", v->closed_by_server); sb_putc(b, ',');
    knum(b, "closed_by_device", v->closed_by_device); sb_putc(b, ',');
    knum(b, "closed_by_server_after_login", v->server_closed_after_login); sb_putc(b, ',');
    sb_printf(b, "\"connected_s\":%.3f},", (double)v->conn_ns / 1e9);
    ktime(b, "first_seen", v->first_ns); sb_putc(b, ',');
    ktime(b, "last_message", v->last_up_ns); sb_putc(b, ',');
    if (w.silent_ms >= 0) sb_printf(b, "\"silent_s\":%.3f,", (double)w.silent_ms / 1000);
    int64_t itv = device_interval_ms(v);
    if (itv >= 0) sb_printf(b, "\"interval_s\":%.3f,", (double)itv / 1000);
    else sb_puts(b, "\"interval_s\":null,");
    sb_printf(b, "\"messages\":{\"ok\":%llu,\"malformed\":%llu,\"unsupported\":%llu,\"server\":%llu,\"by_type\":{",
              (unsigned long long)v->msgs[TRK_OK], (unsigned long long)v->msgs[TRK_MALFORMED],
              (unsigned long long)v->msgs[TRK_UNSUPPORTED], (unsigned long long)v->msgs_down);
    for (unsigned i = 0; i < DEV_TYPES && v->types[i].type; i++) {
        if (i) sb_putc(b, ',');
        knum(b, v->types[i].type, v->types[i].n);
    }
    if (v->types_other) sb_printf(b, "%s\"other\":%u", v->types[0].type ? "," : "", v->types_other);
    sb_puts(b, "}},");
    if (v->last_type) { kstr(b, "last_type", v->last_type); sb_putc(b, ','); }
    if (v->last_problem[0]) { kstr(b, "last_problem", v->last_problem); sb_putc(b, ','); }
    sb_printf(b, "\"records\":{\"valid\":%llu,\"invalid\":%llu,\"duplicates\":%llu},",
              (unsigned long long)v->rec_valid, (unsigned long long)v->rec_invalid, (unsigned long long)v->duplicates);
    if (v->has_fix) {
        char t[48];
        fmt_time_ms(v->fix_time_ms, t, sizeof t);
        sb_printf(b, "\"last_fix\":{\"time\":\"%s\",\"lat\":%.7f,\"lon\":%.7f},", t, v->lat, v->lon);
    }
    int64_t off, spread;
    int64_t med;
    unsigned hist;
    if (device_offset_ms(v, &off, &spread) && device_offset_median_ms(v, &med, &hist))
        sb_printf(b, "\"clock_offset_s\":%.3f,\"clock_offset_median_s\":%.3f,\"clock_offset_spread_s\":%.3f,"
                  "\"history_messages\":%u,", (double)off / 1000, (double)med / 1000, (double)spread / 1000, hist);
    else
        sb_puts(b, "\"clock_offset_s\":null,");
    sb_puts(b, "\"acks\":{");
    knum(b, "requests", v->requests); sb_putc(b, ',');
    knum(b, "ok", v->ack_ok); sb_putc(b, ',');
    knum(b, "wrong", v->ack_wrong); sb_putc(b, ',');
    knum(b, "rejected", v->ack_rejected); sb_putc(b, ',');
    knum(b, "missing", v->ack_missing); sb_putc(b, ',');
    knum(b, "resent", v->ack_resent); sb_putc(b, ',');
    knum(b, "pending_at_end", v->ack_pending_end); sb_putc(b, ',');
    knum(b, "logins", v->logins); sb_putc(b, ',');
    knum(b, "logins_rejected", v->logins_rejected); sb_putc(b, ',');
    int64_t lat = device_ack_latency_us(v);
    if (lat >= 0) sb_printf(b, "\"latency_ms\":%.3f,", (double)lat / 1000);
    else sb_puts(b, "\"latency_ms\":null,");
    kstr(b, "last", acks_verdict_name((enum trk_ack_verdict)v->last_ack));
    sb_puts(b, "}}");
}

static void finding(struct sbuf *b, const struct finding *f)
{
    sb_putc(b, '{');
    kstr(b, "id", f->id); sb_putc(b, ',');
    kstr(b, "severity", severity_name(f->sev)); sb_putc(b, ',');
    kstr(b, "summary", f->summary);
    sb_puts(b, ",\"evidence\":{");
    for (unsigned i = 0; i < f->nev; i++) {
        if (i) sb_putc(b, ',');
        if (f->ev[i].num) sb_printf(b, "\"%s\":%s", f->ev[i].key, f->ev[i].val);
        else kstr(b, f->ev[i].key, f->ev[i].val);
    }
    sb_printf(b, "%s\"examples\":[", f->nev ? "," : "");
    for (unsigned i = 0; i < f->nex; i++) {
        if (i) sb_putc(b, ',');
        str(b, f->examples[i]);
    }
    sb_puts(b, "]},\"devices\":[");
    for (size_t i = 0; i < f->ndevices; i++) {
        if (i) sb_putc(b, ',');
        str(b, f->devices[i]);
    }
    sb_puts(b, "],");
    kstr(b, "action", f->action);
    sb_putc(b, '}');
}

void report_json(FILE *out, const struct diagnosis *d)
{
    struct sbuf b = {0};
    sb_puts(&b, "{\"schema\":\"trackdump.report/1\",");
    capture(&b, d);
    sb_putc(&b, ',');
    ports(&b);
    sb_puts(&b, ",\"devices\":[");
    for (size_t i = 0; i < d->ndev; i++) {
        if (i) sb_puts(&b, ",\n");
        device(&b, d, d->dev[i]);
        if (b.len > (1u << 20)) { fwrite(b.p, 1, b.len, out); sb_reset(&b); }
    }
    sb_puts(&b, "],\"findings\":[");
    for (size_t i = 0; i < d->n; i++) {
        if (i) sb_puts(&b, ",\n");
        finding(&b, &d->f[i]);
    }
    sb_puts(&b, "]}\n");
    fwrite(b.p, 1, b.len, out);
    sb_free(&b);
}
