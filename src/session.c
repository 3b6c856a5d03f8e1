/* session.c: the session layer.  One session per TCP connection or UDP peer
 * pair: picks the dissector (port map, else probing with --auto), frames each
 * direction, binds the identity learned at login to every later message of the
 * connection, and hands messages on.  Bytes it cannot frame are reported, never
 * dropped silently. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acks.h"
#include "framer.h"
#include "noise.h"
#include "session.h"

#define UNKNOWN_SHOWN 2048     /* bytes of an unrecognised chunk kept for the hex dump */
#define PROBE_MIN_CONF 60      /* --auto: a flow is this protocol from here on */
#define PROBE_SWITCH_CONF 80   /* a mapped port carrying another protocol, unmistakably */
#define PROBE_MAPPED_LOW 30    /* ... while the mapped protocol does not fit at all */

struct session {
    const struct dissector *d;
    const struct dissector *mapped;   /* what the port map says, when d differs */
    const char *noise;                /* what the bytes of an unrecognised flow look like */
    bool decided;
    struct trk_state st;
    struct framer fr[2];
    char imei[TRK_IMEI_MAX];
    uint32_t seq;                     /* messages of this connection so far */
    struct ack_ledger acks;
};

static struct {
    const struct portmap *pm;
    struct session_out out;
    struct session_stats st;
    struct trk_msg m;
} S;

void session_setup(const struct portmap *pm, const struct session_out *out)
{
    memset(&S.st, 0, sizeof S.st);
    S.pm = pm;
    S.out = *out;
}

void session_get_stats(struct session_stats *s) { *s = S.st; }

void session_open(void *ctx, struct conn *c)
{
    struct session *s = calloc(1, sizeof *s);
    if (!s) { fprintf(stderr, "trackdump: out of memory for a session\n"); exit(1); }
    s->st.transport = c->transport;
    framer_init(&s->fr[0]);
    framer_init(&s->fr[1]);
    s->d = portmap_get(S.pm, c->srv.port, c->transport);
    c->app = s;
}

void session_bind_identity(char *conn_imei, size_t n, struct trk_msg *m)
{
    if (m->imei[0]) {
        /* a malformed message's identity may be garbage: it is shown, not learnt */
        if (m->status != TRK_MALFORMED && strcmp(conn_imei, m->imei) != 0) snprintf(conn_imei, n, "%s", m->imei);
    } else if (conn_imei[0]) {
        size_t k = strnlen(conn_imei, n);
        if (k >= sizeof m->imei) k = sizeof m->imei - 1;
        memcpy(m->imei, conn_imei, k);
        m->imei[k] = 0;
        m->imei_from_session = true;
    }
}

struct unanswered_ctx { struct session *s; const struct conn *c; };

static void unanswered(void *ctx, const struct trk_ack *a)
{
    const struct unanswered_ctx *u = ctx;
    S.st.unanswered++;
    if (S.out.unanswered) S.out.unanswered(S.out.ctx, a, u->s->imei, u->c);
}

static void emit(struct session *s, struct conn *c, struct trk_msg *m, int64_t ts)
{
    struct unanswered_ctx u = {s, c};
    m->ts_ns = ts;
    m->conn_id = c->id;
    m->seq = ++s->seq;
    session_bind_identity(s->imei, sizeof s->imei, m);
    S.st.msgs[m->status]++;
    acks_expire(&s->acks, ts, SESSION_ACK_TIMEOUT_NS, unanswered, &u);
    if (m->dir == TRK_UP) acks_request(&s->acks, m, unanswered, &u);
    else acks_reply(&s->acks, m);
    S.out.message(S.out.ctx, m, c);
}

static void emit_unknown(struct session *s, struct conn *c, enum trk_dir d, const uint8_t *p,
                         size_t n, int64_t ts)
{
    struct trk_msg *m = &S.m;
    msg_reset(m);
    m->proto = "unknown";
    m->dir = d;
    m->transport = c->transport;
    m->type = "data";
    m->status = TRK_UNKNOWN;
    snprintf(m->problem, sizeof m->problem, "no tracker protocol recognised%s%s (%zu bytes%s)",
             s->noise ? ": looks like " : "", s->noise ? s->noise : "", n,
             n > UNKNOWN_SHOWN ? ", first 2048 shown" : "");
    m->raw = p;
    m->rawlen = n > UNKNOWN_SHOWN ? UNKNOWN_SHOWN : n;
    m->has_problem_span = m->rawlen > 0;      /* none of the bytes is understood */
    m->problem_off = 0;
    m->problem_len = m->rawlen;
    emit(s, c, m, ts);
}

