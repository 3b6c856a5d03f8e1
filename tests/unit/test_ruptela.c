/* test_ruptela.c: unit tests of the Ruptela dissector: records (command 1 and extended 68),
 * identification, SMS answers, DTC codes, server ACKs, CRC and length problems, framing
 * byte by byte, several messages in one chunk, garbage, and the probe. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dtest.h"

extern const struct dissector dissector_ruptela;
static const struct dissector *const D = &dissector_ruptela;

/* u16be length + body + CRC-16/KERMIT as hex */
static const char *mkframe(const char *body_hex)
{
    static char out[4096];
    unsigned char b[1500], c[1400];
    size_t bl = check_unhex(body_hex, c, sizeof c), n = 0;
    b[n++] = (unsigned char)(bl >> 8);
    b[n++] = (unsigned char)bl;
    memcpy(b + n, c, bl);
    n += bl;
    uint16_t crc = crc16_kermit(c, bl);
    b[n++] = (unsigned char)(crc >> 8);
    b[n++] = (unsigned char)crc;
    return dt_hex(b, n, out, sizeof out);
}

/* corpus ruptela-004: one standard record */
static const char *REC1 =
    "00800003167d765c155d01000160cd0a310000faae43f7176ee45702332b0c12000006070d05007300cfff2600"
    "82008600870088000f00d7021100d801c900061d0000c500001e0e988300008900008b000002d0000c9bca720c"
    "889a0b047e00000000000000007f0000000000000000800000000000000000810000000000000000a341";

static void test_records(void)
{
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, REC1, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "869153042601309");
    CHECK_STR(F(m, "command"), "1");
    CHECK_STR(F(m, "records"), "1");
    CHECK_STR(F(m, "hdop"), "0.6");
    CHECK_STR(F(m, "event_id"), "7");
    CHECK_INT(m->nrec, 1);
    struct trk_record *r = &m->rec[0];
    CHECK_INT(r->time_ms, 0x60cd0a31LL * 1000);
    CHECK_NEAR(r->lon, (int32_t)0xfaae43f7 / 1e7, 1e-9);
    CHECK_NEAR(r->lat, 0x176ee457 / 1e7, 1e-9);
    CHECK_NEAR(r->alt, 0x0233 / 10.0, 1e-9);
    CHECK_NEAR(r->course, 0x2b0c / 100.0, 1e-9);
    CHECK_INT(r->sats, 18);
    CHECK_NEAR(r->speed, 0, 1e-9);
    CHECK(r->valid);
    CHECK_INT(r->io_count, 25);
    CHECK_INT(m->io[0].id, 5);
    CHECK_INT(m->io[0].len, 1);
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 100);
    CHECK_INT(m->want_reply.count, 1);

    /* ruptela-016: five records, no IO */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "009200000c07a6bacd4701000552db5cc20000187b8b251ace478e087c044c0a000009070000000052db5cfe0000187b8ab01ace47190879044c0900000b070000000052db5d3a0000187b8b251ace474b089d044c09000009070000000052db5d760000187b8b9a1ace475c08cd044c08000009070000000052db5db20000187b8b141ace46e708b3044c08000009070000000041cb", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->nrec, 5);
    CHECK_STR(m->imei, "013227001564487");
    CHECK_INT(m->rec[4].time_ms / 1000, 0x52db5db2);
    CHECK_NEAR(m->rec[1].lat, 0x1ace4719 / 1e7, 1e-9);
    CHECK_INT(m->want_reply.count, 5);
}

static void test_extended_and_nofix(void)
{
    /* ruptela-012 rebuilt as command 68 is not available; use ruptela-014 (two records) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "00a10003116e7438a7a5010002553dddbe000020fddaff0f12289b007200000600000c070805011b18cf00020003001c01201dad01041d32d81e0d7d160000c50000047200000000d000000000410000b1ae960000a5a300553dddd4000020fdd96f0f122bfe005c16f80700050b090805011b18cf00020003001c01201ead01041d338a1e0d8d160000c50000047200000000d000000000410000b1bd960000a5a3001681", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].nrec, 2);
    CHECK_NEAR(msgs[0].rec[1].speed, 5, 1e-9);
    CHECK_NEAR(msgs[0].rec[1].course, 58.8, 1e-9);

    /* an extended (68) record built by hand: u16 event and IO ids, 8-byte group */
    const char *body =
        "0003116e7438a7a5" "44" "00" "01"
        "5f5e1000" "00" "01" "00" "80000000" "80000000" "0000" "0000" "00" "0000" "00" "0102"
        "01" "0010" "01"      /* one 1-byte IO: id 16 = 1 */
        "00" "00"
        "01" "00c8" "0102030405060708";
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkframe(body), 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(F(m, "command"), "68");
    CHECK_STR(F(m, "event_id"), "258");
    CHECK_STR(F(m, "record_ext"), "1");
    CHECK_INT(m->nrec, 1);
    CHECK(!(m->rec[0].has & TRK_R_POS));          /* 0x80000000: no fix */
    CHECK(m->rec[0].has & TRK_R_TIME);
    CHECK(!m->rec[0].valid);
    CHECK_INT(m->nio, 2);
    CHECK_INT(m->io[0].id, 16);
    CHECK_INT(m->io[0].u, 1);
    CHECK_INT(m->io[1].id, 200);
    CHECK_INT(m->io[1].len, 8);
    CHECK_INT(m->io[1].u, 0x0102030405060708LL);
}

