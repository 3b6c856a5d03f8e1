/* test_gosafe.c: unit tests of the GoSafe dissector: text messages with one
 * or several '$'-separated records, the old *GS02 layout, binary 0xF8 frames
 * in wire (escaped) and unescaped form with their CRC, the server's "1234",
 * and framing through the framer (split, batched, garbage, no terminator). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_gosafe;
static const struct dissector *const D = &dissector_gosafe;

/* gosafe-001 as the corpus has it (escapes undone) and as it travels */
static const char *const BIN_PLAIN = "f80601013fb82203661b2ee46249007a13003f45feefeeb401db1bbe00000000060e00d602018904036412080c010111e121003100410051010807000000000000004655f8";
static const char *const BIN_WIRE = "f80601013fb82203661b002ee46249007a13003f45feefeeb401db1b00be00000000060e00d602018904036412080c010111e121003100410051010807000000000000004655f8";

static const char *const TWO_RECORDS = "*GS06,353218073585128,181255300523,,SYS:Smart Track;V9.31;V1.1.5,GPS:A;5;N31.551856;E74.366920;0;0;;2.15;2.64,COT:0,ADC:10.78;0.02,DTT:4002;E1;0;0;0;1$181325300523,,SYS:Smart Track;V9.31;V1.1.5,GPS:A;6;N31.551856;E74.366920;0;0;;2.05;2.13,COT:0,ADC:10.79;0.02,DTT:4002;E1;0;0;0;1#";

static void test_text(void)
{
    CHECK_INT(dt_feed_text(D, DT_STREAM, TWO_RECORDS, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "353218073585128");
    CHECK_STR(F(m, "version"), "06");
    CHECK_INT(m->nrec, 2);
    CHECK_INT(m->rec[0].time_ms / 1000, trk_timegm(2023, 5, 30, 18, 12, 55));
    CHECK_INT(m->rec[1].time_ms / 1000, trk_timegm(2023, 5, 30, 18, 13, 25));
    CHECK_NEAR(m->rec[0].lat, 31.551856, 1e-9);
    CHECK_NEAR(m->rec[0].lon, 74.366920, 1e-9);
    CHECK_INT(m->rec[0].sats, 5);
    CHECK_INT(m->rec[1].sats, 6);
    CHECK(m->rec[0].valid);
    CHECK(!(m->rec[0].has & TRK_R_ALT));          /* empty altitude */
    CHECK_STR(F(m, "hdop"), "2.15");
    CHECK_STR(F(m, "vdop"), "2.64");
    CHECK_STR(F(m, "model"), "Smart Track");
    CHECK_STR(F(m, "power_v"), "10.78");
    CHECK_STR(F(m, "status"), "0x4002");
    CHECK_STR(F(m, "ignition"), "true");
    CHECK(!m->want_reply.set);

    /* temperature sensors (gosafe-004) */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "*GS06,356449068350122,013519070819,,SYS:G6S;V3.37;V1.1.8,GPS:A;12;N23.169866;E113.450728;0;255;54;0.79,COT:18779;,ADC:12.66;0.58,DTT:4084;E1;0;0;0;1,IWD:0;1;ad031652643fff28;23.2;1;1;86031652504fff28;24.3;2;1;e603165252a5ff28;24.2;3;1;bb0416557da6ff28;24.0#", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(F(m, "temp0"), "23.2");
    CHECK_STR(F(m, "temp3"), "24");
    CHECK_STR(F(m, "odometer_m"), "18779");
    CHECK_NEAR(m->rec[0].course, 255, 1e-9);
    CHECK_NEAR(m->rec[0].alt, 54, 1e-9);

    /* event code, southern hemisphere (gosafe-006) */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "*GS06,359568052580548,091946150719,1C,SYS:G3C;V1.40;V1.0.4,GPS:A;5;S25.750200;E28.204858;0;0;1337;1.68,COT:,ADC:13.12;4.06,DTT:4004;C6;0;0;10000000;0$091948150719,,SYS:G3C;V1.40;V1.0.4,GPS:A;5;S25.750200;E28.204858;0;0;1337;1.68,COT:,ADC:12.96;4.06,DTT:4004;C6;0;0;0;1#", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_STR(F(m, "event"), "28");
    CHECK_NEAR(m->rec[0].lat, -25.750200, 1e-9);
    CHECK_INT(m->nrec, 2);

    /* western longitude, no fix, GSM cell (gosafe-014) */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "*GS26,356449061046586,082522030117,,SYS:G737IC;V1.13;V1.0.5,GPS:V;5;N42.594136;W70.723832;0;0;8;2.06,GSM:;;310;260;C76D;9F1D;-85,ADC:3.86,DTT:3918C;;0;0;0;1,#", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_NEAR(m->rec[0].lon, -70.723832, 1e-9);
    CHECK(!m->rec[0].valid);
    CHECK_STR(F(m, "mcc"), "310");
    CHECK_STR(F(m, "lac"), "51053");
    CHECK_STR(F(m, "cell_id"), "40733");

    /* records without a time (gosafe-015 style) */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "*GS56,357330051092344,123918301116,10,GPS:L;9;N47.582920;W122.238720;0;0;102;0.99$000000000000,86,GPS:A;6;N47.582912;W122.238840;0;0;88;2.20#", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->nrec, 2);
    CHECK(m->rec[0].has & TRK_R_TIME);
    CHECK(!(m->rec[1].has & TRK_R_TIME));
    CHECK(m->rec[1].has & TRK_R_POS);
}

