/* tui_model.c: what `top` knows of each device besides the device table: its
 * message and packet stores, fed by the pipeline's hooks, and the table's
 * rows: a snapshot of every device (state, interval, offset...), then the
 * rows the filter keeps, sorted by the chosen column and grouped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "printers.h"
#include "strutil.h"
#include "tui.h"

struct tui T;

const struct tui_col_def tui_cols[COL__N] = {
    [COL_IMEI] = {"IMEI", 17, false},     [COL_PROTO] = {"PROTO", 10, false},
    [COL_PORT] = {"PORT", 5, true},       [COL_STATE] = {"STATE", 8, false},
    [COL_SEEN] = {"SEEN", 5, true},       [COL_MSGS] = {"MSGS", 7, true},
    [COL_INTERVAL] = {"INTVL", 6, true},  [COL_TYPE] = {"LAST TYPE", 12, false},
    [COL_ACK] = {"ACK", 8, false},        [COL_ERRS] = {"MALF/UNS", 8, true},
    [COL_OFFSET] = {"OFFSET", 7, true},   [COL_PEER] = {"PEER", 21, false},
    [COL_FIXTIME] = {"LAST FIX (UTC)", 19, false}, [COL_POS] = {"POSITION", 19, false},
};
const char *const tui_state_names[ST__N] = {"online", "silent", "closed", "rejected"};
const char *const tui_group_names[GRP__N] = {"none", "protocol", "port", "network", "model"};

/* ---- pointer maps: device -> tdev, connection -> its packets before the device is known ---- */

struct pmap { const void **k; void **v; size_t cap, used; };
#define TOMB ((const void *)1)

static size_t slot(const void *p, size_t cap) { return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ULL) & (cap - 1); }

