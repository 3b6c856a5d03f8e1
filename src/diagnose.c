/* diagnose.c: the findings of `trackdump report` (DESIGN.md §4), each drawn
 * from the device, port and problem tables with its evidence.  Thresholds:
 *   silent          no message for max(3 x its own interval, 2 s) before the
 *                   capture's end (the fleet's median interval when the device
 *                   has too few messages to have one)
 *   clock skew      >= 2 devices with valid fixes, >= 60 % of them within
 *                   2 min of the fleet's median offset, and |median| >= 2 min
 *   device clock    a device more than 10 min off the fleet's reference
 *   churn           >= 2 reconnects and >= 12 per hour of capture
 *   not responding  >= 3 requests unanswered, more than were answered
 * No finding is raised without evidence; the evidence carries the numbers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "ports.h"
#include "problems.h"
#include "strutil.h"

#define NS 1000000000LL
#define MS_PER_WEEK (7LL * 86400 * 1000)
#define ROLLOVER_MS (1024 * MS_PER_WEEK)

const char *severity_name(enum severity s)
{
    return s == SEV_CRITICAL ? "critical" : s == SEV_WARNING ? "warning" : "info";
}

void fmt_duration_ms(int64_t ms, char *buf, size_t n)
{
    if (ms < 0) ms = -ms;
    if (ms < 1000) snprintf(buf, n, "%lld ms", (long long)ms);
    else if (ms < 60000) snprintf(buf, n, "%.1f s", (double)ms / 1000);
    else if (ms < 3600000) snprintf(buf, n, "%lld min %lld s", (long long)(ms / 60000), (long long)(ms % 60000 / 1000));
    else if (ms < 7 * 86400000LL) snprintf(buf, n, "%lld h %lld min", (long long)(ms / 3600000), (long long)(ms % 3600000 / 60000));
    else if (ms % MS_PER_WEEK == 0) snprintf(buf, n, "%lld weeks", (long long)(ms / MS_PER_WEEK));
    else snprintf(buf, n, "%.1f days", (double)ms / 86400000.0);
}

/* ---- building findings ---- */

static struct finding *add(struct diagnosis *d, const char *id, enum severity sev)
{
    struct finding *f = realloc(d->f, (d->n + 1) * sizeof *f);
    if (!f) { fprintf(stderr, "trackdump: out of memory for the report\n"); exit(1); }
    d->f = f;
    f = &d->f[d->n++];
    memset(f, 0, sizeof *f);
    f->id = id;
    f->sev = sev;
    return f;
}

static void say(char *dst, size_t n, const char *fmt, va_list ap)
{
    vsnprintf(dst, n, fmt, ap);
}

