/* test_meiligao.c: unit tests of the Meiligao dissector: framing through the
 * framer (split, batched, garbage, wrong length fields), CRC and 0xFFFF
 * placeholders, and the decoded values of logins and their answers,
 * heartbeats, positions, alarms, batches, RFID and OBD messages. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dtest.h"

extern const struct dissector dissector_meiligao;
static const struct dissector *const D = &dissector_meiligao;

/* a frame as hex: header, length, ID (7 bytes hex), command, data, CRC, 0D 0A;
 * crc_mode 0 = right CRC, 1 = 0xFFFF, 2 = wrong CRC */
static const char *mkframe(bool server, const char *id_hex, unsigned cmd, const char *data_hex, int crc_mode)
{
    static char out[8192];
    unsigned char b[4000], d[3800];
    size_t dl = check_unhex(data_hex, d, sizeof d), n = 0;
    size_t len = 2 + 2 + 7 + 2 + dl + 2 + 2;
    b[n++] = server ? '@' : '$';
    b[n++] = server ? '@' : '$';
    b[n++] = (unsigned char)(len >> 8);
    b[n++] = (unsigned char)len;
    n += check_unhex(id_hex, b + n, 7);
    b[n++] = (unsigned char)(cmd >> 8);
    b[n++] = (unsigned char)cmd;
    memcpy(b + n, d, dl);
    n += dl;
    uint16_t crc = crc_mode == 1 ? 0xFFFF : (uint16_t)(crc16_ccitt_false(b, n) ^ (crc_mode == 2 ? 0x0101 : 0));
    b[n++] = (unsigned char)(crc >> 8);
    b[n++] = (unsigned char)crc;
    b[n++] = 0x0D;
    b[n++] = 0x0A;
    return dt_hex(b, n, out, sizeof out);
}

static void test_login(void)
{
    /* the vendor document's example: ID 13612345678, CRC 0x05D8 */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "24 24 00 11 13 61 23 45 67 8F FF 50 00 05 D8 0D 0A", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "login");
    CHECK_STR(m->imei, "13612345678");
    CHECK_STR(F(m, "command"), "0x5000");
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 0x5000);
    CHECK_INT(m->nrec, 0);

    /* corpus meiligao-021 */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "24240011671440258855405000b24d0d0a", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].imei, "67144025885540");

    /* the server's answer: 0x4000 with 01 = accepted, 00 = refused */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(true, "13612345678fff", 0x4000, "01", 0), 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK(m->is_reply.set);
    CHECK_INT(m->is_reply.key, 0x5000);
    CHECK(m->is_reply.accept);
    CHECK_STR(m->imei, "13612345678");
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(true, "13612345678fff", 0x4000, "00", 0), 0, TRK_DOWN), 1);
    CHECK(!msgs[0].is_reply.accept);
    CHECK_STR(F(&msgs[0], "accepted"), "false");
}

static void test_heartbeat(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(false, "13612345678fff", 0x0001, "", 0), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK(msgs[0].want_reply.set);
    CHECK_INT(msgs[0].want_reply.key, 0x0001);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(true, "13612345678fff", 0x0001, "01", 0), 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_INT(msgs[0].is_reply.key, 0x0001);
    /* a server command */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(true, "13612345678fff", 0x4102, "3030303130", 0), 0, TRK_DOWN), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "command");
    CHECK_STR(F(&msgs[0], "params"), "3030303130");
}

