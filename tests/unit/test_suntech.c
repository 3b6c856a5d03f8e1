/* test_suntech.c: unit tests of the Suntech dissector: ASCII reports through
 * the framer (CR terminated, byte by byte, several per chunk, CR/LF inside
 * UEX and CRR data), legacy, universal and ST910 layouts, zip and binary
 * universal frames, ACKs from the server and the problems reported. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_suntech;
static const struct dissector *const D = &dissector_suntech;

#define SA200 "SA200STT;317652;042;20120718;15:37:12;16d41;-15.618755;-056.083241;000.024;000.00;8;1;41548;12.17;100000;2;1979\r"

static void test_legacy(void)
{
    for (size_t step = 0; step <= 1; step++) {
        CHECK_INT(dt_feed_text(D, DT_WHOLE, SA200, step, TRK_UP), 1);
        struct trk_msg *m = &msgs[0];
        CHECK_INT(m->status, TRK_OK);
        CHECK_STR(m->type, "position");
        CHECK_STR(m->imei, "317652");
        CHECK_STR(F(m, "model"), "SA200");
        CHECK_STR(F(m, "report"), "STT");
        CHECK_INT(m->nrec, 1);
        struct trk_record *r = &m->rec[0];
        CHECK_INT(r->time_ms / 1000, 1342625832);      /* corpus suntech-050 */
        CHECK_NEAR(r->lat, -15.618755, 1e-9);
        CHECK_NEAR(r->lon, -56.083241, 1e-9);
        CHECK_NEAR(r->speed, 0.024, 1e-9);
        CHECK_INT(r->sats, 8);
        CHECK(r->valid);
        CHECK_INT(m->rawlen, strlen(SA200));
    }
    /* several reports in one chunk, with garbage in front */
    const char *s = "\n\n" SA200 "SA200ALV;317652\rSA200EMG;317652;042;20120718;15:35:41;16d41;-15.618740;"
                    "-056.083252;000.034;000.00;8;1;41548;12.17;110000;1\r";
    CHECK_INT(dt_feed_text(D, DT_WHOLE, s, 0, TRK_UP), 4);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_STR(msgs[1].type, "position");
    CHECK_STR(msgs[2].type, "heartbeat");
    CHECK_STR(msgs[2].imei, "317652");
    CHECK_STR(msgs[3].type, "alarm");
    CHECK_STR(F(&msgs[3], "alarm"), "sos");
    CHECK_INT(dt_feed_text(D, DT_WHOLE, s, 5, TRK_UP), 4);
    CHECK_STR(msgs[3].type, "alarm");

    /* ST910: the fix flag follows the course (corpus suntech-048) */
    CHECK_INT(dt_feed_text(D, DT_WHOLE, "ST910;Alert;123456;410;20141018;18:30:12;+37.478774;+126.889690;000.000;000.00;0;4.0;1;6002", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "alarm");
    CHECK_STR(msgs[0].imei, "123456");
    CHECK_INT(msgs[0].rec[0].time_ms / 1000, 1413657012);
    CHECK(!msgs[0].rec[0].valid);
    CHECK_NEAR(msgs[0].rec[0].lon, 126.88969, 1e-9);

    /* ST410: cells first, the date late in the report */
    CHECK_INT(dt_feed_text(D, DT_WHOLE, "ST410STT;007638094;426;01;24153;724;4;-65;365;0;24161;724;4;365;0;0;3.98;1;0176;2;016;"
                        "20200106;19:18:04;-15.571860;-056.062637;000.852;238.28;6;1", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].nrec, 1);
    CHECK_NEAR(msgs[0].rec[0].lat, -15.57186, 1e-9);
    CHECK_NEAR(msgs[0].rec[0].course, 238.28, 1e-9);
}