__attribute__((format(printf, 2, 3))) static void summary(struct finding *f, const char *fmt, ...)
{
    va_list ap; va_start(ap, fmt); say(f->summary, sizeof f->summary, fmt, ap); va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void action(struct finding *f, const char *fmt, ...)
{
    va_list ap; va_start(ap, fmt); say(f->action, sizeof f->action, fmt, ap); va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void ev(struct finding *f, const char *key, const char *fmt, ...)
{
    if (f->nev == EV_MAX) return;
    struct ev_item *e = &f->ev[f->nev++];
    snprintf(e->key, sizeof e->key, "%s", key);
    va_list ap; va_start(ap, fmt); say(e->val, sizeof e->val, fmt, ap); va_end(ap);
}

static void evn(struct finding *f, const char *key, double v)
{
    if (f->nev == EV_MAX) return;
    struct ev_item *e = &f->ev[f->nev++];
    snprintf(e->key, sizeof e->key, "%s", key);
    if (v == (double)(long long)v) snprintf(e->val, sizeof e->val, "%lld", (long long)v);
    else snprintf(e->val, sizeof e->val, "%.3f", v);
    e->num = true;
}

__attribute__((format(printf, 2, 3))) static void example(struct finding *f, const char *fmt, ...)
{
    if (f->nex == EX_MAX) return;
    va_list ap; va_start(ap, fmt); say(f->examples[f->nex++], sizeof f->examples[0], fmt, ap); va_end(ap);
}

static void add_device(struct finding *f, const char *id)
{
    char **v = realloc(f->devices, (f->ndevices + 1) * sizeof *v);
    if (!v) return;
    f->devices = v;
    v[f->ndevices] = strdup(id);
    if (v[f->ndevices]) f->ndevices++;
}

static void fmt_time(int64_t ns, char *buf, size_t n) { fmt_ts_us(ns, buf, n); }

static const char *dev_name(const struct device *v, char *buf, size_t n)
{
    if (v->identified) return v->id;
    char ep[56];
    endpoint_str(&v->peer, ep, sizeof ep);
    snprintf(buf, n, "unidentified %s", ep);
    return buf;
}

/* ---- per-device judgement ---- */

static int64_t fleet_interval_ms;

/* the device's interval, or the fleet's when it has too few messages */
static int64_t interval_or_fleet(const struct device *v)
{
    int64_t i = device_interval_ms(v);
    return i < 0 ? fleet_interval_ms : i;
}

void device_view(const struct diagnosis *d, const struct device *v, struct device_view *o)
{
    memset(o, 0, sizeof *o);
    int64_t iv = interval_or_fleet(v);
    o->silent = device_silent(v, iv, d->cap.last_ns, &o->silent_ms);
    o->state = device_state_name(device_state(v, iv, d->cap.last_ns));
    o->score = (o->silent ? 100 : 0) + (v->logins_rejected ? 90 : 0) + (v->ack_missing ? 60 : 0) +
               (v->ack_wrong || v->ack_rejected ? 50 : 0) + (device_errors(v) ? 40 : 0) +
               (v->reconnects >= 3 ? 20 : 0) + (v->identified ? 0 : 5);
}

struct ranked { struct device *dev; struct device_view v; };

static int worst_first(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->v.score != y->v.score) return x->v.score > y->v.score ? -1 : 1;
    return strcmp(x->dev->id, y->dev->id);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* ---- ports: closed, unanswered, no traffic, mismatch ---- */

static void port_findings(struct diagnosis *d)
{
    size_t n;
    struct port_stat **ps = ports_list(&n);
    bool any = false;
    char a[64], b[64], t1[48], t2[48];
    for (size_t i = 0; i < n; i++) {
        struct port_stat *p = ps[i];
        uint64_t got = p->conns + p->udp_flows;
        if (got || p->syn_rst || p->syn_unanswered) any = true;
        for (int k = 0; k < 2; k++) {
            uint64_t cnt = k == 0 ? p->syn_rst : p->syn_unanswered;
            if (!cnt) continue;
            struct finding *f = add(d, k == 0 ? "port-closed" : "port-unanswered", got ? SEV_WARNING : SEV_CRITICAL);
            if (k == 0)
                summary(f, "Port %u refuses connections: %llu SYN%s from %llu client address%s %s answered by RST%s.",
                        p->port, (unsigned long long)cnt, cnt == 1 ? "" : "s",
                        (unsigned long long)p->refused_clients, p->refused_clients == 1 ? "" : "es",
                        cnt == 1 ? "was" : "were",
                        got ? ", while other connections got through" : " and no connection was established");
            else
                summary(f, "Port %u does not answer: %llu SYN%s from %llu client address%s got no reply%s.",
                        p->port, (unsigned long long)cnt, cnt == 1 ? "" : "s",
                        (unsigned long long)p->refused_clients, p->refused_clients == 1 ? "" : "es",
                        got ? ", while other connections got through" : " and no connection was established");
            evn(f, "port", p->port);
            evn(f, k == 0 ? "syn_rst" : "syn_unanswered", (double)cnt);
            evn(f, "clients", (double)p->refused_clients);
            evn(f, "connections_established", (double)p->conns);
            fmt_time(p->first_fail_ns, t1, sizeof t1);
            fmt_time(p->last_fail_ns, t2, sizeof t2);
            ev(f, "first", "%s", t1);
            ev(f, "last", "%s", t2);
            for (unsigned j = 0; j < p->nrefused; j++) {
                endpoint_str(&p->refused[j], a, sizeof a);
                example(f, "%s -> port %u: %s", a, p->port, k == 0 ? "SYN answered by RST" : "SYN never answered");
            }
            if (k == 0)
                action(f, "Nothing accepts connections on port %u: check that the tracker server runs and listens "
                       "there (ss -ltnp 'sport = :%u') and that no firewall rule rejects the port.", p->port, p->port);
            else
                action(f, "Packets to port %u are dropped before the server: check firewalls and security groups "
                       "between the devices and the server, and that the server host is up; capture on the server "
                       "itself to see whether the SYNs arrive.", p->port);
        }
        if (p->configured && !got && !p->syn_rst && !p->syn_unanswered) {
            struct finding *f = add(d, "no-traffic", SEV_WARNING);
            summary(f, "Port %u was expected to carry tracker traffic but no packet was seen on it.", p->port);
            evn(f, "port", p->port);
            evn(f, "packets", 0);
            action(f, "Check that devices are configured with this server's address and port %u, that DNS "
                   "resolves the server name they use, and that the capture sees the right interface.", p->port);
        }
        if (p->mismatches) {
            struct finding *f = add(d, "protocol-mismatch", SEV_WARNING);
            summary(f, "Port %u is mapped to %s but %llu connection%s on it speak%s %s.", p->port,
                    p->mapped ? p->mapped : "another protocol", (unsigned long long)p->mismatches,
                    p->mismatches == 1 ? "" : "s", p->mismatches == 1 ? "s" : "", p->detected ? p->detected : "?");
            evn(f, "port", p->port);
            ev(f, "mapped", "%s", p->mapped ? p->mapped : "?");
            ev(f, "detected", "%s", p->detected ? p->detected : "?");
            evn(f, "connections", (double)p->mismatches);
            action(f, "Devices are configured with the wrong server port: move them to the port of their protocol, "
                   "or make the server decode %s on port %u (trackdump: --port %u=%s).",
                   p->detected ? p->detected : "it", p->port, p->port, p->detected ? p->detected : "PROTO");
        }
    }
    if (!any) {
        struct finding *f = add(d, "no-traffic", SEV_CRITICAL);
        summary(f, "No tracker traffic at all: not one connection or SYN on a tracker port in %llu packets.",
                (unsigned long long)d->cap.packets);
        evn(f, "packets", (double)d->cap.packets);
        evn(f, "connections", 0);
        action(f, "Devices are not reaching this host: check DNS for the server name the devices use, the "
               "network path and firewalls, and that the capture runs on the interface the devices arrive on "
               "(-i any); use --port PORT=PROTO if the server uses non-default ports.");
    }
    (void)b;
}

/* ---- clocks ---- */

struct offs { struct device *v; int64_t off; };

static int by_off(const void *a, const void *b)
{
    int64_t x = ((const struct offs *)a)->off, y = ((const struct offs *)b)->off;
    return x < y ? -1 : x > y;
}

static int year_of_ms(int64_t ms)
{
    int64_t days = ms / 86400000;
    if (ms < 0 && ms % 86400000) days--;
    int y = 1970;
    for (;;) {
        int len = (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365;
        if (days >= 0 && days < len) return y;
        if (days < 0) { y--; days += (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365; }
        else { days -= len; y++; }
        if (y < 1900 || y > 2200) return y;
    }
}

enum clock_kind { CK_ROLLOVER, CK_EPOCH, CK_LOCALTIME, CK_FUTURE, CK_BEHIND, CK__N };

static void clock_findings(struct diagnosis *d)
{
    size_t n = 0;
    struct offs *o = malloc((d->ndev ? d->ndev : 1) * sizeof *o);
    if (!o) return;
    uint64_t history = 0;
    for (size_t i = 0; i < d->ndev; i++) {
        int64_t off, spread;
        if (!device_offset_ms(d->dev[i], &off, &spread)) continue;
        o[n].v = d->dev[i];
        o[n].off = off;
        int64_t med;
        unsigned hist = 0;
        if (device_offset_median_ms(d->dev[i], &med, &hist)) history += hist;
        n++;
    }
    int64_t ref = 0;
    if (n >= 2) {
        qsort(o, n, sizeof *o, by_off);
        int64_t m = n % 2 ? o[n / 2].off : (o[n / 2 - 1].off + o[n / 2].off) / 2;
        size_t agree = 0;
        for (size_t i = 0; i < n; i++)
            if (llabs(o[i].off - m) <= 120000) agree++;
        if (llabs(m) >= 120000 && agree >= 2 && agree * 10 >= n * 6) {
            ref = m;
            char dur[48];
            fmt_duration_ms(m, dur, sizeof dur);
            struct finding *f = add(d, "server-clock-skew", SEV_CRITICAL);
            summary(f, "The server's clock is %s %s: %zu of %zu devices with valid fixes report times %s %s the capture clock.",
                    dur, m < 0 ? "fast (ahead)" : "slow (behind)", agree, n, dur, m < 0 ? "behind" : "ahead of");
            evn(f, "offset_s", (double)m / 1000);
            ev(f, "direction", "%s", m < 0 ? "device times behind capture time: server clock ahead"
                                          : "device times ahead of capture time: server clock behind");
            evn(f, "devices_agreeing", (double)agree);
            evn(f, "devices_with_fixes", (double)n);
            evn(f, "offset_min_s", (double)o[0].off / 1000);
            evn(f, "offset_max_s", (double)o[n - 1].off / 1000);
            evn(f, "history_messages_ignored", (double)history);
            char nb[80];
            for (size_t i = 0; i < n && f->nex < EX_MAX; i++)
                if (llabs(o[i].off - m) <= 120000) {
                    char t[48];
                    fmt_time_ms(o[i].v->fix_time_ms, t, sizeof t);
                    example(f, "%s: last fix time %s, offset %+.1f s", dev_name(o[i].v, nb, sizeof nb), t,
                            (double)o[i].off / 1000);
                }
            for (size_t i = 0; i < n; i++)
                if (llabs(o[i].off - m) <= 120000) add_device(f, o[i].v->id);
            action(f, "Set the server's clock right (check NTP: timedatectl, chronyc tracking); every device looks "
                   "%s to the platform until then.%s", m < 0 ? "out of date" : "ahead of time",
                   llabs(m) % 3600000 <= 60000 || llabs(m) % 3600000 >= 3540000
                       ? " The offset is a whole number of hours: also check the server's time zone settings "
                         "and whether the devices are configured to send local time." : "");
        }
    }
    /* devices far off the reference */
    long kind[CK__N];                /* index of each kind's finding (d->f moves as it grows) */
    for (int k = 0; k < CK__N; k++) kind[k] = -1;
    static const char *const what[CK__N] = {
        "times exactly 1024 weeks in the past (GPS week-number rollover)",
        "times at a clock epoch default (1970, 1980 or 2000), so no valid time source,",
        "times a whole number of hours off (local time instead of UTC)",
        "times in the future",
        "times far in the past (beyond buffered history)",
    };
    static const char *const todo[CK__N] = {
        "Update the firmware of these devices (GPS week rollover fix); until then the platform must add 1024 weeks.",
        "The device has no time source: check its GPS antenna and fix, and its firmware's RTC handling.",
        "Configure these devices to send UTC (time zone 0) or set the matching time zone on the platform.",
        "Check the device's time source and configuration; the platform may reject or misorder future points.",
        "Check the device's RTC and GPS fix; if it is replaying a very old buffer, let it finish or clear it.",
    };
    for (size_t i = 0; i < n; i++) {
        int64_t dev = o[i].off - ref;
        if (llabs(dev) <= 600000) continue;
        int y = year_of_ms(o[i].v->fix_time_ms);
        int64_t hours = (dev + (dev > 0 ? 1800000 : -1800000)) / 3600000;
        enum clock_kind k;
        if (llabs(o[i].off + ROLLOVER_MS) < 2 * 86400000LL || llabs(o[i].off + 2 * ROLLOVER_MS) < 2 * 86400000LL)
            k = CK_ROLLOVER;
        else if (y == 1970 || y == 1980 || y == 2000)
            k = CK_EPOCH;
        else if (hours != 0 && llabs(hours) <= 14 && llabs(dev - hours * 3600000) <= 60000)
            k = CK_LOCALTIME;
        else if (dev > 0)
            k = CK_FUTURE;
        else
            k = CK_BEHIND;
        struct finding *f;
        if (kind[k] < 0) {
            f = add(d, "device-clock", SEV_WARNING);
            kind[k] = (long)(f - d->f);
            action(f, "%s", todo[k]);
        } else {
            f = &d->f[kind[k]];
        }
        char nb[80], t[48], dur[48];
        fmt_time_ms(o[i].v->fix_time_ms, t, sizeof t);
        fmt_duration_ms(dev, dur, sizeof dur);
        if (k == CK_LOCALTIME)
            example(f, "%s: last fix time %s, %s %s (UTC%+lld)", dev_name(o[i].v, nb, sizeof nb), t, dur,
                    dev > 0 ? "ahead" : "behind", (long long)hours);
        else
            example(f, "%s: last fix time %s, %s %s", dev_name(o[i].v, nb, sizeof nb), t, dur,
                    dev > 0 ? "ahead" : "behind");
        add_device(f, o[i].v->id);
        if (f->nev == 0) {
            ev(f, "kind", "%s", k == CK_ROLLOVER ? "gps-week-rollover" : k == CK_EPOCH ? "epoch-default" :
                                k == CK_LOCALTIME ? "local-time" : k == CK_FUTURE ? "future" : "past");
            evn(f, "offset_s", (double)dev / 1000);
            evn(f, "reference_offset_s", (double)ref / 1000);
        }
    }
    for (int k = 0; k < CK__N; k++)
        if (kind[k] >= 0) {
            struct finding *f = &d->f[kind[k]];
            summary(f, "%zu device%s %s %s while the rest of the fleet is %s.", f->ndevices,
                    f->ndevices == 1 ? "" : "s", f->ndevices == 1 ? "reports" : "report", what[k],
                    ref ? "consistent with the capture clock's skew" : "on time");
            evn(f, "devices", (double)f->ndevices);
        }
    free(o);
}

/* ---- silent and never-seen devices ---- */

struct gv { char val[48]; bool silent; int64_t last; };

static int by_val(const void *a, const void *b) { return strcmp(((const struct gv *)a)->val, ((const struct gv *)b)->val); }

static void net_of(const struct endpoint *e, int bits, char *buf, size_t n)
{
    if (e->family == 4) {
        uint32_t a = (uint32_t)e->addr[0] << 24 | (uint32_t)e->addr[1] << 16 | (uint32_t)e->addr[2] << 8 | e->addr[3];
        a &= bits == 24 ? 0xFFFFFF00u : 0xFFFF0000u;
        snprintf(buf, n, "%u.%u.%u.%u/%d", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255, bits);
    } else {
        int bytes = bits == 24 ? 8 : 6;   /* IPv6: /64 and /48 */
        size_t o = 0;
        for (int i = 0; i < bytes && o + 6 < n; i += 2)
            o += (size_t)snprintf(buf + o, n - o, "%x:", (unsigned)(e->addr[i] << 8 | e->addr[i + 1]));
        snprintf(buf + o, n - o, ":/%d", bytes * 8);
    }
}

enum dim { DIM_PROTO, DIM_MODEL, DIM_PORT, DIM_NET24, DIM_NET16, DIM_CARRIER, DIM_EXMODEL, DIM__N };
static const char *const dim_name[DIM__N] = {"protocol", "model", "port", "network_24", "network_16", "carrier", "expected_model"};

static bool dim_value(const struct diagnosis *d, const struct device *v, enum dim k, char *buf, size_t n)
{
    const struct expected *e = d->expect && v->identified ? expect_find(d->expect, v->id) : NULL;
    switch (k) {
    case DIM_PROTO: snprintf(buf, n, "%s", v->proto ? v->proto : "?"); return true;
    case DIM_MODEL: if (!v->model[0]) return false; snprintf(buf, n, "%s", v->model); return true;
    case DIM_PORT: snprintf(buf, n, "%u", v->port); return true;
    case DIM_NET24: net_of(&v->peer, 24, buf, n); return true;
    case DIM_NET16: net_of(&v->peer, 16, buf, n); return true;
    case DIM_CARRIER: if (!e || !e->carrier[0]) return false; snprintf(buf, n, "%s", e->carrier); return true;
    case DIM_EXMODEL: if (!e || !e->model[0]) return false; snprintf(buf, n, "%s", e->model); return true;
    default: return false;
    }
}

static void silent_findings(struct diagnosis *d)
{
    size_t nsilent = 0, ndev = 0;
    struct device_view vw;
    bool *sil = calloc(d->ndev ? d->ndev : 1, sizeof *sil);
    if (!sil) return;
    for (size_t i = 0; i < d->ndev; i++) {
        device_view(d, d->dev[i], &vw);
        sil[i] = vw.silent;
        if (!d->dev[i]->last_up_ns) continue;
        ndev++;
        if (vw.silent) nsilent++;
    }
    size_t never = 0;
    if (d->expect)
        for (size_t i = 0; i < d->expect->n; i++)
            if (!devices_find(d->expect->v[i].imei)) never++;
    if (!nsilent && !never) { free(sil); return; }
    size_t total = ndev + never;
    struct finding *f = add(d, "devices-silent", (nsilent + never) * 2 >= total ? SEV_CRITICAL : SEV_WARNING);
    evn(f, "silent", (double)nsilent);
    evn(f, "never_seen", (double)never);
    evn(f, "devices_seen", (double)ndev);
    struct gv *g = malloc((ndev + 1) * sizeof *g);
    char best[160] = "";
    double best_score = 0;
    if (g && nsilent) {
        for (int k = 0; k < DIM__N; k++) {
            size_t m = 0;
            for (size_t i = 0; i < d->ndev; i++) {
                if (!d->dev[i]->last_up_ns) continue;
                if (!dim_value(d, d->dev[i], (enum dim)k, g[m].val, sizeof g[m].val)) continue;
                g[m].silent = sil[i];
                g[m].last = d->dev[i]->last_up_ns;
                m++;
            }
            if (!m) continue;
            qsort(g, m, sizeof *g, by_val);
            char list[200] = "";
            size_t lo = 0;
            for (size_t i = 0; i <= m; i++) {
                if (i < m && strcmp(g[i].val, g[lo].val) == 0) continue;
                size_t tot = i - lo, gs = 0;
                for (size_t j = lo; j < i; j++) gs += g[j].silent;
                size_t len = strlen(list);
                if (gs && len + 40 < sizeof list)
                    snprintf(list + len, sizeof list - len, "%s%s: %zu of %zu silent", len ? "; " : "", g[lo].val, gs, tot);
                /* does this value explain the silence? */
                size_t others = ndev - tot, others_sil = nsilent - gs;
                if (gs >= 2 && gs * 10 >= nsilent * 8 && gs * 10 >= tot * 8 && others > 0 &&
                    others_sil * 10 <= others * 2) {
                    double score = (double)gs / (double)tot + (double)gs / (double)nsilent - (double)others_sil / (double)others;
                    if (score > best_score) {
                        best_score = score;
                        snprintf(best, sizeof best, "%s %s (%zu of its %zu devices silent, %zu of %zu others)",
                                 dim_name[k], g[lo].val, gs, tot, others_sil, others);
                    }
                }
                lo = i;
            }
            if (list[0]) ev(f, dim_name[k], "%s", list);
        }
        /* simultaneous: the most silent devices whose last message falls in one minute */
        size_t m = 0;
        for (size_t i = 0; i < d->ndev; i++)
            if (sil[i]) g[m++].last = d->dev[i]->last_up_ns;
        int64_t *t = malloc(m * sizeof *t);
        if (t) {
            for (size_t i = 0; i < m; i++) t[i] = g[i].last;
            qsort(t, m, sizeof *t, cmp_i64);
            size_t bi = 0, bn = 0;
            for (size_t i = 0, j = 0; i < m; i++) {
                while (t[i] - t[j] > 60 * NS) j++;
                if (i - j + 1 > bn) { bn = i - j + 1; bi = j; }
            }
            if (bn >= 3) {
                char t0[48];
                fmt_time(t[bi], t0, sizeof t0);
                evn(f, "simultaneous", (double)bn);
                ev(f, "simultaneous_window", "%s + %.1f s", t0, (double)(t[bi + bn - 1] - t[bi]) / 1e9);
            }
            free(t);
        }
    }
    free(g);
    if (best[0]) ev(f, "common_cause", "%s", best);
    char s1[120] = "", s2[120] = "";
    if (nsilent) snprintf(s1, sizeof s1, "%zu of %zu devices stopped sending during the capture", nsilent, ndev);
    if (never) snprintf(s2, sizeof s2, "%s%zu expected device%s never appeared", nsilent ? " and " : "", never, never == 1 ? "" : "s");
    summary(f, "%s%s%s%s.", s1, s2, best[0] ? "; they share " : "", best[0] ? best : "");
    char nb[80], ago[48];
    for (size_t i = 0; i < d->ndev; i++) {
        if (!sil[i]) continue;
        device_view(d, d->dev[i], &vw);
        add_device(f, d->dev[i]->id);
        if (f->nex < EX_MAX) {
            char ep[64], t[48], iv[48];
            endpoint_str(&d->dev[i]->peer, ep, sizeof ep);
            fmt_time(d->dev[i]->last_up_ns, t, sizeof t);
            fmt_duration_ms(vw.silent_ms, ago, sizeof ago);
            int64_t itv = device_interval_ms(d->dev[i]);
            fmt_duration_ms(itv < 0 ? fleet_interval_ms : itv, iv, sizeof iv);
            example(f, "%s (%s, %s, port %u): last message %s, silent for %s, interval %s",
                    dev_name(d->dev[i], nb, sizeof nb), d->dev[i]->proto ? d->dev[i]->proto : "?", ep,
                    d->dev[i]->port, t, ago, iv);
        }
    }
    if (d->expect)
        for (size_t i = 0; i < d->expect->n; i++) {
            const struct expected *e = &d->expect->v[i];
            if (devices_find(e->imei)) continue;
            add_device(f, e->imei);
            if (f->nex < EX_MAX)
                example(f, "%s: never seen (expected%s%s%s%s)", e->imei, e->model[0] ? ", model " : "", e->model,
                        e->carrier[0] ? ", carrier " : "", e->carrier);
        }
    if (never && d->expect) {
        /* never-seen devices by the expect file's columns */
        for (int col = 0; col < 3; col++) {
            char list[200] = "";
            for (size_t i = 0; i < d->expect->n; i++) {
                const struct expected *e = &d->expect->v[i];
                if (devices_find(e->imei)) continue;
                char val[40];
                if (col == 0) snprintf(val, sizeof val, "%s", e->model);
                else if (col == 1) snprintf(val, sizeof val, "%s", e->carrier);
                else if (e->port) snprintf(val, sizeof val, "%u", e->port);
                else val[0] = 0;
                if (!val[0] || strstr(list, val)) continue;
                size_t cnt = 0, tot = 0;
                for (size_t j = 0; j < d->expect->n; j++) {
                    const struct expected *x = &d->expect->v[j];
                    char xv[40];
                    if (col == 0) snprintf(xv, sizeof xv, "%s", x->model);
                    else if (col == 1) snprintf(xv, sizeof xv, "%s", x->carrier);
                    else snprintf(xv, sizeof xv, "%u", x->port);
                    if (strcmp(xv, val) != 0) continue;
                    tot++;
                    if (!devices_find(x->imei)) cnt++;
                }
                size_t len = strlen(list);
                if (len + 40 < sizeof list)
                    snprintf(list + len, sizeof list - len, "%s%s: %zu of %zu never seen", len ? "; " : "", val, cnt, tot);
            }
            if (list[0]) ev(f, col == 0 ? "never_seen_by_model" : col == 1 ? "never_seen_by_carrier" : "never_seen_by_port", "%s", list);
        }
    }
    free(sil);
    action(f, "%s", best[0] ? "Look at what the silent devices share (above) first: a carrier or APN outage for a "
                              "network, a firmware or configuration change for a model, the server side for a port. "
                              "Then check one device directly (SMS status, carrier portal)."
                            : "Check the silent devices one by one: power and GSM coverage, SIM/APN status with the "
                              "carrier, and the device's server address and port configuration.");
}

/* ---- the server's answers ---- */

static void server_findings(struct diagnosis *d)
{
    char nb[80];
    /* rejections and wrong answers */
    struct finding *f = NULL;
    uint64_t rej = 0, closed = 0, wrong = 0;
    for (size_t i = 0; i < d->ndev; i++) {
        struct device *v = d->dev[i];
        if (!v->logins_rejected && !v->ack_rejected && !v->server_closed_after_login && !v->ack_wrong) continue;
        if (!f) f = add(d, "server-rejects", SEV_WARNING);
        rej += v->ack_rejected;
        closed += v->server_closed_after_login;
        wrong += v->ack_wrong;
        add_device(f, v->id);
        if (f->nex < EX_MAX) {
            char extra[160] = "";
            if (v->ack_wrong) snprintf(extra, sizeof extra, ", %llu wrong answer%s (%s)", (unsigned long long)v->ack_wrong,
                                       v->ack_wrong == 1 ? "" : "s", v->last_ack_detail);
            example(f, "%s (%s, port %u): %u login%s, %u refused, %llu answer%s rejected, closed by the server right "
                    "after login %u time%s%s", dev_name(v, nb, sizeof nb), v->proto ? v->proto : "?", v->port,
                    v->logins, v->logins == 1 ? "" : "s", v->logins_rejected, (unsigned long long)v->ack_rejected,
                    v->ack_rejected == 1 ? "" : "s", v->server_closed_after_login,
                    v->server_closed_after_login == 1 ? "" : "s", extra);
        }
    }
    if (f) {
        summary(f, "The server turned away %zu device%s: %llu answer%s rejected, %llu connection%s closed by the server "
                "right after login, %llu wrong acknowledgement%s.", f->ndevices, f->ndevices == 1 ? "" : "s",
                (unsigned long long)rej, rej == 1 ? "" : "s", (unsigned long long)closed, closed == 1 ? "" : "s",
                (unsigned long long)wrong, wrong == 1 ? "" : "s");
        evn(f, "devices", (double)f->ndevices);
        evn(f, "rejected_answers", (double)rej);
        evn(f, "closed_after_login", (double)closed);
        evn(f, "wrong_acks", (double)wrong);
        action(f, "Check that these IMEIs are registered and active on the platform (device list, IMEI whitelist, "
               "licence limits) and read the server log for why it refuses them; a wrong acknowledgement (record "
               "count, serial, CRC) is a server-side bug that makes devices resend.");
    }
    /* not responding: per port, then single devices */
    size_t np;
    struct port_stat **ps = ports_list(&np);
    for (size_t k = 0; k < np; k++) {
        uint64_t miss = 0, answered = 0, resent = 0;
        size_t devs = 0;
        for (size_t i = 0; i < d->ndev; i++) {
            struct device *v = d->dev[i];
            if (v->port != ps[k]->port) continue;
            miss += v->ack_missing;
            resent += v->ack_resent;
            answered += v->ack_ok + v->ack_wrong + v->ack_rejected;
            if (v->ack_missing) devs++;
        }
        if (miss < 3 || miss <= answered) continue;
        struct finding *g = add(d, "server-not-responding", miss >= 2 * answered ? SEV_CRITICAL : SEV_WARNING);
        summary(g, "The server on port %u does not acknowledge: %llu request%s from %zu device%s got no answer, %llu were answered.",
                ps[k]->port, (unsigned long long)miss, miss == 1 ? "" : "s", devs, devs == 1 ? "" : "s",
                (unsigned long long)answered);
        evn(g, "port", ps[k]->port);
        evn(g, "unanswered", (double)miss);
        evn(g, "answered", (double)answered);
        evn(g, "resent_by_devices", (double)resent);
        for (size_t i = 0; i < d->ndev; i++) {
            struct device *v = d->dev[i];
            if (v->port != ps[k]->port || !v->ack_missing) continue;
            add_device(g, v->id);
            example(g, "%s: %llu of %llu requests unanswered, %llu sent again; last: %s", dev_name(v, nb, sizeof nb),
                    (unsigned long long)v->ack_missing, (unsigned long long)v->requests,
                    (unsigned long long)v->ack_resent, v->last_ack_detail);
        }
        action(g, "The server accepts connections but does not answer the data: check the server process for port %u "
               "(hung worker, full queue, database down) and its log; devices keep resending and reconnecting until "
               "it answers.", ps[k]->port);
    }
}

static void churn_findings(struct diagnosis *d)
{
    double minutes = (double)(d->cap.last_ns - d->cap.first_ns) / 6e10;
    double hours = minutes < 1 ? 1.0 / 60 : minutes / 60;   /* a rate over at least a minute */
    struct finding *f = NULL;
    char nb[80];
    uint64_t total = 0;
    for (size_t i = 0; i < d->ndev; i++) {
        struct device *v = d->dev[i];
        double rate = v->reconnects / hours;
        if (v->reconnects < 2 || rate < 12) continue;
        if (v->logins_rejected || v->server_closed_after_login) continue;   /* explained by server-rejects */
        if (!f) f = add(d, "reconnect-churn", SEV_WARNING);
        total += v->reconnects;
        add_device(f, v->id);
        example(f, "%s (%s, port %u): %u connections, %.0f reconnects per hour; closed by the server %u, by the device "
                "%u (%u RST)", dev_name(v, nb, sizeof nb), v->proto ? v->proto : "?", v->port, v->conns, rate,
                v->closed_by_server, v->closed_by_device, v->closed[CLOSE_RST]);
    }
    if (!f) return;
    char dur[48];
    fmt_duration_ms((int64_t)(minutes * 60000), dur, sizeof dur);
    summary(f, "%zu device%s reconnect%s far more often than normal: %llu reconnects in %s of capture.",
            f->ndevices, f->ndevices == 1 ? "" : "s", f->ndevices == 1 ? "s" : "", (unsigned long long)total, dur);
    evn(f, "devices", (double)f->ndevices);
    evn(f, "reconnects", (double)total);
    evn(f, "capture_minutes", minutes);
    action(f, "Find out who closes the connections (above): the server after rejecting or not answering, or the "
           "device after an ACK timeout or a weak signal. Fix the cause; churn also costs the devices' data plans.");
}

/* the kept examples of a problem group: time, IMEI, (protocol,) problem text and bytes */
static void problem_examples(struct finding *f, const struct problem_group *g, bool with_proto)
{
    for (unsigned j = 0; j < g->nex; j++) {
        const struct problem_example *e = &g->ex[j];
        char t[48], hex[2 * PROBLEM_HEX_MAX + 1];
        fmt_time(e->ts_ns, t, sizeof t);
        for (size_t b = 0; b < e->rawlen; b++) snprintf(hex + 2 * b, 3, "%02x", e->raw[b]);
        hex[2 * e->rawlen] = 0;
        example(f, "%s %s%s%s: %s; hex %s%s (%zu bytes)", t, e->imei[0] ? e->imei : "-", with_proto ? " " : "",
                with_proto ? e->proto : "", e->problem, hex, e->fulllen > e->rawlen ? "..." : "", e->fulllen);
    }
}

static void problem_findings(struct diagnosis *d)
{
    size_t n;
    struct problem_group **g = problems_list(&n);
    for (size_t i = 0; i < n; i++) {
        bool mal = g[i]->status == TRK_MALFORMED;
        struct finding *f = add(d, mal ? "malformed-messages" : "unsupported-messages", SEV_WARNING);
        bool one = g[i]->count == 1;
        summary(f, "%llu %s %s message%s (%s) %s %s: %s.", (unsigned long long)g[i]->count, g[i]->proto,
                g[i]->dir == TRK_UP ? "device" : "server", one ? "" : "s", g[i]->type, one ? "is" : "are",
                mal ? "malformed" : "not supported", g[i]->ex[0].problem);
        ev(f, "protocol", "%s", g[i]->proto);
        ev(f, "direction", "%s", g[i]->dir == TRK_UP ? "up" : "down");
        ev(f, "type", "%s", g[i]->type);
        ev(f, "problem", "%s", g[i]->shape);
        evn(f, "messages", (double)g[i]->count);
        evn(f, "devices", (double)g[i]->devices_total);
        for (unsigned j = 0; j < g[i]->ndevices; j++) add_device(f, g[i]->devices[j]);
        problem_examples(f, g[i], false);
        if (mal)
            action(f, "These bytes break the %s protocol (checksum, length or framing): if they come from one "
                   "firmware, report it to the vendor with the hex above; if from every device, check for a "
                   "middlebox or a wrong port mapping. Decode one with: trackdump decode -P %s HEX",
                   g[i]->proto, g[i]->proto);
        else
            action(f, "The devices send %s messages the decoder does not know (new firmware or a new feature): "
                   "ask the vendor for the protocol change and update the platform's parser; the hex above is the "
                   "sample to attach. Decode one with: trackdump decode -P %s HEX", g[i]->proto, g[i]->proto);
    }
}

/* messages of further problem shapes once the group table was full: counted
 * for what they are, not in a group whose shape they may not have */
static void ungrouped_finding(struct diagnosis *d, enum trk_status s)
{
    const struct problem_group *u = problems_ungrouped(s);
    if (!u || !u->count) return;
    bool mal = s == TRK_MALFORMED;
    struct finding *f = add(d, mal ? "malformed-messages" : "unsupported-messages", SEV_WARNING);
    summary(f, "%llu more %s message%s of other problem shapes not grouped (group table full at %d).",
            (unsigned long long)u->count, mal ? "malformed" : "unsupported", u->count == 1 ? "" : "s",
            PROBLEM_GROUPS_MAX);
    evn(f, "messages", (double)u->count);
    evn(f, "devices", (double)u->devices_total);
    evn(f, "group_limit", PROBLEM_GROUPS_MAX);
    for (unsigned j = 0; j < u->ndevices; j++) add_device(f, u->devices[j]);
    problem_examples(f, u, true);
    action(f, "The capture has more distinct problems than the report groups (the first %d shapes are above): "
           "list every %s message with: trackdump -e -r FILE", PROBLEM_GROUPS_MAX, mal ? "malformed" : "unsupported");
}

/* the capture itself missed packets: say so, so that nothing else is blamed */
static void capture_findings(struct diagnosis *d)
{
    const struct capture_info *c = &d->cap;
    uint64_t drops = c->have_drops ? c->kernel_drops + c->if_drops : 0;
    if (!c->gaps && !drops) return;
    struct finding *f = add(d, "capture-loss", drops ? SEV_WARNING : SEV_INFO);
    summary(f, "The capture is incomplete: %llu packet%s dropped by the kernel or interface, %llu hole%s in TCP "
            "streams (%llu bytes); messages cut by them are reported as fragments, not as device errors.",
            (unsigned long long)drops, drops == 1 ? "" : "s", (unsigned long long)c->gaps, c->gaps == 1 ? "" : "s",
            (unsigned long long)c->gap_bytes);
    evn(f, "kernel_drops", (double)(c->have_drops ? c->kernel_drops : 0));
    evn(f, "interface_drops", (double)(c->have_drops ? c->if_drops : 0));
    evn(f, "stream_gaps", (double)c->gaps);
    evn(f, "gap_bytes", (double)c->gap_bytes);
    action(f, "For a complete capture: capture on the server itself with a filter on the tracker ports, a larger "
           "buffer, and write to a local disk (trackdump -w FILE, or tcpdump -B 32768 -w FILE).");
}

static int by_severity(const void *a, const void *b)
{
    const struct finding *x = a, *y = b;
    return (int)x->sev - (int)y->sev;
}

void diagnose(struct diagnosis *d, const struct capture_info *cap, const struct expect_list *expect)
{
    memset(d, 0, sizeof *d);
    d->cap = *cap;
    d->expect = expect;
    d->dev = devices_all(&d->ndev);
    /* the fleet's median interval, for devices with too few messages */
    int64_t *iv = malloc((d->ndev ? d->ndev : 1) * sizeof *iv);
    size_t ni = 0;
    for (size_t i = 0; iv && i < d->ndev; i++) {
        int64_t x = device_interval_ms(d->dev[i]);
        if (x >= 0) iv[ni++] = x;
    }
    fleet_interval_ms = -1;
    if (ni) {
        qsort(iv, ni, sizeof *iv, cmp_i64);
        fleet_interval_ms = iv[ni / 2];
    }
    free(iv);
    port_findings(d);
    clock_findings(d);
    silent_findings(d);
    server_findings(d);
    churn_findings(d);
    problem_findings(d);
    ungrouped_finding(d, TRK_MALFORMED);
    ungrouped_finding(d, TRK_UNSUPPORTED);
    capture_findings(d);
    /* stable: qsort is not, so sort by (severity, original order) */
    for (size_t i = 1; i < d->n; i++)
        for (size_t j = i; j > 0 && by_severity(&d->f[j - 1], &d->f[j]) > 0; j--) {
            struct finding t = d->f[j]; d->f[j] = d->f[j - 1]; d->f[j - 1] = t;
        }
    struct ranked *r = malloc((d->ndev ? d->ndev : 1) * sizeof *r);
    if (r) {
        for (size_t i = 0; i < d->ndev; i++) { r[i].dev = d->dev[i]; device_view(d, d->dev[i], &r[i].v); }
        qsort(r, d->ndev, sizeof *r, worst_first);
        for (size_t i = 0; i < d->ndev; i++) d->dev[i] = r[i].dev;
        free(r);
    }
}

void diagnosis_free(struct diagnosis *d)
{
    for (size_t i = 0; i < d->n; i++) {
        for (size_t j = 0; j < d->f[i].ndevices; j++) free(d->f[i].devices[j]);
        free(d->f[i].devices);
    }
    free(d->f);
    d->f = NULL;
    d->n = 0;
}
