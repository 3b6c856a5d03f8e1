/* tui_model.c: what `top` knows of each device besides the device table: its
 * message and packet stores, fed by the pipeline's hooks, and the table's
 * rows: a snapshot of every device (state, interval, offset...), then the
 * rows the filter keeps, sorted by the chosen column and grouped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "printers.h"
#include "rowsort.h"
#include "strutil.h"
#include "tui.h"

struct tui T;

static struct sortent *ents;          /* the view's rows, being sorted */
static size_t capents;

const struct tui_col_def tui_cols[COL__N] = {
    [COL_IMEI] = {"IMEI", 17, false},     [COL_PROTO] = {"PROTO", 10, false},
    [COL_PORT] = {"PORT", 5, true},       [COL_STATE] = {"STATE", 8, false},
    [COL_SEEN] = {"SEEN", 5, true},       [COL_MSGS] = {"MSGS", 7, true},
    [COL_INTERVAL] = {"INTVL", 6, true},  [COL_TYPE] = {"LAST TYPE", 12, false},
    [COL_ACK] = {"ACK", 8, false},        [COL_ERRS] = {"MALF/UNS", 8, true},
    [COL_OFFSET] = {"OFFSET", 7, true},   [COL_PEER] = {"PEER", 21, false},
    [COL_FIXTIME] = {"LAST FIX (UTC)", 19, false}, [COL_POS] = {"POSITION", 19, false},
};
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
static void job_free(void);

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
    job_free();
    free(T.view);
    free(T.items);
    free(T.headings);
    T.headings = NULL;
    free(T.mlist);
    free(ents);
    ents = NULL;
    capents = 0;
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


static int cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b; }

static int by_id(const void *a, const void *b)
{
    const struct sortent *x = a, *y = b;
    int k = cmp_u64(x->g, y->g);
    if (!k) k = cmp_u64(x->k, y->k);
    if (!k && (x->tie & y->tie & ROWSORT_TIE_K))
        k = strcmp(((const struct tdev *)x->p)->d->id, ((const struct tdev *)y->p)->d->id);
    return k ? k : (x->rank < y->rank ? -1 : x->rank > y->rank);
}

/* every device's place in IMEI order, renewed when devices were added: the
 * new ones sorted and merged into the devices already in order */
