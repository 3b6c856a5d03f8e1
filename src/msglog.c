/* msglog.c: bounded per-device stores of recent messages and packets for the
 * drill-down of `top`.  A message is copied when stored (the session layer
 * reuses its scratch message); every entry sits in its owner's queue and in
 * the pool's list, both oldest first, so either limit evicts in O(1). */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "msglog.h"
#include "printers.h"
#include "strutil.h"

struct logpool msglog_pool, pktlog_pool;
static uint64_t next_id;

/* ---- the pool ---- */

static void unlink_node(struct lognode *n)
{
    struct logq *q = n->q;
    struct logpool *p = q->pool;
    if (n->prev) n->prev->next = n->next; else q->head = n->next;
    if (n->next) n->next->prev = n->prev; else q->tail = n->prev;
    if (n->gprev) n->gprev->gnext = n->gnext; else p->ghead = n->gnext;
    if (n->gnext) n->gnext->gprev = n->gprev; else p->gtail = n->gprev;
    q->n--;
    q->bytes -= n->bytes;
    p->n--;
    p->bytes -= n->bytes;
}

void logq_remove(struct lognode *n)
{
    unlink_node(n);
    free(n);
}

static void evict(struct lognode *n)
{
    n->q->evicted++;
    n->q->pool->evicted++;
    logq_remove(n);
}

/* The evictions below free the list head and read the new one: the analyzer cannot
 * follow the list's links (the top tests run these under ASan). */
/* NOLINTBEGIN(clang-analyzer-unix.Malloc) */
void logq_push(struct logq *q, struct lognode *n)
{
    struct logpool *p = q->pool;
    n->q = q;
    n->next = NULL;
    n->prev = q->tail;
    if (q->tail) q->tail->next = n; else q->head = n;
    q->tail = n;
    n->gnext = NULL;
    n->gprev = p->gtail;
    if (p->gtail) p->gtail->gnext = n; else p->ghead = n;
    p->gtail = n;
    q->n++;
    q->bytes += n->bytes;
    p->n++;
    p->bytes += n->bytes;
    while (q->head != n && ((p->q_max_n && q->n > p->q_max_n) || (p->q_max_bytes && q->bytes > p->q_max_bytes)))
        evict(q->head);
    while (p->ghead != n && p->max_bytes && p->bytes > p->max_bytes) evict(p->ghead);
}

void logpool_free(struct logpool *p)
{
    while (p->ghead) logq_remove(p->ghead);
}
/* NOLINTEND(clang-analyzer-unix.Malloc) */

/* ---- messages ---- */

void msglog_setup(size_t per_device, size_t max_bytes)
{
    msglog_pool.q_max_n = per_device;
    msglog_pool.max_bytes = max_bytes;
}

uint64_t msglog_last_id(void) { return next_id; }

/* the decoded values of a text line "[0] up[ udp] proto imei type VALUES status[: problem]" */
static void summary_of(const char *line, size_t len, const struct mlog_msg *e, struct sbuf *out)
{
    int skip = e->transport == TRK_UDP ? 6 : 5;          /* [0] dir [udp] proto imei type */
    size_t i = 0;
    for (int k = 0; k < skip && i < len; k++) {
        while (i < len && line[i] != ' ') i++;
        if (i < len) i++;
    }
    while (len > i && line[len - 1] == '\n') len--;
    if (e->status == TRK_OK && len >= i + 2 && memcmp(line + len - 2, "ok", 2) == 0) {
        len -= 2;
        while (len > i && line[len - 1] == ' ') len--;
    }
    sb_put(out, line + i, len - i);
}

/* a message rebuilt from a stored one, for the text renderer */
static const struct trk_msg *rebuild(const struct mlog_msg *e)
{
    static struct trk_msg m;
    m.proto = e->proto;
    m.dir = (enum trk_dir)e->dir;
    m.transport = e->transport;
    m.type = e->type;
    snprintf(m.imei, sizeof m.imei, "%s", e->imei);
    m.status = (enum trk_status)e->status;
    snprintf(m.problem, sizeof m.problem, "%s", e->problem);
    m.has_problem_span = e->has_problem_span;
    m.problem_off = e->problem_off;
    m.problem_len = e->problem_len;
    m.nfield = e->nfield;
    memcpy(m.field, e->field, e->nfield * sizeof *e->field);
    m.nrec = e->nrec;
    memcpy(m.rec, e->rec, e->nrec * sizeof *e->rec);
    m.nio = e->nio;
    memcpy(m.io, e->io, e->nio * sizeof *e->io);
    m.raw = NULL;
    m.rawlen = 0;
    return &m;
}