static void *pmap_get(const struct pmap *m, const void *k)
{
    if (!m->cap) return NULL;
    for (size_t i = slot(k, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (!m->k[i]) return NULL;
        if (m->k[i] == k) return m->v[i];
    }
}

static void pmap_put(struct pmap *m, const void *k, void *v);

/* pmap_grow and pmap_put call each other once: the grown table has room */
static void pmap_grow(struct pmap *m)   /* NOLINT(misc-no-recursion) */
{
    struct pmap o = *m;
    size_t live = 0, cap = 1024;
    for (size_t i = 0; i < o.cap; i++) live += o.k[i] && o.k[i] != TOMB;
    while (cap < live * 4) cap *= 2;       /* rehashing also clears the tombstones */
    m->k = calloc(cap, sizeof *m->k);
    m->v = calloc(cap, sizeof *m->v);
    if (!m->k || !m->v) { fprintf(stderr, "trackdump: out of memory\n"); exit(1); }
    m->cap = cap;
    m->used = 0;
    for (size_t i = 0; i < o.cap; i++)
        if (o.k[i] && o.k[i] != TOMB) pmap_put(m, o.k[i], o.v[i]);
    free(o.k);
    free(o.v);
}

static void pmap_put(struct pmap *m, const void *k, void *v)   /* NOLINT(misc-no-recursion) */
{
    if ((m->used + 1) * 2 > m->cap) pmap_grow(m);
    for (size_t i = slot(k, m->cap);; i = (i + 1) & (m->cap - 1))
        if (!m->k[i] || m->k[i] == TOMB || m->k[i] == k) {
            if (!m->k[i]) m->used++;
            m->k[i] = k;
            m->v[i] = v;
            return;
        }
}

static void pmap_del(struct pmap *m, const void *k)
{
    if (!m->cap) return;
    for (size_t i = slot(k, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (!m->k[i]) return;
        if (m->k[i] == k) { m->k[i] = TOMB; m->v[i] = NULL; return; }
    }
}

static void pmap_free(struct pmap *m) { free(m->k); free(m->v); memset(m, 0, sizeof *m); }

static struct pmap devmap, connmap;

/* a connection's packets until its device is known, and that device after */
struct cstate { struct logq pend; struct tdev *t; };

static struct tdev *tdev_of(struct device *d)
{
    struct tdev *t = pmap_get(&devmap, d);
    if (t) return t;
    t = calloc(1, sizeof *t);
    if (!t) { fprintf(stderr, "trackdump: out of memory\n"); exit(1); }
    t->d = d;
    t->msgs.pool = &msglog_pool;
    t->pkts.pool = &pktlog_pool;
    t->interval_ms = -1;
    if (T.ndevs == T.capdevs) {
        size_t cap = T.capdevs ? T.capdevs * 2 : 1024;
        struct tdev **v = realloc(T.devs, cap * sizeof *v);
        if (!v) { fprintf(stderr, "trackdump: out of memory\n"); exit(1); }
        T.devs = v;
        T.capdevs = cap;
    }
    T.devs[T.ndevs++] = t;
    pmap_put(&devmap, d, t);
    return t;
}

struct tdev *tui_model_find(const char *id)
{
    struct device *d = devices_find(id);
    return d ? pmap_get(&devmap, d) : NULL;
}

static struct cstate *cstate_of(const struct conn *c, bool create)
{
    struct cstate *s = pmap_get(&connmap, c);
    if (s || !create) return s;
    s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->pend.pool = &pktlog_pool;
    pmap_put(&connmap, c, s);
    return s;
}

static void attribute(struct cstate *s, struct tdev *t)
{
    if (s->t == t) return;
    s->t = t;
    pktlog_move(&t->pkts, &s->pend);
}

void tui_model_message(void *ctx, struct trk_msg *m, const struct conn *c)
{
    if (!c || !c->dev) return;             /* not a device's: noise, unknown protocols */
    struct tdev *t = tdev_of(c->dev);
    struct cstate *s = cstate_of(c, true);
    if (s) attribute(s, t);
    msglog_add(&t->msgs, m, c);
    if (m->dir == TRK_DOWN && m->ack.verdict != TRK_ACK_NONE)
        msglog_verdict(&t->msgs, m->conn_id, m->ack.req_seq, &m->ack);
}

void tui_model_unanswered(void *ctx, const struct trk_ack *a, const char *imei, const struct conn *c)
{
    struct device *d = c && c->dev ? c->dev : (imei && *imei ? devices_find(imei) : NULL);
    struct tdev *t = d ? pmap_get(&devmap, d) : NULL;
    if (t) msglog_verdict(&t->msgs, c ? c->id : 0, a->req_seq, a);
}

void tui_model_frame(struct conn *c, const struct raw_frame *f)
{
    T.bytes += f->len;
    if (!c) return;
    struct cstate *s = cstate_of(c, true);
    if (!s) return;
    if (c->dev) attribute(s, tdev_of(c->dev));
    pktlog_add(s->t ? &s->t->pkts : &s->pend, f);
}

void tui_model_release(struct conn *c)
{
    struct cstate *s = pmap_get(&connmap, c);
    if (!s) return;
    pktlog_clear(&s->pend);                /* never attributed to a device */
    pmap_del(&connmap, c);
    free(s);
}

void tui_model_free(void)
{
    for (size_t i = 0; i < connmap.cap; i++)
        if (connmap.k[i] && connmap.k[i] != TOMB) free(connmap.v[i]);
    pmap_free(&connmap);
    pmap_free(&devmap);
    logpool_free(&msglog_pool);
    logpool_free(&pktlog_pool);
    for (size_t i = 0; i < T.ndevs; i++) { free(T.devs[i]->text); free(T.devs[i]); }
    free(T.devs);
    free(T.snap);
    free(T.view);
    free(T.items);
    free(T.mlist);
    T.devs = NULL;
    T.snap = NULL;
    T.view = NULL;
    T.items = NULL;
    T.mlist = NULL;
}

/* ---- the snapshot ---- */

static bool grow(void **p, size_t *cap, size_t want, size_t size)
{
    if (*cap >= want) return true;
    size_t c = *cap ? *cap : 256;
    while (c < want) c *= 2;
    void *q = realloc(*p, c * size);
    if (!q) return false;
    *p = q;
    *cap = c;
    return true;
}

/* the k-th smallest of v[0..n) (reorders v) */
static int64_t nth(int64_t *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        int64_t pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                int64_t t = v[i]; v[i] = v[j]; v[j] = t;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else break;
    }
    return v[k];
}

static int by_id(const void *a, const void *b)
{
    return strcmp((*(struct tdev *const *)a)->d->id, (*(struct tdev *const *)b)->d->id);
}

/* every device's place in IMEI order, renewed when devices were added */
static void rank_ids(void)
{
    static size_t ranked;
    static struct tdev **v;
    static size_t cap;
    if (ranked == T.ndevs || !grow((void **)&v, &cap, T.ndevs, sizeof *v)) return;
    memcpy(v, T.devs, T.ndevs * sizeof *v);
    qsort(v, T.ndevs, sizeof *v, by_id);
    for (size_t i = 0; i < T.ndevs; i++) v[i]->rank = (uint32_t)i;
    ranked = T.ndevs;
}

/* the report's judgement (device_state), on the cached interval; enum tui_state
 * lists the states in device_state's order */
static uint8_t state_of(const struct device *d, int64_t interval, int64_t now)
{
    return (uint8_t)device_state(d, interval >= 0 ? interval : T.fleet_interval_ms, now);
}

void tui_model_snapshot(void)
{
    static int64_t *iv, *ofs;
    static size_t civ, cofs;
    if (!grow((void **)&T.snap, &T.capsnap, T.ndevs, sizeof *T.snap) ||
        !grow((void **)&iv, &civ, T.ndevs, sizeof *iv) || !grow((void **)&ofs, &cofs, T.ndevs, sizeof *ofs))
        return;
    size_t niv = 0, nofs = 0;
    for (size_t i = 0; i < T.ndevs; i++) {
        struct tdev *t = T.devs[i];
        const struct device *d = t->d;
        if (t->iv_n != d->ngaps) { t->iv_n = d->ngaps; t->interval_ms = device_interval_ms(d); }
        if (t->off_n != d->noffs) { t->off_n = d->noffs; t->has_off = device_offset_ms(d, &t->offset_ms, NULL); }
        struct trow *r = &T.snap[i];
        r->t = t;
        r->id = d->id;
        r->identified = d->identified;
        r->proto = d->proto ? d->proto : "-";
        r->last_type = d->last_type ? d->last_type : "-";
        r->model = d->model;
        r->peer = d->peer;
        r->port = d->port;
        r->ack = d->last_ack;
        r->last_status = d->last_status;
        r->last_ns = d->last_ns;
        r->interval_ms = t->interval_ms;
        r->has_off = t->has_off;
        r->offset_ms = t->offset_ms;
        r->has_fix = d->has_fix;
        r->fix_ms = d->fix_time_ms;
        r->lat = d->lat;
        r->lon = d->lon;
        r->msgs = device_msgs(d);
        r->malformed = d->msgs[TRK_MALFORMED];
        r->unsupported = d->msgs[TRK_UNSUPPORTED];
        if (t->interval_ms >= 0) iv[niv++] = t->interval_ms;
        if (t->has_off) ofs[nofs++] = t->offset_ms;
    }
    T.nsnap = T.ndevs;
    T.fleet_interval_ms = -1;
    if (niv) T.fleet_interval_ms = nth(iv, niv, niv / 2);
    T.has_fleet_offset = nofs > 0;
    if (nofs) T.fleet_offset_ms = nth(ofs, nofs, nofs / 2);
    rank_ids();
    memset(T.count, 0, sizeof T.count);
    T.with_errors = 0;
    for (size_t i = 0; i < T.nsnap; i++) {
        struct trow *r = &T.snap[i];
        r->state = state_of(r->t->d, r->interval_ms, T.now_ns);
        T.count[r->state]++;
        if (r->malformed || r->unsupported) T.with_errors++;
    }
    T.never_seen = 0;
    if (T.expect)
        for (size_t i = 0; i < T.expect->n; i++)
            if (!devices_find(T.expect->v[i].imei)) T.never_seen++;
    T.need_arrange = true;
}

/* ---- cells ---- */

static void fmt_ago(int64_t ms, char *buf, size_t n)
{
    if (ms < 0) ms = 0;
    if (ms < 100000) snprintf(buf, n, "%llds", (long long)(ms / 1000));
    else if (ms < 6000000) snprintf(buf, n, "%lldm", (long long)(ms / 60000));
    else if (ms < 360000000) snprintf(buf, n, "%lldh", (long long)(ms / 3600000));
    else snprintf(buf, n, "%lldd", (long long)(ms / 86400000));
}

static void fmt_span(int64_t ms, char *buf, size_t n)
{
    if (ms < 10000) snprintf(buf, n, "%.1fs", (double)ms / 1000);
    else fmt_ago(ms, buf, n);
}

static void fmt_offset(int64_t ms, char *buf, size_t n)
{
    char sign = ms < 0 ? '-' : '+';
    int64_t a = ms < 0 ? -ms : ms;
    if (a < 10000) snprintf(buf, n, "%c%.1fs", sign, (double)a / 1000);
    else if (a < 120000) snprintf(buf, n, "%c%llds", sign, (long long)(a / 1000));
    else if (a < 7200000) snprintf(buf, n, "%c%lldm", sign, (long long)(a / 60000));
    else if (a < 172800000) snprintf(buf, n, "%c%lldh", sign, (long long)(a / 3600000));
    else if (a < 14LL * 86400000) snprintf(buf, n, "%c%lldd", sign, (long long)(a / 86400000));
    else snprintf(buf, n, "%c%lldw", sign, (long long)(a / (7LL * 86400000)));
}

static const char *ack_name(uint8_t v)
{
    switch (v) {
    case TRK_ACK_OK: return "ok";
    case TRK_ACK_WRONG: return "wrong";
    case TRK_ACK_REJECTED: return "rejected";
    case TRK_ACK_MISSING: return "missing";
    default: return "-";
    }
}

void tui_cell(const struct trow *r, enum tui_col col, char *buf, size_t n)
{
    char a[64];
    switch (col) {
    case COL_IMEI: snprintf(buf, n, "%s", r->id); break;
    case COL_PROTO: snprintf(buf, n, "%s", r->proto); break;
    case COL_PORT: snprintf(buf, n, "%u", r->port); break;
    case COL_STATE: snprintf(buf, n, "%s", tui_state_names[r->state]); break;
    case COL_SEEN:
        if (r->last_ns) fmt_ago((T.now_ns - r->last_ns) / 1000000, buf, n);
        else snprintf(buf, n, "-");
        break;
    case COL_MSGS: snprintf(buf, n, "%llu", (unsigned long long)r->msgs); break;
    case COL_INTERVAL:
        if (r->interval_ms >= 0) fmt_span(r->interval_ms, buf, n);
        else snprintf(buf, n, "-");
        break;
    case COL_TYPE: snprintf(buf, n, "%s", r->last_type); break;
    case COL_ACK: snprintf(buf, n, "%s", ack_name(r->ack)); break;
    case COL_ERRS:
        if (r->malformed || r->unsupported)
            snprintf(buf, n, "%llu/%llu", (unsigned long long)r->malformed, (unsigned long long)r->unsupported);
        else snprintf(buf, n, "-");
        break;
    case COL_OFFSET:
        if (r->has_off) fmt_offset(r->offset_ms, buf, n);
        else snprintf(buf, n, "-");
        break;
    case COL_PEER:
        if (r->peer.family) endpoint_str(&r->peer, buf, n);
        else snprintf(buf, n, "-");
        break;
    case COL_FIXTIME:
        if (r->has_fix) {
            time_t s = (time_t)(r->fix_ms / 1000 - (r->fix_ms % 1000 < 0));
            struct tm tm;
            gmtime_r(&s, &tm);
            strftime(a, sizeof a, "%Y-%m-%d %H:%M:%S", &tm);
            snprintf(buf, n, "%s", a);
        } else {
            snprintf(buf, n, "-");
        }
        break;
    case COL_POS:
        if (r->has_fix) snprintf(buf, n, "%.5f,%.5f", r->lat, r->lon);
        else snprintf(buf, n, "-");
        break;
    default: snprintf(buf, n, "?"); break;
    }
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001B3ULL; }

/* what the row's text is made of */
static uint64_t text_version(const struct trow *r)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = mix(h, r->msgs);
    h = mix(h, r->malformed << 20 ^ r->unsupported);
    h = mix(h, (uint64_t)r->state << 8 | r->ack);
    h = mix(h, (uintptr_t)r->last_type);
    h = mix(h, (uintptr_t)r->proto);
    h = mix(h, (uint64_t)r->interval_ms);
    h = mix(h, r->has_off ? (uint64_t)r->offset_ms : 0x7777);
    h = mix(h, r->has_fix ? (uint64_t)r->fix_ms ^ (uint64_t)(r->lat * 1e5) ^ (uint64_t)(r->lon * 1e5) << 32 : 0x5555);
    uint64_t a;
    memcpy(&a, r->peer.addr, 8);
    h = mix(h, a);
    memcpy(&a, r->peer.addr + 8, 8);
    h = mix(h, a);
    h = mix(h, (uint64_t)r->peer.port << 16 | r->port);
    return h | 1;
}