static void rank_ids(void)
{
    static size_t ranked;
    static struct sortent *v, *nv;
    static size_t cap, ncap;
    size_t n = T.ndevs, k = n - ranked;
    if (!k || !grow((void **)&v, &cap, n, sizeof *v) || !grow((void **)&nv, &ncap, n, sizeof *nv)) return;
    struct sortent *add = nv + ranked;     /* the new devices' entries, sorted, then merged */
    for (size_t i = ranked; i < n; i++) {
        const char *id = T.devs[i]->d->id;
        struct sortent *e = &add[i - ranked];
        bool longer = strnlen(id, 8) == 8;
        e->g = prefix(id);
        e->k = longer ? prefix(id + 8) : 0;
        e->tie = longer && (e->k & 0xff) ? ROWSORT_TIE_K : 0;
        e->rank = (uint32_t)i;                 /* equal ids (none in the table): by arrival */
        e->p = T.devs[i];
    }
    rowsort(add, k, by_id);
    size_t a = 0, b = 0, o = 0;
    static struct sortent *m;
    static size_t mcap;
    if (!grow((void **)&m, &mcap, n, sizeof *m)) return;
    while (a < ranked || b < k)
        m[o++] = b == k || (a < ranked && by_id(&v[a], &add[b]) <= 0) ? v[a++] : add[b++];
    struct sortent *t = v;
    v = m;
    m = t;
    size_t c = cap;
    cap = mcap;
    mcap = c;
    for (size_t i = 0; i < n; i++) ((struct tdev *)v[i].p)->rank = (uint32_t)i;
    ranked = n;
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

/* A snapshot is made in steps of a few milliseconds, so that a key is never
 * kept waiting behind 100,000 devices: the devices added since the last one
 * are ranked, the rows copied into the spare buffer, the fleet's medians
 * taken, then each row judged; the finished buffer takes the place of the
 * shown one. */
enum { JOB_IDLE, JOB_RANK, JOB_ROWS, JOB_STATES, JOB_FINISH };

static struct {
    int phase;
    struct trow *rows;                     /* the spare buffer being filled */
    size_t cap, n, pos;
    int64_t *iv, *ofs;                     /* the devices' intervals and offsets, for the medians */
    size_t civ, cofs, niv, nofs;
    int64_t now_ns, fleet_iv, fleet_ofs;
    bool has_fleet_ofs;
    size_t count[ST__N], with_errors;
    int64_t work_ns;                       /* the time its steps took */
} job;

#define JOB_BATCH 512                      /* rows between two looks at the clock */

void tui_model_snapshot(void)
{
    size_t n = T.ndevs;
    if (!grow((void **)&job.rows, &job.cap, n ? n : 1, sizeof *job.rows) ||
        !grow((void **)&job.iv, &job.civ, n ? n : 1, sizeof *job.iv) ||
        !grow((void **)&job.ofs, &job.cofs, n ? n : 1, sizeof *job.ofs))
        return;
    job.n = n;
    job.pos = job.niv = job.nofs = 0;
    job.work_ns = 0;
    job.now_ns = T.now_ns;
    job.phase = JOB_RANK;
}

static void job_free(void)
{
    free(job.rows);
    free(job.iv);
    free(job.ofs);
    memset(&job, 0, sizeof job);
}

bool tui_model_snapshot_running(void) { return job.phase != JOB_IDLE; }

static void copy_row(size_t i)
{
    struct tdev *t = T.devs[i];
    const struct device *d = t->d;
    if (t->iv_n != d->ngaps) { t->iv_n = d->ngaps; t->interval_ms = device_interval_ms(d); }
    if (t->off_n != d->noffs) { t->off_n = d->noffs; t->has_off = device_offset_ms(d, &t->offset_ms, NULL); }
    struct trow *r = &job.rows[i];
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
    r->rank = t->rank;
    r->match_ver = t->match_ver;
    r->match = t->match;
    if (t->interval_ms >= 0) job.iv[job.niv++] = t->interval_ms;
    if (t->has_off) job.ofs[job.nofs++] = t->offset_ms;
}

/* the report's judgement (device_state), on the cached interval or the fleet's */
static void judge_row(size_t i)
{
    struct trow *r = &job.rows[i];
    int64_t iv = r->interval_ms >= 0 ? r->interval_ms : job.fleet_iv;
    r->state = (uint8_t)device_state(r->t->d, iv, job.now_ns);
    r->text_ver = text_version(r);         /* every value of the text is known now */
    job.count[r->state]++;
    if (r->malformed || r->unsupported) job.with_errors++;
}

static void finish(void)
{
    struct trow *shown = T.snap;
    size_t cap = T.capsnap;
    T.snap = job.rows;
    T.capsnap = job.cap;
    T.nsnap = job.n;
    job.rows = shown;                      /* the next snapshot's spare */
    job.cap = cap;
    T.fleet_interval_ms = job.fleet_iv;
    T.has_fleet_offset = job.has_fleet_ofs;
    if (job.has_fleet_ofs) T.fleet_offset_ms = job.fleet_ofs;
    memcpy(T.count, job.count, sizeof T.count);
    T.with_errors = job.with_errors;
    T.never_seen = 0;
    if (T.expect)
        for (size_t i = 0; i < T.expect->n; i++)
            if (!devices_find(T.expect->v[i].imei)) T.never_seen++;
    T.need_arrange = true;
}

static bool step(int64_t deadline_ns);

bool tui_model_snapshot_step(int64_t deadline_ns)
{
    int64_t t0 = tui_wall_ns();
    bool done = step(deadline_ns);
    job.work_ns += tui_wall_ns() - t0;
    if (done) T.snapshot_cost_ns = job.work_ns;
    return done;
}

static bool step(int64_t deadline_ns)
{
    while (job.phase != JOB_IDLE) {
        if (job.phase == JOB_ROWS || job.phase == JOB_STATES) {
            size_t end = job.pos + JOB_BATCH < job.n ? job.pos + JOB_BATCH : job.n;
            for (; job.pos < end; job.pos++) (job.phase == JOB_ROWS ? copy_row : judge_row)(job.pos);
            if (job.pos < job.n) {
                if (tui_wall_ns() >= deadline_ns) return false;
                continue;
            }
        }
        switch (job.phase) {
        case JOB_RANK:                     /* the devices added since: ranked before their rows are copied */
            rank_ids();
            job.phase = JOB_ROWS;
            break;
        case JOB_ROWS:                     /* the medians, for devices without an interval of their own */
            job.fleet_iv = job.niv ? nth(job.iv, job.niv, job.niv / 2) : -1;
            job.has_fleet_ofs = job.nofs > 0;
            if (job.nofs) job.fleet_ofs = nth(job.ofs, job.nofs, job.nofs / 2);
            memset(job.count, 0, sizeof job.count);
            job.with_errors = 0;
            job.pos = 0;
            job.phase = JOB_STATES;
            break;
        case JOB_STATES: job.phase = JOB_FINISH; break;
        default:
            finish();
            job.phase = JOB_IDLE;
            return true;
        }
        if (tui_wall_ns() >= deadline_ns) return false;
    }
    return false;
}

/* ---- cells: written without printf, as a 100,000-row filter makes every row's text ---- */

#define CELL_MAX 64                        /* the longest cell: an IPv6 peer */

static char *put_str(char *o, const char *s)
{
    size_t k = strlen(s);
    if (k > CELL_MAX - 1) k = CELL_MAX - 1;
    memcpy(o, s, k);      /* NOLINT(bugprone-not-null-terminated-result): cells are appended, the caller ends the text */
    return o + k;
}

static char *put_u(char *o, unsigned long long v) { return o + pr_fmt_u64(o, v); }

/* ms as "12s", "5m", "3h", "2d" */
static char *put_ago(char *o, int64_t ms)
{
    static const struct { int64_t below, unit; char c; } u[] = {
        {100000, 1000, 's'}, {6000000, 60000, 'm'}, {360000000, 3600000, 'h'}, {INT64_MAX, 86400000, 'd'}};
    if (ms < 0) ms = 0;
    size_t i = 0;
    while (ms >= u[i].below) i++;
    o = put_u(o, (unsigned long long)(ms / u[i].unit));
    *o++ = u[i].c;
    return o;
}

/* below 10 s with a tenth ("1.5s"), else as put_ago */
static char *put_span(char *o, int64_t ms)
{
    if (ms >= 10000) return put_ago(o, ms);
    o += pr_fmt_fixed(o, (double)ms / 1000, 1);
    *o++ = 's';
    return o;
}

static char *put_offset(char *o, int64_t ms)
{
    static const struct { int64_t below, unit; char c; } u[] = {
        {120000, 1000, 's'}, {7200000, 60000, 'm'}, {172800000, 3600000, 'h'},
        {14LL * 86400000, 86400000, 'd'}, {INT64_MAX, 7LL * 86400000, 'w'}};
    *o++ = ms < 0 ? '-' : '+';
    uint64_t a = ms < 0 ? 0 - (uint64_t)ms : (uint64_t)ms;
    if (a < 10000) return put_span(o, (int64_t)a);
    size_t i = 0;
    while ((int64_t)a >= u[i].below) i++;
    o = put_u(o, a / (uint64_t)u[i].unit);
    *o++ = u[i].c;
    return o;
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

/* one cell at o (room for CELL_MAX bytes); returns its end */
static char *put_cell(char *o, const struct trow *r, enum tui_col col)
{
    char num[PR_NUM_MAX];
    switch (col) {
    case COL_IMEI: return put_str(o, r->id);
    case COL_PROTO: return put_str(o, r->proto);
    case COL_PORT: return put_u(o, r->port);
    case COL_STATE: return put_str(o, device_state_name((enum device_state)r->state));
    case COL_SEEN: return r->last_ns ? put_ago(o, (T.now_ns - r->last_ns) / 1000000) : put_str(o, "-");
    case COL_MSGS: return put_u(o, r->msgs);
    case COL_INTERVAL: return r->interval_ms >= 0 ? put_span(o, r->interval_ms) : put_str(o, "-");
    case COL_TYPE: return put_str(o, r->last_type);
    case COL_ACK: return put_str(o, ack_name(r->ack));
    case COL_ERRS:
        if (!r->malformed && !r->unsupported) return put_str(o, "-");
        o = put_u(o, r->malformed);
        *o++ = '/';
        return put_u(o, r->unsupported);
    case COL_OFFSET: return r->has_off ? put_offset(o, r->offset_ms) : put_str(o, "-");
    case COL_PEER:
        if (!r->peer.family) return put_str(o, "-");
        endpoint_str(&r->peer, o, CELL_MAX);
        return o + strlen(o);
    case COL_FIXTIME:                      /* "2026-11-18 01:00:00": RFC 3339 without T, fraction and Z */
        if (!r->has_fix) return put_str(o, "-");
        if (pr_fmt_time_ms(num, r->fix_ms - (r->fix_ms % 1000 + 1000) % 1000) != 20) return put_str(o, "?");
        num[10] = ' ';
        memcpy(o, num, 19);
        return o + 19;
    case COL_POS: {
        if (!r->has_fix) return put_str(o, "-");
        size_t k = pr_fmt_fixed(num, r->lat, 5);
        num[k++] = ',';
        k += pr_fmt_fixed(num + k, r->lon, 5);
        num[k] = 0;
        return put_str(o, num);
    }
    default: return put_str(o, "?");
    }
}

void tui_cell(const struct trow *r, enum tui_col col, char *buf, size_t n)
{
    char c[CELL_MAX + PR_NUM_MAX];
    size_t k = (size_t)(put_cell(c, r, col) - c);
    if (!n) return;
    if (k >= n) k = n - 1;
    memcpy(buf, c, k);
    buf[k] = 0;
}

const char *tui_row_text(const struct trow *r)
{
    struct tdev *t = r->t;
    uint64_t v = r->text_ver;
    if (t->text && t->text_ver == v) return t->text;
    char buf[COL__N * (CELL_MAX + PR_NUM_MAX)], *o = buf;
    for (int c = 0; c < COL__N; c++) {
        if (c == COL_SEEN) continue;
        if (o != buf) *o++ = ' ';
        o = put_cell(o, r, (enum tui_col)c);
    }
    size_t k = (size_t)(o - buf);
    if (!t->text || k > t->text_cap) {         /* a row's text grows rarely: reuse its room */
        char *s = realloc(t->text, k + 16);
        if (!s) return t->text ? t->text : "";
        t->text = s;
        t->text_cap = k + 15;
    }
    memcpy(t->text, buf, k);
    t->text[k] = 0;
    t->text_len = k;
    t->text_ver = v;
    return t->text;
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

#define HALF (1ULL << 62)

static uint64_t sort_key(const struct trow *r, int col)
{
    switch (col) {
    case COL_IMEI: return r->rank;
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
    const struct sortent *x = a, *y = b;
    const struct trow *rx = x->p, *ry = y->p;
    int k = cmp_u64(x->g, y->g);
    if (!k && (x->tie & y->tie & ROWSORT_TIE_G)) k = strcmp(rx->gkey, ry->gkey);
    if (k) return k;
    k = cmp_u64(x->k, y->k);                   /* already reversed when descending */
    if (!k && (x->tie & y->tie & ROWSORT_TIE_K)) k = sort_desc ? -cmp_text(rx, ry, T.sort_col) : cmp_text(rx, ry, T.sort_col);
    return k ? k : (x->rank < y->rank ? -1 : x->rank > y->rank);    /* ties: by IMEI */
}


static void sort_view(void)
{
    if (!grow((void **)&ents, &capents, T.nview ? T.nview : 1, sizeof *ents)) return;
    sort_desc = tui_sort_descending();
    for (size_t i = 0; i < T.nview; i++) {
        struct trow *r = T.view[i];
        struct sortent *e = &ents[i];
        e->p = r;
        e->rank = T.sort_col == COL_IMEI ? 0 : r->rank;    /* the key is the rank already */
        e->tie = 0;
        e->g = 0;
        if (T.group == GRP_PORT) e->g = r->port;
        else if (T.group != GRP_NONE) {
            e->g = prefix(r->gkey);
            if (e->g & 0xff) e->tie |= ROWSORT_TIE_G;
        }
        e->k = sort_desc ? ~r->key : r->key;
        if (T.sort_col == COL_POS || (r->key & 0xff)) e->tie |= ROWSORT_TIE_K;   /* longer texts */
    }
    rowsort(ents, T.nview, sort_rows);
    for (size_t i = 0; i < T.nview; i++) T.view[i] = (struct trow *)ents[i].p;
}

/* every row's filter verdict brought up to date, for at most FILTER_SLICE_NS
 * (a new regex over 100,000 rows on a busy machine can take longer than a
 * key may wait): true when all are; T.filter_done says how far it got */
#define FILTER_SLICE_NS 25000000LL

static bool judge_filter(void)
{
    int64_t until = tui_wall_ns() + FILTER_SLICE_NS;
    size_t work = 0;
    for (size_t i = 0; i < T.nsnap; i++) {
        struct trow *r = &T.snap[i];
        uint64_t mv = mix(r->text_ver, T.filter_gen);
        if (r->match_ver == mv) continue;      /* neither the row nor the filter changed */
        struct tdev *t = r->t;
        const char *text = tui_row_text(r);
        t->match = r->match = regex_match(T.filter, text, t->text_len);
        t->match_ver = r->match_ver = mv;
        if (++work % 256 == 0 && tui_wall_ns() >= until) {
            T.filter_done = i + 1;
            return false;
        }
    }
    T.filter_done = T.nsnap;
    return true;
}

void tui_model_arrange(void)
{
    T.filtering = T.filter && !judge_filter();
    if (T.filtering) {                         /* the rows shown stay until every verdict is in */
        /* its progress shown twice a second: the draws a second allows are kept for keys */
        if (tui_wall_ns() - T.last_draw >= 500000000LL) T.need_draw = true;
        return;
    }
    if (!grow((void **)&T.view, &T.capview, T.nsnap, sizeof *T.view)) return;
    T.nview = 0;
    for (size_t i = 0; i < T.nsnap; i++) {
        struct trow *r = &T.snap[i];
        if (T.filter && !r->match) continue;
        if (T.group) tui_group_key(r, T.group, r->gkey, sizeof r->gkey);
        r->key = sort_key(r, T.sort_col);
        T.view[T.nview++] = r;
    }
    sort_view();
    size_t want = T.nview * (T.group ? 2 : 1);
    if (!grow((void **)&T.items, &T.capitems, want ? want : 1, sizeof *T.items)) return;
    T.nitems = 0;
    size_t nheadings = 0;
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
                if (!grow((void **)&T.headings, &T.capheadings, nheadings + 1, sizeof *T.headings)) break;
                snprintf(T.headings[nheadings], sizeof *T.headings,
                         "%s %s: %zu device%s, %zu online, %zu silent, %zu closed, %zu rejected, %zu with errors",
                         tui_group_names[T.group], key, n, n == 1 ? "" : "s", cnt[ST_ONLINE], cnt[ST_SILENT],
                         cnt[ST_CLOSED], cnt[ST_REJECTED], errs);
                T.items[T.nitems++] = (struct tui_item){NULL, nheadings++};
            }
        }
        T.items[T.nitems++] = (struct tui_item){r, 0};
    }
    T.need_arrange = false;
    T.need_draw = true;                        /* the rows changed */
}