static void test_text_other(void)
{
    /* a command result (gosafe-002) */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "*GS06,357330050846344,RST#", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_STR(F(&msgs[0], "result"), "RST");
    CHECK_INT(msgs[0].nrec, 0);

    /* the old layout (gosafe-022 with its '#') */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "*GS02,358696043774648,GPS:230040;A;S1.166829;E36.934287;0;0;170116,STT:20;0,MGR:32755204,ADC:0;11.2;1;28.3;2;4.1,GFS:0;0#", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_INT(m->rec[0].time_ms / 1000, trk_timegm(2016, 1, 17, 23, 0, 40));
    CHECK_NEAR(m->rec[0].lat, -1.166829, 1e-9);
    CHECK_NEAR(m->rec[0].lon, 36.934287, 1e-9);
    CHECK(m->rec[0].valid);
    CHECK_STR(F(m, "odometer"), "32755204");
    /* without it, at the end of a capture: incomplete; decoded alone: accepted */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "*GS02,358696043774648,GPS:230040;A;S1.166829;E36.934287;0;0;170116", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "incomplete at end of stream");
    const char *nohash = "*GS02,358696043774648,GPS:230040;A;S1.166829;E36.934287;0;0;170116";
    struct trk_state st = dt_state(TRK_TCP);
    dt_decode(D, &scratch, &st, TRK_UP, TRK_TCP, nohash, strlen(nohash));
    CHECK_INT(scratch.status, TRK_OK);
    CHECK_INT(scratch.nrec, 1);

    /* the identifier alone */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "*GS16,351535058709775#", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK_STR(msgs[0].imei, "351535058709775");

    /* the server's answer */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "1234", 0, TRK_DOWN), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "ack");
    CHECK(msgs[0].is_reply.set);

    /* a bad header */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "*XY06,1#", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "bad header: expected *GS");
}

static void test_binary(void)
{
    /* as the corpus has it, escapes undone */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, BIN_PLAIN, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "351535053891099");
    CHECK_STR(F(m, "escaping"), "none (message already unescaped)");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms / 1000, 0x2ee46249 + 946684800LL);
    CHECK_NEAR(m->rec[0].lat, -17.830220, 1e-9);
    CHECK_NEAR(m->rec[0].lon, 31.136702, 1e-9);
    CHECK_NEAR(m->rec[0].alt, 1550, 1e-9);
    CHECK_STR(F(m, "hdop"), "2.14");
    CHECK_STR(F(m, "sections"), "0x007A");
    CHECK_STR(F(m, "section3"), "0189");

    /* as it travels: 1B 00 for 1B */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, BIN_WIRE, 1, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->rawlen, 71);
    CHECK(F(m, "escaping") == NULL);
    CHECK_STR(m->imei, "351535053891099");
    CHECK_NEAR(m->rec[0].lat, -17.830220, 1e-9);

    /* a wrong CRC */
    char bad[512];
    snprintf(bad, sizeof bad, "%s", BIN_WIRE);
    char *crc = bad + strlen(bad) - 6;
    crc[3] = '6';                                  /* 4655 -> 4656 */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, bad, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "crc mismatch: field 0x4656, computed 0x4655");
    CHECK_SPAN(&msgs[0], 68, 2);                   /* before the closing f8 of the 71 bytes */
    CHECK_STR(dt_span_hex(&msgs[0]), "4656");

    /* a wrong CRC holding 1B, escaped on the wire (1B 00 46): its three wire bytes,
     * after two escapes earlier in the message */
    snprintf(bad, sizeof bad, "%.*s1b0046f8", (int)strlen(BIN_WIRE) - 6, BIN_WIRE);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, bad, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "crc mismatch: field 0x1B46, computed 0x4655");
    CHECK_SPAN(&msgs[0], 68, 3);
    CHECK_STR(dt_span_hex(&msgs[0]), "1b0046");

    /* too short to hold the header */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "f8 06 01 02 f8", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "truncated");
}