void msglog_summary(const struct mlog_msg *e, struct sbuf *out)
{
    static struct sbuf line;
    struct print_opts o = {0};
    sb_reset(&line);
    render_text(&line, rebuild(e), NULL, &o);
    summary_of(line.p, line.len, e, out);
}

void msglog_detail(const struct mlog_msg *e, struct sbuf *out)
{
    static struct sbuf line;
    struct print_opts o = {.verbose = true};
    for (size_t i = 0; i < e->nfield; i++) {
        sb_printf(out, "%s=", e->field[i].key);
        sb_text_str(out, e->field[i].val, strlen(e->field[i].val));
        sb_putc(out, '\n');
    }
    sb_reset(&line);
    render_text(&line, rebuild(e), NULL, &o);
    const char *nl = memchr(line.p, '\n', line.len);
    for (size_t i = nl ? (size_t)(nl - line.p) + 1 : line.len; i < line.len;) {   /* "    record N: ..." */
        while (i < line.len && line.p[i] == ' ') i++;
        const char *e2 = memchr(line.p + i, '\n', line.len - i);
        size_t n = e2 ? (size_t)(e2 - (line.p + i)) : line.len - i;
        sb_put(out, line.p + i, n);
        sb_putc(out, '\n');
        i += n + 1;
    }
}

/* the strings a stored message keeps: field values, IO hex values */
static size_t strings_size(const struct trk_msg *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nfield; i++) n += strlen(m->field[i].val) + 1;
    for (size_t i = 0; i < m->nio; i++)
        if (m->io[i].hex) n += strlen(m->io[i].hex) + 1;
    return n;
}

static char *keep_str(char **p, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = *p;
    memcpy(d, s, n);
    *p += n;
    return d;
}

void msglog_add(struct logq *q, const struct trk_msg *m, const struct conn *c)
{
    size_t plen = m->status != TRK_OK ? strlen(m->problem) : 0;
    size_t rawkept = m->raw ? (m->rawlen < MSGLOG_RAW_MAX ? m->rawlen : MSGLOG_RAW_MAX) : 0;
    size_t size = sizeof(struct mlog_msg) + m->nfield * sizeof(struct trk_field) +
                  m->nrec * sizeof(struct trk_record) + m->nio * sizeof(struct trk_io) + strings_size(m) +
                  plen + 1 + rawkept;
    struct mlog_msg *e = malloc(size);
    if (!e) { q->evicted++; return; }
    memset(e, 0, sizeof *e);
    /* the arrays first (aligned after the header), then the strings and the bytes */
    struct trk_field *f = (struct trk_field *)(e + 1);
    struct trk_record *r = (struct trk_record *)(f + m->nfield);
    struct trk_io *io = (struct trk_io *)(r + m->nrec);
    char *s = (char *)(io + m->nio);
    for (size_t i = 0; i < m->nfield; i++) {
        f[i] = m->field[i];
        f[i].val = keep_str(&s, m->field[i].val);
    }
    memcpy(r, m->rec, m->nrec * sizeof *r);
    for (size_t i = 0; i < m->nio; i++) {
        io[i] = m->io[i];
        if (m->io[i].hex) io[i].hex = keep_str(&s, m->io[i].hex);
    }
    e->field = f;
    e->nfield = m->nfield;
    e->rec = r;
    e->nrec = m->nrec;
    e->io = io;
    e->nio = m->nio;
    e->problem = s;
    memcpy(s, m->problem, plen);
    s[plen] = 0;
    s += plen + 1;
    if (m->status != TRK_OK && m->has_problem_span) {
        e->has_problem_span = true;
        e->problem_off = m->problem_off;
        e->problem_len = m->problem_len;
    }
    e->raw = (const uint8_t *)s;
    if (rawkept) memcpy(s, m->raw, rawkept);
    e->rawlen = m->raw ? m->rawlen : 0;
    e->rawkept = rawkept;
    e->id = ++next_id;
    e->ts_ns = m->ts_ns;
    e->conn_id = m->conn_id;
    e->seq = m->seq;
    e->dir = (uint8_t)m->dir;
    e->status = (uint8_t)m->status;
    e->transport = (uint8_t)m->transport;
    e->proto = m->proto;
    e->type = m->type;
    snprintf(e->imei, sizeof e->imei, "%s", m->imei);
    if (c) { e->cli = c->cli; e->srv = c->srv; }
    if (m->dir == TRK_DOWN) e->ack = m->ack;
    e->node.bytes = size;
    q->pool = &msglog_pool;
    logq_push(q, &e->node);
}