static void test_other_commands(void)
{
    /* identification (ruptela-006) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "002e000315bc70d3e2ff0f4f42443130302e30312e30382e30300000c2b30ea77e430000601b000001f40000003c00144aa0", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "login");
    CHECK_STR(m->imei, "868324021101311");
    CHECK_STR(F(m, "device"), "OBD100.01.08.00");
    CHECK_INT(m->want_reply.key, 115);

    /* SMS via GPRS answer (ruptela-008) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "0044000313612d76c5cb0744494e313d312c44494e323d302c44494e333d302c44494e343d302c444f5554313d312c444f5554323d312c41494e313d31372c41494e323d3236ac80", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "command-reply");
    CHECK_STR(F(m, "text"), "DIN1=1,DIN2=0,DIN3=0,DIN4=0,DOUT1=1,DOUT2=1,AIN1=17,AIN2=26");

    /* heartbeat built by hand */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkframe("0003116e7438a7a510"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK_INT(msgs[0].want_reply.key, 116);

    /* an unknown command with a good CRC */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkframe("0003116e7438a7a563aabb"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported command 99");
    CHECK_STR(msgs[0].imei, "863591024076709");
}

static void test_server(void)
{
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "00026401 13bc", 0, TRK_DOWN), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK(m->is_reply.set);
    CHECK(m->is_reply.accept);
    CHECK_INT(m->is_reply.key, 100);
    CHECK_STR(F(m, "result"), "accepted");

    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "00026d01c4a4", 0, TRK_DOWN), 1);
    CHECK_STR(F(&msgs[0], "ack_for"), "9");

    /* DTC ACK and a rejected records ACK, in one chunk */
    char two[64];
    snprintf(two, sizeof two, "00026d01c4a4%s", mkframe("6400"));
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, two, 0, TRK_DOWN), 2);
    CHECK_INT(msgs[0].is_reply.key, 109);      /* field texts live in the last message only */
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK(!msgs[1].is_reply.accept);
    CHECK_STR(F(&msgs[1], "ack_for"), "1");
    CHECK_STR(F(&msgs[1], "result"), "rejected");

    /* a bad CRC on an ACK */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "0002640113bd", 0, TRK_DOWN), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "crc mismatch: field 0x13BD, computed 0x13BC");
    CHECK_SPAN(&msgs[0], 4, 2);                        /* after the length and 2 bytes */
    CHECK_STR(dt_span_hex(&msgs[0]), "13bd");
}

