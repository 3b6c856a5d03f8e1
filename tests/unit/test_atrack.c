/* test_atrack.c: unit tests of the ATrack dissector: binary and text position
 * frames, custom data with its form string, keep-alives and ACKs, command replies,
 * CRC and length problems, framing and probing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_atrack;
static const struct dissector *const D = &dissector_atrack;

#define BIN026 "40501e58003301e000014104d8f19682525ecd5d525ee344525ee35effc88815026ab4d70000020000104403de01000b0000000007d007d000"
#define TXT005 "40502c313132362c3132312c3130343534372c3335383930313034383039313535342c32303138303431323134333531332c32303138303431323134333531342c32303138303431333036303030302c31363432333338392c34383137383730302c3130382c322c362e352c392c302c302c302c302c302c323030302c323030302c0d0a"
#define BIN022 "405025e30096eb730001452efaf6a7d6562fe4f8562fe4f7562fe52c02a006d902273f810064650000e0f5000a0100000000000007d007d000254349255341254d5625425625475125415400090083002a1a000001a8562fe4f8562fe4f7562fe52c02a006d902273f810064020000e0f5000a0100000000000007d007d000254349255341254d5625425625475125415400090083002a1a000001a8"

static void test_binary(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, BIN026, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "352964052096642");
    CHECK_STR(F(m, "serial"), "480");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms, 0x525ecd5dLL * 1000);
    CHECK_NEAR(m->rec[0].lon, (int32_t)0xffc88815 / 1e6, 1e-9);
    CHECK_NEAR(m->rec[0].lat, 0x026ab4d7 / 1e6, 1e-9);
    CHECK_NEAR(m->rec[0].speed, 11, 1e-9);
    CHECK_STR(F(m, "odometer_km"), "416.4");
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 480);

    /* two records with custom data (form %CI%SA%MV%BV%GQ%AT) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, BIN022, 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->nrec, 2);
    CHECK_INT(m->rec[0].sats, 9);
    CHECK_NEAR(m->rec[1].alt, 424, 1e-9);
    CHECK_STR(F(m, "power"), "13.1");
    CHECK_STR(F(m, "battery"), "4.2");
    CHECK_STR(F(m, "gsm_signal"), "26");
    CHECK_STR(F(m, "form"), "%CI%SA%MV%BV%GQ%AT");
    CHECK(F(m, "undecoded") == NULL);

    /* a damaged byte: CRC mismatch, still decoded */
    char bad[256];
    snprintf(bad, sizeof bad, "%s", BIN026);
    bad[40] = bad[40] == '0' ? '1' : '0';
    CHECK_INT(dt_feed_hex(D, DT_STREAM, bad, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "crc mismatch: field 0x1E58, computed 0x");
    CHECK_SPAN(&msgs[0], 2, 2);                    /* after the 2-byte prefix */
    CHECK_STR(dt_span_hex(&msgs[0]), "1e58");
    CHECK_INT(msgs[0].nrec, 1);

    /* photo frame */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "4052" "0000" "000c" "0001" "00014104d8f19682" "ffd8", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "photo");
    CHECK_INT(msgs[0].status, TRK_MALFORMED);   /* the CRC field is zero */
    CHECK_CONTAINS(msgs[0].problem, "crc mismatch: field 0x0000");
    CHECK_SPAN(&msgs[0], 2, 2);
}

static void test_text(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, TXT005, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "358901048091554");
    CHECK_INT(m->rec[0].time_ms, 1523543713000LL);
    CHECK_NEAR(m->rec[0].lat, 48.1787, 1e-9);
    CHECK_NEAR(m->rec[0].lon, 16.423389, 1e-9);
    CHECK_NEAR(m->rec[0].course, 108, 1e-9);
    CHECK_STR(F(m, "crc_text"), "1126");
    CHECK_INT(m->want_reply.key, 104547);

    /* multi-line text with form and custom values */
    const char *ml = "@P,0000,193,7,357298070426498,1534718280,1534718279,1534739774,-88643875,44210148,270,2,57128,6,1,130,0,0,,2000,2000,\x1a,%CI%GQ,5\r\n"
                     "1534718283,1534718283,1534739774,-88645243,44210145,269,2,57129,6,1,129,0\r\n";
    CHECK_INT(dt_feed_text(D, DT_STREAM, ml, 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->nrec, 2);
    CHECK_NEAR(m->rec[1].lon, -88.645243, 1e-9);
    CHECK_NEAR(m->rec[0].speed, 130, 1e-9);
    CHECK_STR(F(m, "form"), "%CI%GQ");
    CHECK_STR(F(m, "custom"), "5");

    /* one byte short (atrack-004 pattern) */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "@P,3A34,30,41431,353816057242284,1,2\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "length field says 30, frame has 28");
}

