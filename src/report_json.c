/* report_json.c: the report as one JSON object (DESIGN.md §4):
 *   {"schema":"trackdump.report/1","capture":{...},"ports":[...],
 *    "devices":[...],"findings":[...]}
 * Numbers as numbers, times in RFC 3339 UTC, every device listed.  Written
 * through a small writer (struct jw) that puts the comma before every member
 * of an object or array but the first. */
#include <string.h>

#include "acks.h"
#include "ports.h"
#include "report.h"
#include "strutil.h"

/* ---------- the writer ---------- */

/* an open object or array: where it goes, whether a member is already in it,
 * what separates members and what closes it */
struct jw { struct sbuf *b; bool more; const char *sep; char close; };

/* the outermost object */
static struct jw top(struct sbuf *b)
{
    sb_putc(b, '{');
    return (struct jw){b, false, ",", '}'};
}

/* the separator before a member, unless it is the first */
static void member(struct jw *w)
{
    if (w->more) sb_puts(w->b, w->sep);
    w->more = true;
}

static void key(struct jw *w, const char *k)
{
    member(w);
    sb_printf(w->b, "\"%s\":", k);
}

/* "k":{ or "k":[ (k NULL: an array element), closed by end() */
static struct jw open_in(struct jw *w, const char *k, char open, const char *sep)
{
    if (k) key(w, k); else member(w);
    sb_putc(w->b, open);
    return (struct jw){w->b, false, sep, open == '{' ? '}' : ']'};
}

static struct jw obj(struct jw *w, const char *k) { return open_in(w, k, '{', ","); }
static struct jw arr(struct jw *w, const char *k) { return open_in(w, k, '[', ","); }
static void end(struct jw *w) { sb_putc(w->b, w->close); }

static void str(struct sbuf *b, const char *s)
{
    sb_putc(b, '"');
    sb_json_str(b, s ? s : "", s ? strlen(s) : 0);
    sb_putc(b, '"');
}

/* an array element */
static void vstr(struct jw *w, const char *s) { member(w); str(w->b, s); }

static void kstr(struct jw *w, const char *k, const char *v) { key(w, k); str(w->b, v); }
static void knum(struct jw *w, const char *k, unsigned long long v) { key(w, k); sb_printf(w->b, "%llu", v); }
static void kfixed(struct jw *w, const char *k, double v, int dec) { key(w, k); sb_printf(w->b, "%.*f", dec, v); }
static void kbool(struct jw *w, const char *k, bool v) { key(w, k); sb_puts(w->b, v ? "true" : "false"); }
static void knull(struct jw *w, const char *k) { key(w, k); sb_puts(w->b, "null"); }
/* text that already is a JSON value */
static void kraw(struct jw *w, const char *k, const char *v) { key(w, k); sb_puts(w->b, v); }

static void ktime(struct jw *w, const char *k, int64_t ns)
{
    char t[48];
    if (!ns) { knull(w, k); return; }
    fmt_ts_us(ns, t, sizeof t);
    kstr(w, k, t);
}

/* ms as seconds with three decimals, null when negative (unknown) */
static void ksec_ms(struct jw *w, const char *k, int64_t ms)
{
    if (ms >= 0) kfixed(w, k, (double)ms / 1000, 3);
    else knull(w, k);
}

/* a list of named counters, written in order */
struct count { const char *key; unsigned long long n; };

static void counts(struct jw *w, const struct count *c, size_t n)
{
    for (size_t i = 0; i < n; i++) knum(w, c[i].key, c[i].n);
}

#define COUNTS(w, ...) do { const struct count c_[] = {__VA_ARGS__}; \
                            counts((w), c_, sizeof c_ / sizeof c_[0]); } while (0)

/* messages by status: ok, malformed, unsupported and (with_unknown) unknown */
static void status_counts(struct jw *w, const uint64_t msgs[4], bool with_unknown)
{
    COUNTS(w, {"ok", msgs[TRK_OK]}, {"malformed", msgs[TRK_MALFORMED]}, {"unsupported", msgs[TRK_UNSUPPORTED]});
    if (with_unknown) knum(w, "unknown", msgs[TRK_UNKNOWN]);
}

/* ---------- the report's parts ---------- */