static void test_framing(void)
{
    char both[2048];
    snprintf(both, sizeof both, "%s%s", TWO_RECORDS, "*GS16,351535058709775#");
    CHECK_INT(dt_feed_text(D, DT_STREAM, both, 1, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "position");
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].rawlen, strlen(TWO_RECORDS));
    CHECK_STR(msgs[1].type, "heartbeat");

    /* a text message without its '#', the next one right behind */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "*GS16,351535058709775*GS16,351535058709776#", 0, TRK_UP), 2);
    CHECK_INT(msgs[0].rawlen, 21);
    CHECK_STR(msgs[0].imei, "351535058709775");
    CHECK_STR(msgs[1].imei, "351535058709776");

    /* text and binary in one chunk, garbage in front */
    char mix[2048];
    int o = 0;
    const char *t = "*GS16,351535058709775#";
    o += snprintf(mix + o, sizeof mix - (size_t)o, "2e2e2e");
    for (const char *q = t; *q; q++) o += snprintf(mix + o, sizeof mix - (size_t)o, "%02x", (unsigned char)*q);
    snprintf(mix + o, sizeof mix - (size_t)o, "%s", BIN_WIRE);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mix, 0, TRK_UP), 3);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_CONTAINS(msgs[0].problem, "3 bytes skipped");
    CHECK_STR(msgs[1].type, "heartbeat");
    CHECK_STR(msgs[2].type, "position");
    CHECK_INT(msgs[2].status, TRK_OK);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mix, 1, TRK_UP), 3);
    CHECK_INT(msgs[2].status, TRK_OK);

    /* frame() directly */
    struct trk_state st;
    memset(&st, 0, sizeof st);
    size_t n = strlen(t);
    for (size_t k = 0; k < n; k++) CHECK_INT(D->frame((const uint8_t *)t, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame((const uint8_t *)t, n, TRK_UP, &st), (long)n);
    unsigned char b[128];
    n = check_unhex(BIN_WIRE, b, sizeof b);
    for (size_t k = 0; k < n; k++) CHECK_INT(D->frame(b, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), 71);
    n = check_unhex("f8f8060101", b, sizeof b);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), -1);
    CHECK_INT(D->frame((const uint8_t *)"ab*G", 4, TRK_UP, &st), -2);
}

static void test_probe(void)
{
    unsigned char b[128];
    size_t n = check_unhex(BIN_WIRE, b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 90);
    n = check_unhex(BIN_PLAIN, b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 90);
    CHECK(D->probe(b, 10, TRK_TCP) < 50);
    int c = D->probe((const uint8_t *)TWO_RECORDS, strlen(TWO_RECORDS), TRK_TCP);
    CHECK(c >= 50 && c <= 70);                     /* text alone is never certain */
    CHECK(D->probe((const uint8_t *)"*GS06,", 6, TRK_TCP) < 50);
    CHECK_INT(D->probe((const uint8_t *)"*HQ,123", 7, TRK_TCP), 0);
    CHECK_INT(D->probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16, TRK_TCP), 0);
    CHECK_STR(D->name, "gosafe");
    CHECK_INT(D->ports[0], 5078);
    CHECK_INT(D->transports, TRK_TCP | TRK_UDP);
}

static void test_udp(void)
{
    dt_udp_text(D, TWO_RECORDS, TRK_UP);
    CHECK_INT(scratch.status, TRK_OK);
    CHECK_INT(scratch.nrec, 2);
}

int main(void)
{
    test_text();
    test_text_other();
    test_binary();
    test_framing();
    test_probe();
    test_udp();
    return check_done("gosafe");
}