const char *tui_row_text(const struct trow *r)
{
    struct tdev *t = r->t;
    uint64_t v = text_version(r);
    if (t->text && t->text_ver == v) return t->text;
    char buf[512], cell[96];
    size_t o = 0;
    for (int c = 0; c < COL__N && o + 1 < sizeof buf; c++) {
        if (c == COL_SEEN) continue;
        tui_cell(r, (enum tui_col)c, cell, sizeof cell);
        int k = snprintf(buf + o, sizeof buf - o, "%s%s", o ? " " : "", cell);
        if (k < 0) break;
        o += (size_t)k;
    }
    if (o >= sizeof buf) o = sizeof buf - 1;
    buf[o] = 0;
    char *s = strdup(buf);
    if (!s) return t->text ? t->text : "";
    free(t->text);
    t->text = s;
    t->text_ver = v;
    return s;
}

bool tui_row_has_error(const struct trow *r)
{
    return r->malformed || r->unsupported || r->state == ST_REJECTED || r->ack == TRK_ACK_MISSING ||
           r->ack == TRK_ACK_REJECTED || r->ack == TRK_ACK_WRONG;
}

void tui_group_key(const struct trow *r, int group, char *buf, size_t n)
{
    switch (group) {
    case GRP_PROTO: snprintf(buf, n, "%s", r->proto); break;
    case GRP_PORT: snprintf(buf, n, "%u", r->port); break;
    case GRP_NET:
        if (r->peer.family == 4)
            snprintf(buf, n, "%u.%u.%u.0/24", r->peer.addr[0], r->peer.addr[1], r->peer.addr[2]);
        else if (r->peer.family == 6)
            snprintf(buf, n, "%x:%x:%x::/48", r->peer.addr[0] << 8 | r->peer.addr[1],
                     r->peer.addr[2] << 8 | r->peer.addr[3], r->peer.addr[4] << 8 | r->peer.addr[5]);
        else snprintf(buf, n, "-");
        break;
    case GRP_MODEL: {
        const struct expected *e = T.expect ? expect_find(T.expect, r->id) : NULL;
        if (r->model && r->model[0]) snprintf(buf, n, "%s", r->model);
        else if (e && e->model[0]) snprintf(buf, n, "%s", e->model);
        else snprintf(buf, n, "(model not sent)");
        break;
    }
    default: buf[0] = 0; break;
    }
}