static void capture(struct jw *w, const struct diagnosis *d)
{
    const struct capture_info *c = &d->cap;
    struct jw o = obj(w, "capture");
    kstr(&o, "source", c->source);
    kbool(&o, "live", c->live);
    ktime(&o, "first", c->first_ns);
    ktime(&o, "last", c->last_ns);
    kfixed(&o, "duration_s", (double)(c->last_ns - c->first_ns) / 1e9, 6);
    knum(&o, "packets", c->packets);
    if (c->have_drops) COUNTS(&o, {"kernel_drops", c->kernel_drops}, {"if_drops", c->if_drops});
    COUNTS(&o, {"connections", c->conns}, {"udp_flows", c->udp_flows}, {"devices", d->ndev});
    struct jw m = obj(&o, "messages");
    status_counts(&m, c->msgs, true);
    end(&m);
    knum(&o, "unanswered_requests", c->unanswered);
    end(&o);
}

static const char *transport_name(unsigned t)
{
    return t == TRK_UDP ? "udp" : t == (TRK_TCP | TRK_UDP) ? "tcp+udp" : "tcp";
}

static void port(struct jw *a, const struct port_stat *x)
{
    struct jw o = obj(a, NULL);
    knum(&o, "port", x->port);
    if (x->proto) kstr(&o, "proto", x->proto); else knull(&o, "proto");
    kstr(&o, "transport", transport_name(x->transport));
    COUNTS(&o, {"connections", x->conns}, {"midstream", x->midstream}, {"udp_flows", x->udp_flows},
           {"syn_answered", x->syn_answered}, {"syn_rst", x->syn_rst}, {"syn_unanswered", x->syn_unanswered});
    struct jw m = obj(&o, "messages");
    status_counts(&m, x->msgs, true);
    knum(&m, "server", x->msgs_down);
    end(&m);
    knum(&o, "mismatches", x->mismatches);
    kbool(&o, "configured", x->configured);
    end(&o);
}

static void ports(struct jw *w)
{
    size_t n;
    struct port_stat **p = ports_list(&n);
    struct jw a = arr(w, "ports");
    for (size_t i = 0; i < n; i++) {
        const struct port_stat *x = p[i];
        if (x->conns || x->udp_flows || x->syn_rst || x->syn_unanswered || x->configured) port(&a, x);
    }
    end(&a);
}

static void device_connections(struct jw *w, const struct device *v)
{
    struct jw o = obj(w, "connections");
    COUNTS(&o, {"opened", v->conns}, {"midstream", v->midstream}, {"reconnects", v->reconnects},
           {"open_at_end", v->closed[CLOSE_END]}, {"fin", v->closed[CLOSE_FIN]},
           {"rst", v->closed[CLOSE_RST]}, {"idle", v->closed[CLOSE_IDLE]},
           {"evicted", v->closed[CLOSE_EVICTED]}, {"reused", v->closed[CLOSE_REUSED]},
           {"closed_by_server", v->closed_by_server}, {"closed_by_device", v->closed_by_device},
           {"closed_by_server_after_login", v->server_closed_after_login});
    kfixed(&o, "connected_s", (double)v->conn_ns / 1e9, 3);
    end(&o);
}

static void device_messages(struct jw *w, const struct device *v)
{
    struct jw o = obj(w, "messages");
    status_counts(&o, v->msgs, false);
    knum(&o, "server", v->msgs_down);
    struct jw t = obj(&o, "by_type");
    for (unsigned i = 0; i < DEV_TYPES && v->types[i].type; i++) knum(&t, v->types[i].type, v->types[i].n);
    if (v->types_other) knum(&t, "other", v->types_other);
    end(&t);
    end(&o);
}

static void device_clock(struct jw *w, const struct device *v)
{
    int64_t off, spread, med;
    unsigned hist;
    if (device_offset_ms(v, &off, &spread) && device_offset_median_ms(v, &med, &hist)) {
        kfixed(w, "clock_offset_s", (double)off / 1000, 3);
        kfixed(w, "clock_offset_median_s", (double)med / 1000, 3);
        kfixed(w, "clock_offset_spread_s", (double)spread / 1000, 3);
        knum(w, "history_messages", hist);
    } else {
        knull(w, "clock_offset_s");
    }
}

