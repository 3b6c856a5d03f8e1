/* test_acks.c: the request/ACK ledger: pairing, latency, wrong counts and
 * serials, rejections, resends, pipelined requests, close and capture end. */
#include "acks.h"
#include "check.h"

static struct trk_msg M;
static struct trk_ack missed[8];
static int nmissed;

static void on_missing(void *ctx, const struct trk_ack *a)
{
    if (nmissed < 8) missed[nmissed] = *a;
    nmissed++;
}

static struct trk_msg *request(uint32_t seq, int64_t ms, uint32_t key, uint32_t count, const char *bytes)
{
    msg_reset(&M);
    M.dir = TRK_UP;
    M.type = "position";
    M.seq = seq;
    M.ts_ns = ms * 1000000;
    M.want_reply.set = true;
    M.want_reply.key = key;
    M.want_reply.count = count;
    M.raw = (const uint8_t *)bytes;
    M.rawlen = strlen(bytes);
    return &M;
}

static struct trk_msg *reply(int64_t ms, uint32_t key, uint32_t count, bool counted, bool accept)
{
    msg_reset(&M);
    M.dir = TRK_DOWN;
    M.type = "ack";
    M.ts_ns = ms * 1000000;
    M.is_reply.set = true;
    M.is_reply.key = key;
    M.is_reply.count = count;
    M.is_reply.counted = counted;
    M.is_reply.accept = accept;
    return &M;
}

int main(void)
{
    struct ack_ledger l = {0};

    /* answered after 12 ms, right count */
    acks_request(&l, request(1, 1000, 0, 3, "a"), on_missing, NULL);
    acks_reply(&l, reply(1012, 0, 3, true, true));
    CHECK_INT(M.ack.verdict, TRK_ACK_OK);
    CHECK_INT(M.ack.req_seq, 1);
    CHECK_INT(M.ack.latency_ns, 12000000);
    CHECK_INT(l.n, 0);

    /* Teltonika-style count mismatch: acknowledged 2 of 3 */
    acks_request(&l, request(2, 2000, 0, 3, "b"), on_missing, NULL);
    acks_reply(&l, reply(2005, 0, 2, true, true));
    CHECK_INT(M.ack.verdict, TRK_ACK_WRONG);
    CHECK_STR(M.ack.detail, "acknowledged 2 records, the device sent 3");

    /* a count the reply does not carry is not compared */
    acks_request(&l, request(3, 3000, 0, 3, "c"), on_missing, NULL);
    acks_reply(&l, reply(3001, 0, 1, false, true));
    CHECK_INT(M.ack.verdict, TRK_ACK_OK);

    /* login refused */
    acks_request(&l, request(4, 4000, 0, 0, "login"), on_missing, NULL);
    acks_reply(&l, reply(4003, 0, 0, false, false));
    CHECK_INT(M.ack.verdict, TRK_ACK_REJECTED);
    CHECK_INT(M.ack.latency_ns, 3000000);

    /* two requests in flight, answered in order (pipelining) */
    acks_request(&l, request(5, 5000, 0, 1, "d"), on_missing, NULL);
    acks_request(&l, request(6, 5001, 0, 2, "e"), on_missing, NULL);
    CHECK_INT(nmissed, 0);
    acks_reply(&l, reply(5010, 0, 1, true, true));
    CHECK_INT(M.ack.verdict, TRK_ACK_OK);
    CHECK_INT(M.ack.req_seq, 5);
    acks_reply(&l, reply(5011, 0, 2, true, true));
    CHECK_INT(M.ack.verdict, TRK_ACK_OK);
    CHECK_INT(M.ack.req_seq, 6);

    /* the same bytes sent again: the first copy was not answered */
    acks_request(&l, request(7, 7000, 0, 1, "same"), on_missing, NULL);
    acks_request(&l, request(8, 8000, 0, 1, "same"), on_missing, NULL);
    CHECK_INT(nmissed, 1);
    CHECK_INT(missed[0].verdict, TRK_ACK_MISSING);
    CHECK_INT(missed[0].cause, TRK_MISS_RESENT);
    CHECK_INT(missed[0].req_seq, 7);
    acks_reply(&l, reply(8002, 0, 1, true, true));
    CHECK_INT(M.ack.req_seq, 8);

    /* GT06-style keys (type << 16 | serial): a reply to a non-request is ignored,
     * one of the request's type with another serial is wrong */
    acks_request(&l, request(9, 9000, 0x13u << 16 | 7, 0, "hb"), on_missing, NULL);
    acks_reply(&l, reply(9001, 0x22u << 16 | 6, 0, false, true));
    CHECK_INT(M.ack.verdict, TRK_ACK_NONE);
    CHECK_INT(l.n, 1);
    acks_reply(&l, reply(9002, 0x13u << 16 | 8, 0, false, true));
    CHECK_INT(M.ack.verdict, TRK_ACK_WRONG);
    CHECK_CONTAINS(M.ack.detail, "0x130008");
    CHECK_INT(l.n, 0);

    /* a malformed reply is a wrong answer to the oldest request */
    acks_request(&l, request(10, 10000, 0x13u << 16 | 9, 0, "hb2"), on_missing, NULL);
    msg_reset(&M);
    M.dir = TRK_DOWN;
    M.ts_ns = 10004LL * 1000000;
    msg_malformed(&M, "crc mismatch");
    acks_reply(&l, &M);
    CHECK_INT(M.ack.verdict, TRK_ACK_WRONG);
    CHECK_STR(M.ack.detail, "the reply is malformed");

    /* timeout, close and capture end */
    nmissed = 0;
    acks_request(&l, request(11, 11000, 1, 0, "x"), on_missing, NULL);
    acks_request(&l, request(12, 50000, 2, 0, "y"), on_missing, NULL);
    acks_expire(&l, 45000LL * 1000000, 30LL * 1000000000, on_missing, NULL);
    CHECK_INT(nmissed, 1);
    CHECK_INT(missed[0].cause, TRK_MISS_TIMEOUT);
    CHECK_INT(missed[0].req_seq, 11);
    acks_close(&l, false, on_missing, NULL);
    CHECK_INT(nmissed, 2);
    CHECK_INT(missed[1].cause, TRK_MISS_CLOSED);
    acks_request(&l, request(13, 60000, 3, 0, "z"), on_missing, NULL);
    acks_close(&l, true, on_missing, NULL);
    CHECK_INT(missed[2].cause, TRK_MISS_END);
    CHECK_INT(l.n, 0);

    /* never more than ACKS_PENDING_MAX waiting */
    nmissed = 0;
    char b[ACKS_PENDING_MAX + 2][12];
    for (int i = 0; i < ACKS_PENDING_MAX + 1; i++) {
        snprintf(b[i], sizeof b[i], "%d", i);
        acks_request(&l, request((uint32_t)(100 + i), 70000 + i, 0, 0, b[i]), on_missing, NULL);
    }
    CHECK_INT(nmissed, 1);
    CHECK_INT(missed[0].cause, TRK_MISS_OVERFLOW);
    CHECK_INT(missed[0].req_seq, 100);
    CHECK_INT(l.n, ACKS_PENDING_MAX);
    return check_done("acks");
}