void msglog_verdict(struct logq *q, uint64_t conn_id, uint32_t seq, const struct trk_ack *a)
{
    for (struct lognode *n = q->tail; n; n = n->prev) {
        struct mlog_msg *e = (struct mlog_msg *)n;
        if (e->conn_id == conn_id && e->seq == seq && e->dir == TRK_UP) {
            e->ack = *a;
            e->acked = true;
            return;
        }
        if (e->conn_id == conn_id && e->seq < seq) return;
    }
}

size_t msglog_list(const struct logq *q, uint64_t max_id, const struct mlog_msg ***out, size_t *cap)
{
    if (*cap < q->n) {
        const struct mlog_msg **v = realloc(*out, (q->n + 16) * sizeof *v);
        if (!v) return 0;
        *out = v;
        *cap = q->n + 16;
    }
    size_t k = 0;
    for (const struct lognode *n = q->head; n; n = n->next) {
        const struct mlog_msg *e = (const struct mlog_msg *)n;
        if (max_id && e->id > max_id) break;
        (*out)[k++] = e;
    }
    return k;
}

/* ---- packets ---- */

struct pkt {
    struct lognode node;               /* first member */
    struct pcap_pkthdr h;
    uint8_t data[];
};

void pktlog_setup(size_t per_device_bytes, size_t max_bytes)
{
    pktlog_pool.q_max_bytes = per_device_bytes;
    pktlog_pool.max_bytes = max_bytes;
}

void pktlog_add(struct logq *q, const struct raw_frame *f)
{
    size_t size = sizeof(struct pkt) + f->caplen;
    struct pkt *p = malloc(size);
    if (!p) { q->evicted++; return; }
    memset(&p->node, 0, sizeof p->node);
    p->h = *(const struct pcap_pkthdr *)f->hdr;
    memcpy(p->data, f->data, f->caplen);
    p->node.bytes = size;
    q->pool = &pktlog_pool;
    logq_push(q, &p->node);
}

void pktlog_move(struct logq *to, struct logq *from)
{
    to->pool = &pktlog_pool;
    to->evicted += from->evicted;
    from->evicted = 0;
    while (from->head) {
        struct lognode *n = from->head;
        /* leave the pool's order (capture order) as it is; change the owner */
        if (n->next) n->next->prev = NULL; else from->tail = NULL;
        from->head = n->next;
        from->n--;
        from->bytes -= n->bytes;
        n->q = to;
        n->next = NULL;
        n->prev = to->tail;
        if (to->tail) to->tail->next = n; else to->head = n;
        to->tail = n;
        to->n++;
        to->bytes += n->bytes;
    }
    /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): evict frees the head, the loop reads the next one */
    while (to->head && to->head != to->tail && pktlog_pool.q_max_bytes && to->bytes > pktlog_pool.q_max_bytes)
        evict(to->head);   /* NOLINT(clang-analyzer-unix.Malloc) */
}

void pktlog_clear(struct logq *q)
{
    while (q->head) logq_remove(q->head);   /* NOLINT(clang-analyzer-unix.Malloc): as above */
}

struct pktref { const struct pkt *p; size_t i; };

static int by_time(const void *a, const void *b)
{
    const struct pktref *x = a, *y = b;
    if (x->p->h.ts.tv_sec != y->p->h.ts.tv_sec) return x->p->h.ts.tv_sec < y->p->h.ts.tv_sec ? -1 : 1;
    if (x->p->h.ts.tv_usec != y->p->h.ts.tv_usec) return x->p->h.ts.tv_usec < y->p->h.ts.tv_usec ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

int pktlog_write(const struct logq *q, struct pcap *src, const char *path, size_t *written,
                 char *err, size_t errlen)
{
    *written = 0;
    struct pktref *v = malloc((q->n ? q->n : 1) * sizeof *v);
    if (!v) { snprintf(err, errlen, "out of memory"); return -1; }
    size_t n = 0;
    for (const struct lognode *x = q->head; x; x = x->next, n++) v[n] = (struct pktref){(const struct pkt *)x, n};
    qsort(v, n, sizeof *v, by_time);
    pcap_dumper_t *d = pcap_dump_open((pcap_t *)src, path);
    if (!d) {
        snprintf(err, errlen, "cannot write '%s': %s", path, pcap_geterr((pcap_t *)src));
        free(v);
        return -1;
    }
    for (size_t i = 0; i < n; i++) pcap_dump((u_char *)d, &v[i].p->h, v[i].p->data);
    free(v);
    int rc = 0;
    if (pcap_dump_flush(d) != 0 || ferror(pcap_dump_file(d))) {
        snprintf(err, errlen, "write error on '%s'", path);
        rc = -1;
    }
    pcap_dump_close(d);
    if (rc == 0) *written = n;
    return rc;
}