static void device_acks(struct jw *w, const struct device *v)
{
    struct jw o = obj(w, "acks");
    COUNTS(&o, {"requests", v->requests}, {"ok", v->ack_ok}, {"wrong", v->ack_wrong},
           {"rejected", v->ack_rejected}, {"missing", v->ack_missing}, {"resent", v->ack_resent},
           {"pending_at_end", v->ack_pending_end}, {"logins", v->logins}, {"logins_rejected", v->logins_rejected});
    int64_t lat = device_ack_latency_us(v);
    if (lat >= 0) kfixed(&o, "latency_ms", (double)lat / 1000, 3);
    else knull(&o, "latency_ms");
    kstr(&o, "last", acks_verdict_name((enum trk_ack_verdict)v->last_ack));
    end(&o);
}

static void device(struct jw *a, const struct diagnosis *d, const struct device *v)
{
    struct device_view view;
    device_view(d, v, &view);
    char ep[64];
    struct jw o = obj(a, NULL);
    kstr(&o, "id", v->identified ? v->id : "");
    kbool(&o, "identified", v->identified);
    kstr(&o, "state", view.state);
    kstr(&o, "proto", v->proto);
    if (v->model[0]) kstr(&o, "model", v->model);
    if (v->firmware[0]) kstr(&o, "firmware", v->firmware);
    knum(&o, "port", v->port);
    kstr(&o, "transport", v->transport == TRK_UDP ? "udp" : "tcp");
    endpoint_str(&v->peer, ep, sizeof ep);
    kstr(&o, "peer", ep);
    struct jw past = arr(&o, "past_peers");
    for (unsigned i = 0; i < v->npast; i++) {
        endpoint_str(&v->past[i], ep, sizeof ep);
        vstr(&past, ep);
    }
    end(&past);
    device_connections(&o, v);
    ktime(&o, "first_seen", v->first_ns);
    ktime(&o, "last_message", v->last_up_ns);
    if (view.silent_ms >= 0) ksec_ms(&o, "silent_s", view.silent_ms);
    ksec_ms(&o, "interval_s", device_interval_ms(v));
    device_messages(&o, v);
    if (v->last_type) kstr(&o, "last_type", v->last_type);
    if (v->last_problem[0]) kstr(&o, "last_problem", v->last_problem);
    struct jw r = obj(&o, "records");
    COUNTS(&r, {"valid", v->rec_valid}, {"invalid", v->rec_invalid}, {"duplicates", v->duplicates});
    end(&r);
    if (v->has_fix) {
        char t[48];
        fmt_time_ms(v->fix_time_ms, t, sizeof t);
        struct jw f = obj(&o, "last_fix");
        kstr(&f, "time", t);
        kfixed(&f, "lat", v->lat, 7);
        kfixed(&f, "lon", v->lon, 7);
        end(&f);
    }
    device_clock(&o, v);
    device_acks(&o, v);
    end(&o);
}

static void finding(struct jw *a, const struct finding *f)
{
    struct jw o = obj(a, NULL);
    kstr(&o, "id", f->id);
    kstr(&o, "severity", severity_name(f->sev));
    kstr(&o, "summary", f->summary);
    struct jw ev = obj(&o, "evidence");
    for (unsigned i = 0; i < f->nev; i++) {
        if (f->ev[i].num) kraw(&ev, f->ev[i].key, f->ev[i].val);
        else kstr(&ev, f->ev[i].key, f->ev[i].val);
    }
    struct jw ex = arr(&ev, "examples");
    for (unsigned i = 0; i < f->nex; i++) vstr(&ex, f->examples[i]);
    end(&ex);
    end(&ev);
    struct jw dv = arr(&o, "devices");
    for (size_t i = 0; i < f->ndevices; i++) vstr(&dv, f->devices[i]);
    end(&dv);
    kstr(&o, "action", f->action);
    end(&o);
}

void report_json(FILE *out, const struct diagnosis *d)
{
    struct sbuf b = {0};
    struct jw o = top(&b);
    kstr(&o, "schema", "trackdump.report/1");
    capture(&o, d);
    ports(&o);
    struct jw devs = open_in(&o, "devices", '[', ",\n");     /* one device a line */
    for (size_t i = 0; i < d->ndev; i++) {
        device(&devs, d, d->dev[i]);
        if (b.len > (1u << 20)) { fwrite(b.p, 1, b.len, out); sb_reset(&b); }
    }
    end(&devs);
    struct jw finds = open_in(&o, "findings", '[', ",\n");   /* one finding a line */
    for (size_t i = 0; i < d->n; i++) finding(&finds, &d->f[i]);
    end(&finds);
    end(&o);
    sb_putc(&b, '\n');
    fwrite(b.p, 1, b.len, out);
    sb_free(&b);
}