/* a port mapped to one protocol carries another: say so once per connection */
static void note_mismatch(struct session *s, struct conn *c, enum trk_dir d, int64_t ts)
{
    struct trk_msg *m = &S.m;
    msg_reset(m);
    m->proto = s->d->name;
    m->dir = d;
    m->transport = c->transport;
    m->type = "protocol-mismatch";
    msg_field_int(m, "port", c->srv.port);
    msg_field_str(m, "mapped", "%s", s->mapped->name);
    msg_field_str(m, "detected", "%s", s->d->name);
    S.st.mismatches++;
    emit(s, c, m, ts);
}

/* Which dissector reads this flow, from its first bytes: the port map's, unless
 * they are unmistakably another protocol (a device pointed at the wrong port) or
 * plainly not tracker traffic; on unmapped ports (--auto) the best probe. */
static void decide(struct session *s, struct conn *c, enum trk_dir d, const uint8_t *p, size_t n,
                   int64_t ts)
{
    const struct dissector *mapped = s->d;
    int conf = 0;
    s->decided = true;
    if (mapped && d == TRK_DOWN) return;          /* the server spoke first: trust the map */
    const struct dissector *best = dissector_probe(p, n, c->transport, 1, &conf);
    if (mapped) {
        int mc = mapped->probe ? mapped->probe(p, n, c->transport) : 0;
        if (mc >= PROBE_MAPPED_LOW) return;
        if (best && best != mapped && conf >= PROBE_SWITCH_CONF) {
            s->mapped = mapped;
            s->d = best;
            note_mismatch(s, c, d, ts);
            return;
        }
        s->noise = noise_kind(p, n);
        if (s->noise) { s->d = NULL; S.st.unknown_flows++; }
        return;
    }
    if (best && conf >= PROBE_MIN_CONF) { s->d = best; return; }
    s->noise = noise_kind(p, n);
    S.st.unknown_flows++;
}

void session_data(void *ctx, struct conn *c, enum trk_dir d, const uint8_t *p, size_t n,
                  size_t gap, int64_t ts)
{
    struct session *s = c->app;
    if (!s) return;
    if (gap) {
        if (framer_gap(&s->fr[d], s->d, d, c->transport, gap, &S.m)) emit(s, c, &S.m, ts);
    }
    if (n == 0) return;
    if (!s->decided) decide(s, c, d, p, n, ts);
    if (!s->d) { emit_unknown(s, c, d, p, n, ts); return; }
    struct framer *f = &s->fr[d];
    framer_begin(f, p, n);
    while (framer_next(f, s->d, &s->st, d, &S.m)) emit(s, c, &S.m, ts);
    framer_end(f);
}

void session_datagram(void *ctx, struct conn *c, enum trk_dir d, const uint8_t *p, size_t n,
                      int64_t ts)
{
    struct session *s = c->app;
    if (!s) return;
    if (!s->decided) decide(s, c, d, p, n, ts);
    if (!s->d) { emit_unknown(s, c, d, p, n, ts); return; }
    framer_decode(s->d, &s->st, d, TRK_UDP, p, n, &S.m);
    emit(s, c, &S.m, ts);
}

void session_close(void *ctx, struct conn *c, enum conn_close_why why, int64_t ts)
{
    struct session *s = c->app;
    if (!s) return;
    for (int d = 0; d < 2; d++) {
        struct framer *f = &s->fr[d];
        if (s->d)
            while (framer_flush(f, s->d, &s->st, (enum trk_dir)d, &S.m)) emit(s, c, &S.m, ts);
        S.st.gap_dropped += f->gap_dropped;
        S.st.resyncs += f->n_resyncs;
        S.st.skipped += f->n_skipped;
        framer_free(f);
    }
    struct unanswered_ctx u = {s, c};
    acks_expire(&s->acks, ts, SESSION_ACK_TIMEOUT_NS, unanswered, &u);
    acks_close(&s->acks, why == CLOSE_END, unanswered, &u);
    free(s);
    c->app = NULL;
}
