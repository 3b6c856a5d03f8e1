/* devices.c: the device table.  Every message and connection event updates
 * the device it belongs to; the derived values (interval, clock offset, ACK
 * latency) are computed from small rings of recent samples, so a device costs
 * the same whatever the capture's length. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"

#define LOGIN_CLOSE_NS (5LL * 1000000000LL)   /* "closed right after login" */

static struct {
    struct device **tab;
    size_t cap, n;
    struct device **all;
    size_t all_cap;
} D;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s) h = (h ^ (uint8_t)*s++) * 1099511628211ULL;
    return h;
}

void devices_free(void)
{
    for (size_t i = 0; D.tab && i < D.cap; i++)
        for (struct device *d = D.tab[i], *nx; d; d = nx) { nx = d->next; free(d); }
    free(D.tab);
    free(D.all);
    memset(&D, 0, sizeof D);
}

void devices_init(void)
{
    devices_free();
    D.cap = 1024;
    D.tab = calloc(D.cap, sizeof *D.tab);
    if (!D.tab) { fprintf(stderr, "trackdump: out of memory for the device table\n"); exit(1); }
}

static void grow(void)
{
    size_t cap = D.cap * 2;
    struct device **t = calloc(cap, sizeof *t);
    if (!t) return;                       /* longer chains, still correct */
    for (size_t i = 0; i < D.cap; i++)
        for (struct device *d = D.tab[i], *nx; d; d = nx) {
            nx = d->next;
            size_t k = hash_str(d->id) & (cap - 1);
            d->next = t[k];
            t[k] = d;
        }
    free(D.tab);
    D.tab = t;
    D.cap = cap;
}

struct device *devices_find(const char *id)
{
    if (!D.tab) return NULL;
    for (struct device *d = D.tab[hash_str(id) & (D.cap - 1)]; d; d = d->next)
        if (strcmp(d->id, id) == 0) return d;
    return NULL;
}

static struct device *get(const char *id, bool identified)
{
    struct device *d = devices_find(id);
    if (d) return d;
    if (!D.tab) devices_init();
    if (D.n >= D.cap) grow();
    d = calloc(1, sizeof *d);
    if (!d) { fprintf(stderr, "trackdump: out of memory for the device table\n"); exit(1); }
    snprintf(d->id, sizeof d->id, "%s", id);
    d->identified = identified;
    d->last_ack = TRK_ACK_NONE;
    size_t k = hash_str(d->id) & (D.cap - 1);
    d->next = D.tab[k];
    D.tab[k] = d;
    D.n++;
    return d;
}

size_t devices_count(void) { return D.n; }

struct device **devices_all(size_t *n)
{
    if (D.all_cap < D.n) {
        struct device **a = realloc(D.all, D.n * sizeof *a);
        if (!a) { *n = 0; return NULL; }
        D.all = a;
        D.all_cap = D.n;
    }
    size_t k = 0;
    for (size_t i = 0; i < D.cap; i++)
        for (struct device *d = D.tab[i]; d; d = d->next) D.all[k++] = d;
    *n = k;
    return D.all;
}

static bool same_addr(const struct endpoint *a, const struct endpoint *b)
{
    return a->family == b->family && memcmp(a->addr, b->addr, 16) == 0;
}

static void new_peer(struct device *d, const struct endpoint *e)
{
    if (d->conns > 1 && !same_addr(&d->peer, e)) {
        for (unsigned i = 0; i < d->npast; i++)
            if (same_addr(&d->past[i], &d->peer)) goto done;
        if (d->npast < DEV_PEERS) d->past[d->npast++] = d->peer;
        else { memmove(d->past, d->past + 1, (DEV_PEERS - 1) * sizeof d->past[0]); d->past[DEV_PEERS - 1] = d->peer; }
    }
done:
    d->peer = *e;
}

/* the connection belongs to d from now on */
static void attach(struct device *d, struct conn *c)
{
    struct device *old = c->dev;
    if (old == d) return;
    if (old) {                              /* an unidentified start, now identified */
        if (old->conns) old->conns--;
        if (old->open_now) old->open_now--;
        if (c->midstream && old->midstream) old->midstream--;
    }
    c->dev = d;
    d->conns++;
    if (d->conns > 1) d->reconnects++;
    d->open_now++;
    if (c->midstream) d->midstream++;
    d->last_open_ns = c->first_ns;
    new_peer(d, &c->cli);
    d->port = c->srv.port;
    d->transport = c->transport;
}

static void count_type(struct device *d, const char *type)
{
    for (unsigned i = 0; i < DEV_TYPES; i++) {
        if (!d->types[i].type) { d->types[i].type = type; d->types[i].n = 1; return; }
        if (d->types[i].type == type || strcmp(d->types[i].type, type) == 0) { d->types[i].n++; return; }
    }
    d->types_other++;
}

static void copy_field(char *dst, size_t n, const struct trk_msg *m, const char *const *keys)
{
    for (; *keys; keys++) {
        const char *v = msg_field_get(m, *keys);
        if (v && *v) { snprintf(dst, n, "%s", v); return; }
    }
}