static void test_keepalive_and_replies(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "fe0200014104d8f196820001", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK_STR(msgs[0].imei, "352964052096642");
    CHECK_INT(msgs[0].want_reply.key, 1);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "fe0200014104d8f1968201e0", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK(msgs[0].is_reply.set);
    CHECK_INT(msgs[0].is_reply.key, 480);

    CHECK_INT(dt_feed_text(D, DT_STREAM, "$OK\r\n", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_STR(F(&msgs[0], "result"), "ok");
    CHECK_INT(dt_feed_text(D, DT_STREAM, "$ERROR=101\r\n", 0, TRK_UP), 1);
    CHECK_STR(F(&msgs[0], "error"), "101");
    CHECK_INT(dt_feed_text(D, DT_STREAM, "$INFO=358683066267395,AX7\r\n", 0, TRK_UP), 1);
    CHECK_STR(F(&msgs[0], "info"), "358683066267395,AX7");
    CHECK_INT(dt_feed_text(D, DT_STREAM, "AT$INFO=?\r\n", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "command");
    CHECK_STR(F(&msgs[0], "text"), "AT$INFO=?");
}

static void test_framing(void)
{
    char both[2048];
    snprintf(both, sizeof both, "%s%s%s%s", BIN026, TXT005, "fe0200014104d8f196820001", BIN022);
    for (size_t step = 0; step <= 7; step += 7) {
        CHECK_INT(dt_feed_hex(D, DT_STREAM, both, step, TRK_UP), 4);
        CHECK_INT(msgs[0].rawlen, 57);
        CHECK_INT(msgs[0].status, TRK_OK);
        CHECK_INT(msgs[1].rawlen, 132);
        CHECK_INT(msgs[1].status, TRK_OK);
        CHECK_STR(msgs[2].type, "heartbeat");
        CHECK_INT(msgs[3].nrec, 2);
    }
    /* trailing zeros after a frame (atrack-027) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, BIN026 "000000000000", 0, TRK_UP), 2);
    CHECK_STR(msgs[1].type, "garbage");
    CHECK_CONTAINS(msgs[1].problem, "6 bytes skipped");
    /* a text frame whose length is one short, then a binary one */
    char two[1024];
    snprintf(two, sizeof two, "%s%s", "40502c303030302c33302c34313433312c3335333831363035373234323238342c312c320d0a", BIN026);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, two, 1, TRK_UP), 2);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_INT(msgs[1].status, TRK_OK);

    struct trk_state st;
    memset(&st, 0, sizeof st);
    unsigned char b[64];
    size_t n = check_unhex("fe0200014104d8f196820001", b, sizeof b);
    for (size_t k = 0; k < n; k++) CHECK_INT(D->frame(b, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), 12);
    CHECK_INT(D->frame((const unsigned char *)"xx@P", 4, TRK_UP, &st), -2);
    CHECK_INT(D->frame((const unsigned char *)"@P\x00\x00\x00\x02", 6, TRK_UP, &st), -1);
}

static void test_probe(void)
{
    unsigned char b[512];
    size_t n = check_unhex(BIN026, b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 90);
    CHECK(D->probe(b, 10, TRK_TCP) < 50);
    n = check_unhex(TXT005, b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 70);
    CHECK(D->probe((const unsigned char *)"$OK\r\n", 5, TRK_TCP) < 50);
    CHECK_INT(D->probe((const unsigned char *)"$$", 2, TRK_TCP), 0);
    CHECK_INT(D->probe((const unsigned char *)"GET / HTTP/1.1", 14, TRK_TCP), 0);
    CHECK_STR(D->name, "atrack");
    CHECK_INT(D->ports[0], 5044);
    CHECK_INT(D->transports, TRK_TCP | TRK_UDP);
}

int main(void)
{
    test_binary();
    test_text();
    test_keepalive_and_replies();
    test_framing();
    test_probe();
    return check_done("atrack");
}