static void test_position(void)
{
    /* corpus meiligao-022, asserted: 2015-09-30 11:31:18, 10.6328, -61.35947 */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "242400706796502079108999553131333131382e3030302c412c313033372e393637382c4e2c30363132312e353637392c572c302e35342c322e34322c3330303931352c2c2c412a37307c302e37377c392e397c303030307c303030302c303161327c3030313138373132374cae0d0a", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "67965020791089");
    CHECK_INT(m->nrec, 1);
    struct trk_record *r = &m->rec[0];
    CHECK_INT(r->time_ms, 1443612678000LL);
    CHECK_NEAR(r->lat, 10 + 37.9678 / 60, 1e-9);
    CHECK_NEAR(r->lon, -(61 + 21.5679 / 60), 1e-9);
    CHECK_NEAR(r->speed, 0.54 * 1.852, 1e-9);
    CHECK_NEAR(r->course, 2.42, 1e-9);
    CHECK_NEAR(r->alt, 9.9, 1e-9);
    CHECK(r->valid);
    CHECK(r->has & TRK_R_POS);
    CHECK_STR(F(m, "hdop"), "0.77");
    CHECK(!m->want_reply.set);

    /* corpus meiligao-002: satellites, RSSI, odometer and cell in the | tail */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "2424008f142180340967ff99553033333233302e3030302c412c313531362e383039392c4e2c31303435322e383835352c452c302e30302c33332c3038313232302c2c2a33367c302e387c3132337c323130307c303030302c303030302c303230452c303241417c30323038303030353038394530304531434638347c31437c31373243353832437c3042a8060d0a", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->imei, "142180340967");
    CHECK_INT(m->rec[0].sats, 11);
    CHECK_NEAR(m->rec[0].alt, 123, 1e-9);
    CHECK_STR(F(m, "rssi"), "28");
    CHECK_STR(F(m, "odometer"), "388782124");
    CHECK_STR(F(m, "state"), "2100");
    CHECK_STR(F(m, "cell"), "02080005089E00E1CF84");
    CHECK_INT(m->rec[0].time_ms / 1000, trk_timegm(2020, 12, 8, 3, 32, 30));

    /* alarm: the first data byte is the alarm code (meiligao-009, 0x75) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "2424010a142170525979ff9999753137353830322e3030302c412c313330362e303639342c4e2c31303035342e323439302c452c302e30302c3331332c3234313031372c2c2a30457c302e397c377c323530307c303030302c303030302c303130312c303241447c30323038303030353043313330313638353333427c30427c30303032313034357c30417c2520205e59454e53414241494348414924534f4e474b52414e244d522e5e5e3f3b363030373634333130303530303337333835333d3135303531393637303631343d3f2b202020202020202020202020203234202020202020202020202020312020202020202020202020203030303431313120203030313030545c0d0a", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "alarm");
    CHECK_STR(F(m, "alarm"), "0x75");
    CHECK_INT(m->rec[0].sats, 10);
    CHECK_NEAR(m->rec[0].lat, 13 + 6.0694 / 60, 1e-9);
    CHECK_CONTAINS(F(m, "driver"), "YENSABAICHAI");
}

static void test_batch_rfid_obd(void)
{
    /* 0x6688 with five records and a wrong CRC (meiligao-011) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "242401d961172036237118668805003039353830332e3030302c412c303330332e333431392c4e2c31303134372e343130342c452c372e30342c3230362e36312c3235313031377c302e307c302e307c303230307c303030302c303030307c3030303031313532325c003039353833332e3030302c412c303330332e323630302c4e2c31303134372e333734342c452c31302e33382c3236332e31342c3235313031377c302e307c302e307c303230307c303030302c303030307c3030303031313734355c003039353930332e3030302c412c303330332e313833382c4e2c31303134372e333735362c452c382e34392c3232332e37372c3235313031377c302e307c302e307c303230307c303030302c303030307c3030303031313839375c003039353933332e3030302c412c303330332e313033312c4e2c31303134372e333435332c452c382e37312c3139312e35302c3235313031377c302e307c302e307c303230307c303030302c303030307c3030303031323130325c003130303030302e3030302c412c303330332e313032332c4e2c31303134372e333338372c452c302e30302c3231332e36392c3235313031377c302e307c302e307c303030307c303030312c303030307c3030303031323131380d110d0a", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_MALFORMED);
    CHECK_STR(m->problem, "crc mismatch: field 0x0D11, computed 0x25BE");
    CHECK_SPAN(m, m->rawlen - 4, 2);                /* the CRC before 0d0a */
    CHECK_INT(m->nrec, 5);
    CHECK_STR(F(m, "count"), "5");
    CHECK_INT(m->rec[4].time_ms / 1000, trk_timegm(2017, 10, 25, 10, 0, 0));
    CHECK_NEAR(m->rec[1].speed, 10.38 * 1.852, 1e-9);

    /* 0x9966 RFID with the fix after '|' (meiligao-023: 2006-06-28 12:03:40, 24, 121) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "24240074630700194707719966009e1f7f00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000007c3132303334302c3238303630362c323430302e303030302c4e2c31323130302e303030302c458f7e0d0a", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "rfid");
    CHECK_STR(F(m, "rfid"), "009e1f7f");
    CHECK_INT(m->rec[0].time_ms, 1151496220000LL);
    CHECK_NEAR(m->rec[0].lat, 24.0, 1e-9);
    CHECK_NEAR(m->rec[0].lon, 121.0, 1e-9);

    /* 0x9903 DTCs (meiligao-001) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "242400166578902354329399034331453838d2c40d0a", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "obd");
    CHECK_STR(F(&msgs[0], "dtcs"), "C1E88");

    /* photo data with the 0xFFFF placeholder CRC (meiligao-005) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "24240012254748594772ff080002ffff0d0a", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "photo");
    CHECK_STR(F(&msgs[0], "crc"), "not provided");
}

static void test_problems(void)
{
    /* a well-formed frame with an unknown command */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(false, "13612345678fff", 0x1234, "0102", 0), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported command 0x1234");
    CHECK_SPAN(&msgs[0], 11, 2);                    /* after $$, the length and the 7-byte id */
    CHECK_STR(dt_span_hex(&msgs[0]), "1234");

    /* a wrong CRC */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(false, "13612345678fff", 0x5000, "", 2), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "crc mismatch: field 0x04D9, computed 0x05D8");
    CHECK_STR(dt_span_hex(&msgs[0]), "04d9");

    /* length field 0 (meiligao-025): framed at 0D 0A, still decoded */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "24240000123456ffffffff50008b9b0d0a", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "length field says 0, frame has 17");
    CHECK_SPAN(&msgs[0], 2, 2);
    CHECK_STR(msgs[0].type, "login");
    CHECK_STR(msgs[0].imei, "123456");

    /* truncated at the end of the stream */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "24240011136123456789ff5000", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "length field says 17, frame has 13");
    CHECK_SPAN(&msgs[0], 2, 2);
    CHECK_STR(dt_span_hex(&msgs[0]), "0011");

    /* junk after a frame (meiligao-013) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "242400561001ffffffffff99553030303030302e3030302c562c303030302e303030302c532c30303030302e303030302c572c302e30302c302e30302c3232303839392c2c2c412a37457c7c307c3030303059ae0d0a0000", 0, TRK_UP), 2);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].imei, "1001");
    CHECK_INT(msgs[1].status, TRK_MALFORMED);
    CHECK_STR(msgs[1].type, "garbage");
    CHECK_CONTAINS(msgs[1].problem, "2 bytes skipped");
}

static void test_framing(void)
{
    char two[1024];
    snprintf(two, sizeof two, "%s%s", "24 24 00 11 13 61 23 45 67 8F FF 50 00 05 D8 0D 0A",
             "242400706796502079108999553131333131382e3030302c412c313033372e393637382c4e2c30363132312e353637392c572c302e35342c322e34322c3330303931352c2c2c412a37307c302e37377c392e397c303030307c303030302c303161327c3030313138373132374cae0d0a");
    struct trk_state st = dt_state(TRK_TCP);
    CHECK_INT(dt_feed_hex_state(D, &st, DT_STREAM, two, 1, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "login");
    CHECK_INT(msgs[0].rawlen, 17);
    CHECK_STR(msgs[1].type, "position");
    CHECK_INT(msgs[1].rawlen, 112);
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, two, 5, TRK_UP), 2);
    CHECK_INT(msgs[1].rec[0].time_ms, 1443612678000LL);

    /* three frames in one chunk (meiligao-017) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "242400736610402421174399553130353033342e3937382c412c333933352e333638392c4e2c30303233382e313638342c452c303034382c3034322c3038313231362c2c2a31437c31312e357c3139347c313030317c303341362c303030307c30303130343030307c3030303030303cd00d0a2424004e66104024211743990131342e312c323638372c39302c32312e35372c342e37312c38352c372e31302c382e31362c342e32372c3130342c302e33342c392e33342c302c312c30b7160d0a2424003266104024211743990232352c322e34302c302e37392c32322c34332c3131392c333735362c37352c3132e4c90d0a", 0, TRK_UP), 3);
    CHECK_INT(msgs[0].rawlen, 115);
    CHECK_INT(msgs[1].rawlen, 78);
    CHECK_INT(msgs[2].rawlen, 50);
    for (int i = 0; i < 3; i++) CHECK_INT(msgs[i].status, TRK_OK);
    CHECK_STR(msgs[1].type, "obd");
    CHECK_STR(F(&msgs[2], "obd"), "25,2.40,0.79,22,43,119,3756,75,12");

    /* a length field of 0 in a stream: the frame ends at the 0D 0A before the next header */
    snprintf(two, sizeof two, "%s%s", "24240000123456ffffffff50008b9b0d0a", "24 24 00 11 13 61 23 45 67 8F FF 50 00 05 D8 0D 0A");
    CHECK_INT(dt_feed_hex(D, DT_STREAM, two, 1, TRK_UP), 2);
    CHECK_INT(msgs[0].rawlen, 17);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_STR(msgs[1].imei, "13612345678");

    /* garbage before a frame */
    snprintf(two, sizeof two, "00 24 11 40 %s", "24 24 00 11 13 61 23 45 67 8F FF 50 00 05 D8 0D 0A");
    CHECK_INT(dt_feed_hex(D, DT_STREAM, two, 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_CONTAINS(msgs[0].problem, "4 bytes skipped");
    CHECK_STR(msgs[1].type, "login");
    CHECK_INT(dt_feed_hex(D, DT_STREAM, two, 1, TRK_UP), 2);
    CHECK_CONTAINS(msgs[0].problem, "4 bytes skipped");

    /* frame() directly */
    unsigned char b[64];
    size_t n = check_unhex("24 24 00 11 13 61 23 45 67 8F FF 50 00 05 D8 0D 0A", b, sizeof b);
    for (size_t k = 0; k < n; k++) CHECK_INT(D->frame(b, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), 17);
    n = check_unhex("0102032424", b, sizeof b);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), -3);
    n = check_unhex("010224", b, sizeof b);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), -2);
    n = check_unhex("2424ffff", b, sizeof b);          /* absurd length */
    CHECK_INT(D->frame(b, n, TRK_UP, &st), -2);
}