/* ---- filter, sort, group ---- */

static int cmp_num(int64_t a, int64_t b) { return a < b ? -1 : a > b; }

/* the first 8 bytes of s, as a number in the order of strcmp */
static uint64_t prefix(const char *s)
{
    uint64_t k = 0;
    for (int i = 0; i < 8; i++) {
        k = k << 8 | (uint8_t)*s;
        if (*s) s++;
    }
    return k;
}

#define HALF (1ULL << 62)

static uint64_t sort_key(const struct trow *r, int col)
{
    switch (col) {
    case COL_IMEI: return r->t->rank;
    case COL_PROTO: return prefix(r->proto);
    case COL_TYPE: return prefix(r->last_type);
    case COL_PORT: return r->port;
    case COL_STATE: return r->state;
    case COL_SEEN: return (uint64_t)r->last_ns;
    case COL_MSGS: return r->msgs;
    case COL_INTERVAL: return (uint64_t)(r->interval_ms + 1);
    case COL_ACK: return r->ack;
    case COL_ERRS: return r->malformed + r->unsupported;
    case COL_OFFSET: return r->has_off ? (uint64_t)(r->offset_ms + (int64_t)HALF) + 1 : 0;
    case COL_PEER: {
        const uint8_t *a = r->peer.addr;
        return (uint64_t)a[0] << 56 | (uint64_t)a[1] << 48 | (uint64_t)a[2] << 40 | (uint64_t)a[3] << 32 |
               (uint64_t)a[4] << 24 | (uint64_t)a[5] << 16 | r->peer.port;
    }
    case COL_FIXTIME: return r->has_fix ? (uint64_t)(r->fix_ms + (int64_t)HALF) + 1 : 0;
    case COL_POS: return r->has_fix ? (uint64_t)((r->lat + 90) * 1e7) + 1 : 0;
    default: return 0;
    }
}