static void test_universal_and_uex(void)
{
    CHECK_INT(dt_feed_text(D, DT_WHOLE, "STT;0560001616;BFFFFF;56;1.0.15;1;20200219;20:52:25;00008D6C;334;20;0925;24;+20.741764;"
                        "-103.430364;0.00;0.00;19;1;00000001;00000000;2;1;1765;00008003;0.0;12.14;136598\r", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].imei, "0560001616");
    CHECK_INT(msgs[0].rec[0].sats, 19);
    CHECK_NEAR(msgs[0].rec[0].lat, 20.741764, 1e-9);

    /* UEX serial data holding CR LF: the frame goes on past it */
    const char *uex = "UEX;1610020241;03FFFFFF;161;3.0.9;0;20240506;15:52:55;00006697;724;11;4EDA;33;-5.129240;"
                      "-42.797868;0.00;0.00;11;1;00000001;00000000;24;GTSL|6|1|0|22574684|1|\r\n;A7;;164;0;11.82\r";
    for (size_t step = 0; step <= 1; step++) {
        CHECK_INT(dt_feed_text(D, DT_WHOLE, uex, step, TRK_UP), 1);
        CHECK_INT(msgs[0].status, TRK_OK);
        CHECK_STR(msgs[0].type, "event");
        CHECK_STR(F(&msgs[0], "serial"), "GTSL|6|1|0|22574684|1|\\r\\n");
        CHECK_STR(F(&msgs[0], "data_length"), "24");
        CHECK_INT(msgs[0].nrec, 1);
        CHECK_INT(msgs[0].rawlen, strlen(uex));
    }
    /* data ending in LF CR, then another report */
    char two[1024];
    snprintf(two, sizeof two, "%s%s", "ST600UEX;008728327;20;568;20200602;17:10:03;0bf1a893;334;20;2f19;23;+20.514492;"
             "-100.743221;000.033;000.00;12;1;41564973;13.17;000000;44;t_0=1C;N_0=0419.0;t_1=22;N_1=0001.0;Q_D=09\n\r;"
             "76;113771;4.1;1\r", SA200);
    CHECK_INT(dt_feed_text(D, DT_WHOLE, two, 7, TRK_UP), 2);
    CHECK_STR(F(&msgs[0], "serial"), "t_0=1C;N_0=0419.0;t_1=22;N_1=0001.0;Q_D=09\\n\\r");
    CHECK_STR(msgs[1].imei, "317652");

    CHECK_INT(dt_feed_text(D, DT_WHOLE, "RES;4309999001;04;02;TEST\r", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_STR(F(&msgs[0], "result"), "04;02;TEST");
    CHECK_INT(dt_feed_text(D, DT_WHOLE, "ST300CMD;Res;511848119;319H;Disable1\r", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].imei, "511848119");
    CHECK_STR(F(&msgs[0], "result"), "319H;Disable1");

    CHECK_INT(dt_feed_text(D, DT_WHOLE, "XYZ;123456789;1\r", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported message type XYZ");
}

static void test_binary(void)
{
    /* zip status report (corpus suntech-001) */
    const char *zip = "02003210511340877028813f180c170016041051290c0635652d793653000038001a30e601665e5600000001007500"
                      "02712704000103";
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, zip, 1, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "5113408770");
    CHECK_NEAR(m->rec[0].lat, -12.063565, 1e-9);
    CHECK_NEAR(m->rec[0].lon, -45.793653, 1e-9);
    CHECK_INT(m->rec[0].sats, 6);
    CHECK(m->rec[0].valid);
    CHECK_INT(m->rec[0].time_ms / 1000, 1734913324);     /* 2024-12-23 00:22:04 */
    /* the ETX replaced */
    char bad[256];
    snprintf(bad, sizeof bad, "%.*s04", (int)strlen(zip) - 2, zip);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, bad, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "missing 0x03 ETX at offset 53");
    /* cut short */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "02003210511340877028813f180c", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "length field says 50");

    /* binary universal 0x81 (corpus suntech-022), twice in one chunk */
    const char *b81 = "81004e05200013383fffff3401000301130a0512080400000000000000000000000047f9d5846a06810072225214"
                      "010100020300a8002604c1000004b000000470000025a100000000000025c4000000a6";
    char twice[512];
    snprintf(twice, sizeof twice, "%s%s", b81, b81);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, twice, 0, TRK_UP), 2);
    m = &msgs[1];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->imei, "0520001338");
    CHECK_STR(F(m, "mask"), "0x3FFFFF");
    CHECK_NEAR(m->rec[0].lat, 4.717013, 1e-9);
    CHECK_NEAR(m->rec[0].lon, -74.057345, 1e-9);
    CHECK_INT(m->rec[0].time_ms / 1000, 1570298884);      /* 2019-10-05 18:08:04 */
    CHECK_INT(m->rec[0].sats, 20);
    CHECK_STR(F(m, "ignition"), "1");
}

static void test_down(void)
{
    CHECK_INT(dt_feed_text(D, DT_WHOLE, "ST300ACK;100850000\r", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK(msgs[0].is_reply.set);
    CHECK_STR(msgs[0].imei, "100850000");
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "15 01 00 85 00 00", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_STR(msgs[0].imei, "0100850000");
    CHECK_INT(dt_feed_text(D, DT_WHOLE, "ST300CMD;100850000;02;StatusReq\r", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "command");
    CHECK_STR(F(&msgs[0], "command"), "02;StatusReq");
}

static void test_probe(void)
{
    CHECK(D->probe((const uint8_t *)SA200, strlen(SA200), TRK_TCP) >= 70);
    CHECK(D->probe((const uint8_t *)"STOP;now", 8, TRK_TCP) < 50);
    CHECK(D->probe((const uint8_t *)"hello", 5, TRK_TCP) == 0);
    unsigned char b[64];
    size_t n = check_unhex("02003210511340877028813f180c170016041051290c0635652d793653000038001a30e601665e560000000100750002712704000103", b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 70);
    CHECK(D->probe(b, 10, TRK_TCP) < 50);
}

int main(void)
{
    test_legacy();
    test_universal_and_uex();
    test_binary();
    test_down();
    test_probe();
    return check_done("suntech");
}