static void test_probe(void)
{
    unsigned char b[256];
    size_t n = check_unhex("24 24 00 11 13 61 23 45 67 8F FF 50 00 05 D8 0D 0A", b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 90);
    CHECK(D->probe(b, n, TRK_UDP) >= 90);
    CHECK(D->probe(b, 4, TRK_TCP) <= 30);
    n = check_unhex("24 24 00 11 13 61 23 45 67 8F FF 50 00 05 D9 0D 0A", b, sizeof b);   /* bad CRC */
    int bad = D->probe(b, n, TRK_TCP);
    CHECK(bad >= 50 && bad < 90);
    /* a Meitrack message also starts with $$ */
    n = check_unhex("24247a32372c3836313435313034303931303632352c4141432c312a44330d0a", b, sizeof b);
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
    n = check_unhex("474554202f20485454502f312e310d0a", b, sizeof b);
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
    CHECK_STR(D->name, "meiligao");
    CHECK_INT(D->ports[0], 5009);
    CHECK_INT(D->transports, TRK_TCP | TRK_UDP);
}

static void test_udp(void)
{
    dt_udp_hex(D, "24 24 00 11 13 61 23 45 67 8F FF 50 00 05 D8 0D 0A", TRK_UP);
    CHECK_INT(scratch.status, TRK_OK);
    CHECK_STR(scratch.type, "login");
}

int main(void)
{
    test_login();
    test_heartbeat();
    test_position();
    test_batch_rfid_obd();
    test_problems();
    test_framing();
    test_probe();
    test_udp();
    return check_done("meiligao");
}