static void test_problems(void)
{
    /* ruptela-007: the length field says 17, the CRC sits at the real end */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "0011000315a07f440b1d07534554494f20636f6e66696775726174696f6e2064617461206f6b341c", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_MALFORMED);
    CHECK_STR(m->problem, "length field says 17, frame has 36");
    CHECK_SPAN(m, 0, 2);
    CHECK_STR(F(m, "text"), "SETIO configuration data ok");
    CHECK_INT(m->rawlen, 40);

    /* ruptela-009 (DTC) with the same fault: records still decoded */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "000b00000b1a29f64b1a0902ff4e9caf2c07d608f11a1480ba015030303130ff4e9caf2c07d608f11a1480ba0250303031318c91", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_MALFORMED);
    CHECK_STR(m->problem, "length field says 11, frame has 48");
    CHECK_STR(m->type, "event");
    CHECK_INT(m->nrec, 2);
    CHECK_NEAR(m->rec[0].lat, 0x1a1480ba / 1e7, 1e-9);
    CHECK_NEAR(m->rec[0].lon, 0x07d608f1 / 1e7, 1e-9);
    CHECK_STR(F(m, "dtc"), "P0010");

    /* bad CRC */
    char bad[600];
    snprintf(bad, sizeof bad, "%s", REC1);
    size_t k = strlen(bad);
    bad[k - 1] = '2';                                  /* ...a341 -> ...a342 */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, bad, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "crc mismatch: field 0xA342, computed 0xA341");
    CHECK_INT(msgs[0].nrec, 1);
    CHECK_SPAN(&msgs[0], msgs[0].rawlen - 2, 2);
    CHECK_STR(dt_span_hex(&msgs[0]), "a342");

    /* record area cut short inside a good envelope */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkframe("0003116e7438a7a5010001" "5f5e1000"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    /* the record's second field would start where the records end (17, the CRC
     * follows): none of its bytes is there, no range */
    CHECK_STR(msgs[0].problem, "truncated at offset 17");
    CHECK_SPAN(&msgs[0], 0, 0);
    /* 3 of the 4 time bytes there: they are the range (length 2, IMEI 8, command,
     * records left, count, then the time at 13) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkframe("0003116e7438a7a5010001" "5f5e10"), 0, TRK_UP), 1);
    CHECK_STR(msgs[0].problem, "truncated at offset 13");
    CHECK_SPAN(&msgs[0], 13, 3);
    CHECK_STR(dt_span_hex(&msgs[0]), "5f5e10");

    /* bytes left over after the records */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkframe("0003116e7438a7a5010000" "aa"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "1 bytes left over after 0 records at offset 13");

    /* a stream that ends inside a frame (capture, not whole input) */
    struct trk_state st = dt_state(TRK_TCP);
    CHECK_INT(dt_feed_hex_state(D, &st, DT_STREAM, "00800003167d765c155d01000160cd0a", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
}

static void test_framing(void)
{
    char both[2048];
    const char *hb = mkframe("0003116e7438a7a510");
    char hbc[64];
    snprintf(hbc, sizeof hbc, "%s", hb);
    snprintf(both, sizeof both, "%s%s%s", REC1, hbc, REC1);
    struct trk_state st = dt_state(TRK_TCP);
    CHECK_INT(dt_feed_hex_state(D, &st, DT_STREAM, both, 1, TRK_UP), 3);
    CHECK_STR(msgs[0].type, "position");
    CHECK_INT(msgs[0].rawlen, 132);
    CHECK_STR(msgs[1].type, "heartbeat");
    CHECK_INT(msgs[1].rawlen, 13);
    CHECK_INT(msgs[2].status, TRK_OK);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, both, 0, TRK_UP), 3);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, both, 5, TRK_UP), 3);
    CHECK_INT(msgs[2].rec[0].sats, 18);

    /* garbage before a frame */
    char garb[600];
    snprintf(garb, sizeof garb, "ffee01%s", REC1);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, garb, 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_CONTAINS(msgs[0].problem, "3 bytes skipped");
    CHECK_INT(msgs[1].status, TRK_OK);

    /* frame() directly */
    unsigned char b[200];
    size_t n = check_unhex(REC1, b, sizeof b);
    for (size_t i = 0; i < n; i++) CHECK_INT(D->frame(b, i, TRK_UP, &st), 0);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), 132);
    n = check_unhex("0005", b, sizeof b);              /* length < 9: skipped */
    CHECK(D->frame(b, n, TRK_UP, &st) < 0);
    n = check_unhex("00800103", b, sizeof b);          /* IMEI above 15 digits */
    CHECK(D->frame(b, n, TRK_UP, &st) < 0);
    n = check_unhex("000264", b, sizeof b);
    CHECK_INT(D->frame(b, n, TRK_DOWN, &st), 0);
}

static void test_probe(void)
{
    unsigned char b[200];
    size_t n = check_unhex(REC1, b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 90);
    CHECK_INT(D->probe(b, n, TRK_UDP), 0);
    CHECK(D->probe(b, 11, TRK_TCP) < 50);
    b[n - 1] ^= 1;
    CHECK(D->probe(b, n, TRK_TCP) < 50);
    n = check_unhex("000f333536333037303432343431303133", b, sizeof b);   /* Teltonika login */
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
    n = check_unhex("474554202f20485454502f312e310d0a", b, sizeof b);
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
    CHECK_STR(D->name, "ruptela");
    CHECK_INT(D->ports[0], 5046);
    CHECK_INT(D->transports, TRK_TCP);
}

int main(void)
{
    test_records();
    test_extended_and_nofix();
    test_other_commands();
    test_server();
    test_problems();
    test_framing();
    test_probe();
    return check_done("ruptela");
}
