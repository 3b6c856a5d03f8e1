/* acks.h: pairs the requests a device sends with the server's replies on one
 * connection (the request/ACK ledger).  A request is a message whose dissector
 * set want_reply; a reply is one that set is_reply.  The verdict goes on the
 * reply (msg.ack); requests that are never answered are handed to a callback. */
#ifndef TRK_ACKS_H
#define TRK_ACKS_H

#include <stdbool.h>
#include <stdint.h>

#include "msg.h"

#define ACKS_PENDING_MAX 16

struct ack_pending {
    uint32_t seq, key, count;
    uint64_t hash;          /* of the raw bytes: a resend has the same */
    int64_t ts_ns;
    const char *type;
};

struct ack_ledger {
    struct ack_pending p[ACKS_PENDING_MAX];
    unsigned n;
};

/* an unanswered request: a->verdict is TRK_ACK_MISSING, a->detail says why */
typedef void (*acks_missing_fn)(void *ctx, const struct trk_ack *a);

/* an up message: record it when it asks for a reply; an earlier identical
 * request (a resend) is missing */
void acks_request(struct ack_ledger *l, const struct trk_msg *m, acks_missing_fn fn, void *ctx);
/* a down message: when it answers a pending request, fill m->ack */
void acks_reply(struct ack_ledger *l, struct trk_msg *m);
/* requests older than `timeout_ns` at `now_ns` are missing */
void acks_expire(struct ack_ledger *l, int64_t now_ns, int64_t timeout_ns, acks_missing_fn fn, void *ctx);
/* the connection ended: every pending request is missing (TRK_MISS_END when
 * the capture ended, not the connection) */
void acks_close(struct ack_ledger *l, bool capture_end, acks_missing_fn fn, void *ctx);

const char *acks_verdict_name(enum trk_ack_verdict v);
const char *acks_cause_text(enum trk_ack_cause c);

#endif