static uint64_t rec_hash(const struct trk_record *r)
{
    uint64_t h = (uint64_t)r->time_ms * 1099511628211ULL;
    int64_t la = (int64_t)(r->lat * 1e6), lo = (int64_t)(r->lon * 1e6);
    h ^= (uint64_t)la * 0x9E3779B97F4A7C15ULL;
    h ^= (uint64_t)lo * 0xC2B2AE3D27D4EB4FULL;
    return h | 1;
}

static void records(struct device *d, const struct trk_msg *m)
{
    int64_t newest = 0;
    bool have = false;
    for (size_t i = 0; i < m->nrec; i++) {
        const struct trk_record *r = &m->rec[i];
        if (!(r->has & (TRK_R_TIME | TRK_R_POS))) continue;
        bool valid = (r->has & TRK_R_VALID) ? r->valid : (r->has & TRK_R_POS) != 0;
        if (valid) d->rec_valid++;
        else d->rec_invalid++;
        if (r->has & TRK_R_TIME) {
            uint64_t h = rec_hash(r);
            bool dup = false;
            unsigned k = d->nrec_hash < DEV_RECS ? d->nrec_hash : DEV_RECS;
            for (unsigned j = 0; j < k; j++)
                if (d->rec_hash[j] == h) { dup = true; break; }
            if (dup) d->duplicates++;
            else d->rec_hash[d->nrec_hash++ % DEV_RECS] = h;
        }
        if (valid && (r->has & TRK_R_TIME) && (!have || r->time_ms > newest)) {
            newest = r->time_ms;
            have = true;
            if (!d->has_fix || r->time_ms >= d->fix_time_ms) {
                d->has_fix = true;
                d->fix_time_ms = r->time_ms;
                if (r->has & TRK_R_POS) { d->lat = r->lat; d->lon = r->lon; }
            }
        }
    }
    if (have) d->offs[d->noffs++ % DEV_OFFS] = newest - m->ts_ns / 1000000;
}

void devices_message(const struct trk_msg *m, const struct conn *cc)
{
    struct conn *c = (struct conn *)cc;       /* c->dev belongs to this module */
    if (m->status == TRK_UNKNOWN || !m->proto || strcmp(m->type, "protocol-mismatch") == 0) return;
    struct device *d;
    struct device *cur = c->dev;
    /* the identity of a message that did not decode may be garbage: it joins a known
     * device or its connection's, and creates at most one entry per connection, so
     * broken bytes cannot fill the table */
    bool trusted = m->status == TRK_OK;
    if (m->imei[0] && cur && strcmp(cur->id, m->imei) == 0) {
        d = cur;
    } else if (m->imei[0] && (trusted || !cur)) {
        d = get(m->imei, true);
    } else if (m->imei[0] && (d = devices_find(m->imei)) != NULL) {
        /* a device already known */
    } else if (cur) {
        d = cur;
    } else {
        char id[TRK_IMEI_MAX];
        snprintf(id, sizeof id, "?%llu", (unsigned long long)c->id);
        d = get(id, false);
    }
    attach(d, c);
    if (!d->proto) d->proto = m->proto;
    if (!d->first_ns) d->first_ns = m->ts_ns;
    d->last_ns = m->ts_ns;
    if (m->dir == TRK_DOWN) {
        d->msgs_down++;
        if (m->ack.verdict == TRK_ACK_NONE) return;
        d->last_ack = m->ack.verdict;
        switch (m->ack.verdict) {
        case TRK_ACK_OK: d->ack_ok++; break;
        case TRK_ACK_WRONG:
            d->ack_wrong++;
            snprintf(d->last_ack_detail, sizeof d->last_ack_detail, "%s", m->ack.detail);
            break;
        case TRK_ACK_REJECTED:
            d->ack_rejected++;
            if (m->ack.req_type && strcmp(m->ack.req_type, "login") == 0) d->logins_rejected++;
            break;
        default: break;
        }
        int64_t us = m->ack.latency_ns / 1000;
        d->lat_us[d->nlat++ % DEV_LAT] = us > 0x7fffffff ? 0x7fffffff : (int32_t)(us < 0 ? 0 : us);
        return;
    }
    static const char *const model_keys[] = {"model", "device", "hardware_version", NULL};
    static const char *const fw_keys[] = {"firmware", "firmware_version", "version", NULL};
    if (m->nfield && (!d->model[0] || !d->firmware[0] || m->type == d->types[0].type)) {
        /* the first message type (usually the login) may repeat them; others rarely do */
        copy_field(d->model, sizeof d->model, m, model_keys);
        copy_field(d->firmware, sizeof d->firmware, m, fw_keys);
    }
    d->msgs[m->status]++;
    count_type(d, m->type);
    d->last_type = m->type;
    d->last_status = (uint8_t)m->status;
    if (m->status != TRK_OK) snprintf(d->last_problem, sizeof d->last_problem, "%s", m->problem);
    if (d->last_up_ns) {
        int64_t gap = (m->ts_ns - d->last_up_ns) / 1000000;
        d->gaps[d->ngaps++ % DEV_GAPS] = gap > 0x7fffffff ? 0x7fffffff : (int32_t)(gap < 0 ? 0 : gap);
    }
    d->last_up_ns = m->ts_ns;
    if (m->want_reply.set) d->requests++;
    if (strcmp(m->type, "login") == 0) { d->logins++; d->last_login_ns = m->ts_ns; }
    records(d, m);
}