/* equal keys of text columns: the whole text decides */
static int cmp_text(const struct trow *x, const struct trow *y, int col)
{
    if (col == COL_PROTO) return strcmp(x->proto, y->proto);
    if (col == COL_TYPE) return strcmp(x->last_type, y->last_type);
    if (col == COL_POS && x->has_fix && y->has_fix) return x->lon < y->lon ? -1 : x->lon > y->lon;
    return 0;
}

/* numeric columns sort largest first (as htop does), text columns A to Z */
static bool descending(int col)
{
    return col == COL_MSGS || col == COL_ERRS || col == COL_INTERVAL || col == COL_STATE;
}

bool tui_sort_descending(void)
{
    bool d = descending(T.sort_col) || T.sort_col == COL_SEEN;    /* SEEN: the most recent first */
    return d != T.sort_invert;
}

static bool sort_desc;

static int sort_rows(const void *a, const void *b)
{
    const struct trow *x = *(const struct trow *const *)a, *y = *(const struct trow *const *)b;
    if (T.group != GRP_NONE) {
        int k = T.group == GRP_PORT ? cmp_num(x->port, y->port) : strcmp(x->gkey, y->gkey);
        if (k) return k;
    }
    int k = x->key < y->key ? -1 : x->key > y->key;
    if (!k && (T.sort_col == COL_POS || (x->key & 0xff))) k = cmp_text(x, y, T.sort_col);   /* longer texts */
    if (sort_desc) k = -k;
    return k ? k : (x->t->rank < y->t->rank ? -1 : x->t->rank > y->t->rank);    /* ties: by IMEI */
}

