/* acks.c: the request/ACK ledger of one connection.  Requests wait in arrival
 * order (devices may send several before the first answer); a reply answers
 * the oldest request with its key.  A request sent again byte for byte means
 * the earlier copy was not answered.  A reply that fits no
 * request with its key, or that is malformed, is paired with the oldest request
 * as a wrong answer, so a server bug shows on the request it failed. */
#include <stdio.h>
#include <string.h>

#include "acks.h"

const char *acks_verdict_name(enum trk_ack_verdict v)
{
    switch (v) {
    case TRK_ACK_OK: return "ok";
    case TRK_ACK_WRONG: return "wrong";
    case TRK_ACK_REJECTED: return "rejected";
    case TRK_ACK_MISSING: return "missing";
    default: return "none";
    }
}

const char *acks_cause_text(enum trk_ack_cause c)
{
    switch (c) {
    case TRK_MISS_RESENT: return "the device sent it again";
    case TRK_MISS_TIMEOUT: return "no answer within the timeout";
    case TRK_MISS_CLOSED: return "the connection closed first";
    case TRK_MISS_OVERFLOW: return "too many requests waiting";
    case TRK_MISS_END: return "the capture ended first";
    default: return "unanswered";
    }
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static void drop(struct ack_ledger *l, unsigned i)
{
    memmove(&l->p[i], &l->p[i + 1], (l->n - i - 1) * sizeof l->p[0]);
    l->n--;
}

static void missing(struct ack_ledger *l, unsigned i, enum trk_ack_cause cause,
                    acks_missing_fn fn, void *ctx)
{
    struct trk_ack a;
    memset(&a, 0, sizeof a);
    a.verdict = TRK_ACK_MISSING;
    a.cause = (uint8_t)cause;
    a.req_seq = l->p[i].seq;
    a.req_ts_ns = l->p[i].ts_ns;
    a.req_type = l->p[i].type;
    snprintf(a.detail, sizeof a.detail, "%s", acks_cause_text(cause));
    drop(l, i);
    if (fn) fn(ctx, &a);
}

void acks_request(struct ack_ledger *l, const struct trk_msg *m, acks_missing_fn fn, void *ctx)
{
    if (m->dir != TRK_UP || !m->want_reply.set) return;
    uint64_t h = m->raw ? fnv1a(m->raw, m->rawlen) : 0;
    /* the same bytes again: the device gave up waiting for the earlier copy */
    for (unsigned i = 0; i < l->n;) {
        if (l->p[i].key == m->want_reply.key && l->p[i].hash == h) missing(l, i, TRK_MISS_RESENT, fn, ctx);
        else i++;
    }
    if (l->n == ACKS_PENDING_MAX) missing(l, 0, TRK_MISS_OVERFLOW, fn, ctx);
    struct ack_pending *p = &l->p[l->n++];
    p->seq = m->seq;
    p->key = m->want_reply.key;
    p->count = m->want_reply.count;
    p->hash = h;
    p->ts_ns = m->ts_ns;
    p->type = m->type;
}

void acks_reply(struct ack_ledger *l, struct trk_msg *m)
{
    if (m->dir != TRK_DOWN || l->n == 0) return;
    bool malformed = m->status == TRK_MALFORMED;
    if (!m->is_reply.set && !malformed) return;
    unsigned i = 0;
    bool keyed = false;
    if (m->is_reply.set)
        for (; i < l->n; i++)
            if (l->p[i].key == m->is_reply.key) { keyed = true; break; }
    if (!keyed && !malformed) {
        /* a reply of the oldest request's kind (the key's upper half: message type
         * where the protocol has one) with another serial is a wrong answer; any
         * other unmatched reply answers something that was not a request */
        for (i = 0; i < l->n; i++)
            if (l->p[i].key >> 16 == m->is_reply.key >> 16) break;
        if (i == l->n) return;
    } else if (!keyed) {
        i = 0;
    }
    const struct ack_pending *p = &l->p[i];
    struct trk_ack *a = &m->ack;
    memset(a, 0, sizeof *a);
    a->req_seq = p->seq;
    a->req_ts_ns = p->ts_ns;
    a->req_type = p->type;
    a->latency_ns = m->ts_ns > p->ts_ns ? m->ts_ns - p->ts_ns : 0;   /* capture time may go back */
    if (malformed) {
        a->verdict = TRK_ACK_WRONG;
        snprintf(a->detail, sizeof a->detail, "the reply is malformed");
    } else if (!keyed) {
        a->verdict = TRK_ACK_WRONG;
        snprintf(a->detail, sizeof a->detail, "the reply is for key 0x%X, the request had 0x%X",
                 (unsigned)m->is_reply.key, (unsigned)p->key);
    } else if (!m->is_reply.accept) {
        a->verdict = TRK_ACK_REJECTED;
    } else if (m->is_reply.counted && p->count && m->is_reply.count != p->count) {
        a->verdict = TRK_ACK_WRONG;
        snprintf(a->detail, sizeof a->detail, "acknowledged %u records, the device sent %u",
                 (unsigned)m->is_reply.count, (unsigned)p->count);
    } else {
        a->verdict = TRK_ACK_OK;
    }
    drop(l, i);
}

void acks_expire(struct ack_ledger *l, int64_t now_ns, int64_t timeout_ns, acks_missing_fn fn, void *ctx)
{
    while (l->n && now_ns - l->p[0].ts_ns > timeout_ns)
        missing(l, 0, TRK_MISS_TIMEOUT, fn, ctx);
}

void acks_close(struct ack_ledger *l, bool capture_end, acks_missing_fn fn, void *ctx)
{
    while (l->n) missing(l, 0, capture_end ? TRK_MISS_END : TRK_MISS_CLOSED, fn, ctx);
}