void devices_unanswered(const struct trk_ack *a, const char *imei, const struct conn *c)
{
    struct device *d = c->dev ? c->dev : (imei && *imei ? devices_find(imei) : NULL);
    if (!d) return;
    if (a->cause == TRK_MISS_END) { d->ack_pending_end++; return; }
    d->ack_missing++;
    if (a->cause == TRK_MISS_RESENT) d->ack_resent++;
    d->last_ack = TRK_ACK_MISSING;
    snprintf(d->last_ack_detail, sizeof d->last_ack_detail, "%s", a->detail);
}

void devices_conn_close(struct conn *c, enum conn_close_why why, int64_t ts)
{
    struct device *d = c->dev;
    if (!d) return;
    d->closed[why]++;
    if (d->open_now) d->open_now--;
    if (why != CLOSE_END) {
        d->conn_ns += ts - c->first_ns;
        d->last_close_ns = ts;
        d->last_close_why = (uint8_t)why;
    }
    if (c->closer == CLOSER_SERVER) {
        d->closed_by_server++;
        if (d->last_login_ns && ts - d->last_login_ns <= LOGIN_CLOSE_NS && d->last_login_ns >= c->first_ns)
            d->server_closed_after_login++;
    } else if (c->closer == CLOSER_DEVICE) {
        d->closed_by_device++;
    }
    c->dev = NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int64_t median_i64(const int64_t *v, size_t n)
{
    int64_t tmp[64];
    if (n > 64) n = 64;
    memcpy(tmp, v, n * sizeof *tmp);
    qsort(tmp, n, sizeof *tmp, cmp_i64);
    return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

int64_t device_interval_ms(const struct device *d)
{
    unsigned n = d->ngaps < DEV_GAPS ? d->ngaps : DEV_GAPS;
    if (n < 2) return -1;
    int64_t v[DEV_GAPS];
    for (unsigned i = 0; i < n; i++) v[i] = d->gaps[i];
    return median_i64(v, n);
}

bool device_offset_ms(const struct device *d, int64_t *off, int64_t *spread)
{
    unsigned n = d->noffs < DEV_OFFS ? d->noffs : DEV_OFFS;
    if (!n) return false;
    int64_t v[DEV_OFFS];
    memcpy(v, d->offs, n * sizeof v[0]);
    qsort(v, n, sizeof v[0], cmp_i64);
    /* 3/4 quantile: buffered history only ever lowers offsets */
    size_t q = (n * 3) / 4;
    if (q >= n) q = n - 1;
    *off = v[q];
    if (spread) *spread = v[n - 1] - v[0];
    return true;
}

bool device_offset_median_ms(const struct device *d, int64_t *median, unsigned *history)
{
    int64_t off, spread;
    if (!device_offset_ms(d, &off, &spread)) return false;
    unsigned n = d->noffs < DEV_OFFS ? d->noffs : DEV_OFFS;
    *median = median_i64(d->offs, n);
    *history = 0;
    for (unsigned i = 0; i < n; i++)
        if (d->offs[i] < off - 600000) (*history)++;
    return true;
}

int64_t device_ack_latency_us(const struct device *d)
{
    unsigned n = d->nlat < DEV_LAT ? d->nlat : DEV_LAT;
    if (!n) return -1;
    int64_t v[DEV_LAT];
    for (unsigned i = 0; i < n; i++) v[i] = d->lat_us[i];
    return median_i64(v, n);
}

bool device_silent(const struct device *d, int64_t interval_ms, int64_t now_ns, int64_t *silent_ms)
{
    int64_t since = d->last_up_ns ? (now_ns - d->last_up_ns) / 1000000 : -1;
    if (silent_ms) *silent_ms = since;
    if (since < 0 || interval_ms < 0) return false;
    int64_t th = 3 * interval_ms < 2000 ? 2000 : 3 * interval_ms;
    return since > th;
}

enum device_state device_state(const struct device *d, int64_t interval_ms, int64_t now_ns)
{
    if (d->logins_rejected || d->server_closed_after_login) return DEV_REJECTED;
    if (device_silent(d, interval_ms, now_ns, NULL)) return DEV_SILENT;
    return d->open_now || d->closed[CLOSE_END] ? DEV_ONLINE : DEV_CLOSED;
}

const char *device_state_name(enum device_state s)
{
    static const char *const names[] = {"online", "silent", "closed", "rejected"};
    return names[s];
}

uint64_t device_msgs(const struct device *d)
{
    return d->msgs[TRK_OK] + d->msgs[TRK_MALFORMED] + d->msgs[TRK_UNSUPPORTED] + d->msgs[TRK_UNKNOWN];
}

uint64_t device_errors(const struct device *d) { return d->msgs[TRK_MALFORMED] + d->msgs[TRK_UNSUPPORTED]; }