void tui_model_arrange(void)
{
    if (!grow((void **)&T.view, &T.capview, T.nsnap, sizeof *T.view)) return;
    T.nview = 0;
    for (size_t i = 0; i < T.nsnap; i++) {
        struct trow *r = &T.snap[i];
        if (T.filter) {
            const char *text = tui_row_text(r);
            uint64_t mv = mix(r->t->text_ver, T.filter_gen);
            if (r->t->match_ver != mv) {
                r->t->match = regex_match(T.filter, text, strlen(text));
                r->t->match_ver = mv;
            }
            if (!r->t->match) continue;
        }
        if (T.group) tui_group_key(r, T.group, r->gkey, sizeof r->gkey);
        r->key = sort_key(r, T.sort_col);
        T.view[T.nview++] = r;
    }
    sort_desc = tui_sort_descending();
    qsort(T.view, T.nview, sizeof *T.view, sort_rows);
    size_t want = T.nview * (T.group ? 2 : 1);
    if (!grow((void **)&T.items, &T.capitems, want ? want : 1, sizeof *T.items)) return;
    T.nitems = 0;
    for (size_t i = 0; i < T.nview; i++) {
        struct trow *r = T.view[i];
        if (T.group) {
            const char *key = r->gkey;
            if (i == 0 || strcmp(key, T.view[i - 1]->gkey) != 0) {
                size_t cnt[ST__N] = {0}, n = 0, errs = 0;
                for (size_t j = i; j < T.nview; j++) {
                    if (strcmp(T.view[j]->gkey, key) != 0) break;
                    n++;
                    cnt[T.view[j]->state]++;
                    if (T.view[j]->malformed || T.view[j]->unsupported) errs++;
                }
                struct tui_item *h = &T.items[T.nitems++];
                h->row = NULL;
                snprintf(h->heading, sizeof h->heading,
                         "%s %s: %zu device%s, %zu online, %zu silent, %zu closed, %zu rejected, %zu with errors",
                         tui_group_names[T.group], key, n, n == 1 ? "" : "s", cnt[ST_ONLINE], cnt[ST_SILENT],
                         cnt[ST_CLOSED], cnt[ST_REJECTED], errs);
            }
        }
        T.items[T.nitems].row = r;
        T.items[T.nitems].heading[0] = 0;
        T.nitems++;
    }
    T.need_arrange = false;
}
