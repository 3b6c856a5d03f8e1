/* test_watch.c: unit tests of the 3G watch protocol dissector: keep-alives and
 * their answers, locations, alarms, health reports, the index field, escaped
 * binary content, wrong length fields, framing and probing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_watch;
static const struct dissector *const D = &dissector_watch;

static void test_keepalive(void)
{
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[SG*8800000015*0002*LK]", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "heartbeat");
    CHECK_STR(m->imei, "8800000015");
    CHECK_STR(F(m, "maker"), "SG");
    CHECK(m->want_reply.set);
    uint32_t key = m->want_reply.key;

    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*4700186508*000B*LK,0,10,100]", 0, TRK_UP), 1);
    CHECK_STR(F(&msgs[0], "steps"), "0");
    CHECK_STR(F(&msgs[0], "tumbles"), "10");
    CHECK_STR(F(&msgs[0], "battery"), "100");

    CHECK_INT(dt_feed_text(D, DT_STREAM, "[SG*8800000015*0002*LK]", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK(msgs[0].is_reply.set);
    CHECK_INT(msgs[0].is_reply.key, key);
    CHECK_STR(msgs[0].imei, "8800000015");

    /* wrong length field (watch-032) */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[SG*9081000548*0009*LK,0,100]", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "length field says 9, frame has 8");
    CHECK_STR(msgs[0].type, "heartbeat");
}

static void test_location(void)
{
    /* watch-029: signed coordinates with N/E letters */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*6105117105*008D*UD2,210716,231601,V,-33.480366,N,-70.7630692,E,0.00,0.0,0.0,0,100,34,0,0,00000000,3,255,730,2,29731,54315,167,29731,54316,162,29731,54317,145]", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms, 1469142961000LL);
    CHECK_NEAR(m->rec[0].lat, -33.480366, 1e-9);
    CHECK_NEAR(m->rec[0].lon, -70.7630692, 1e-9);
    CHECK(!m->rec[0].valid);
    CHECK_STR(F(m, "battery"), "34");
    CHECK_STR(F(m, "mcc"), "730");
    CHECK_STR(F(m, "cells"), "29731:54315:167;29731:54316:162;29731:54317:145");

    /* W hemisphere, fixed, speed in km/h */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[SG*9059011020*006D*UD2,240123,162011,A,54.427621,N,6.409190,W,12.5,90,30,8,19,88,0,0,00000000,1,1,FFFF,FFFF,FFFE,3B882A2,132,,00]", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK(m->rec[0].valid);
    CHECK_NEAR(m->rec[0].lon, -6.409190, 1e-9);
    CHECK_NEAR(m->rec[0].speed, 12.5, 1e-9);
    CHECK_NEAR(m->rec[0].course, 90, 1e-9);
    CHECK_NEAR(m->rec[0].alt, 30, 1e-9);
    CHECK_INT(m->rec[0].sats, 8);

    /* a leading blank in the longitude (watch-030) */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*4700222306*0077*UD,120316,140610,V,48.779045,N, 9.1574736,E,0.00,0.0,0.0,0,25,83,0,0,00000000,2,255,262,1,21041,9067,121,21041,5981,116]", 0, TRK_UP), 1);
    CHECK_NEAR(msgs[0].rec[0].lon, 9.1574736, 1e-9);

    /* too short */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*4700222306*0009*UD,120316]", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "location has 2 fields, expected at least 8");
}

static void test_alarm(void)
{
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*6907919734*003e*AL_LTE,170525,214118,V,0,N,0,E,0,0,0,0,0,22,0,0,00010000,0,0,0]", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "alarm");
    CHECK_STR(F(m, "alarm"), "sos");
    CHECK_STR(F(m, "status"), "0x00010000");
    CHECK(m->want_reply.set);
    uint32_t key = m->want_reply.key;
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*6907919734*0002*AL]", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_INT(msgs[0].is_reply.key, key);

    /* index field, bracelet removed (watch-007) */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[ZJ*689466020014198*0003*0113*AL,221121,085515,V,00.000000,N,000.000000,E,0,0,0,0,0,44,0,0,00100000,1,255,460,0,16399,234887445,0,6,WIFI00,68:77:24:1b:e7:a7,-59,WIFI01,68:77:24:1b:e3:30,-75,WIFI02,68:77:24:1b:e3:27,-75,WIFI03,00:41:d2:c0:f2:f1,-76,WIFI04,00:41:d2:c0:f2:f0,-77,WIFI05,68:77:24:1b:e3:d8,-82]", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(F(m, "alarm"), "removing");
    CHECK_STR(F(m, "index"), "3");
    CHECK_STR(m->imei, "689466020014198");
}

static void test_health_and_others(void)
{
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[ZJ*5678901234*0001*0009*TEMP,36.5]", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "health");
    CHECK_STR(F(&msgs[0], "temperature"), "36.5");
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*9705141740*000B*oxygen,0,98]", 0, TRK_UP), 1);
    CHECK_STR(F(&msgs[0], "blood_oxygen"), "98");
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*4700609403*0013*bphrt,120,79,73,,,,]", 0, TRK_UP), 1);
    CHECK_STR(F(&msgs[0], "blood_pressure_high"), "120");
    CHECK_STR(F(&msgs[0], "blood_pressure_low"), "79");
    CHECK_STR(F(&msgs[0], "heart_rate"), "73");
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*6005412902*0008*heart,71]", 0, TRK_UP), 1);
    CHECK_STR(F(&msgs[0], "heart_rate"), "71");

    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*8800000015*0003*TKQ]", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "voice-request");
    CHECK(msgs[0].want_reply.set);

    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*8800000015*0005*VERNO]", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*8800000015*000D*UPLOAD,600]", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "command");
    CHECK_STR(F(&msgs[0], "text"), "UPLOAD,600");

    CHECK_INT(dt_feed_text(D, DT_STREAM, "[3G*8800000015*0005*HELLO]", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported message type HELLO");
}

static void test_escapes(void)
{
    /* watch-f07: escaped voice data; the length counts unescaped bytes */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "5b43532a313233343536373839302a303030652a544b2c2321414d527d017d027d037d047d05ff5d", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "voice");
    CHECK_INT(m->rawlen, 40);
    CHECK_STR(F(m, "escaped"), "true");
    /* the same, already unescaped (watch-050): framed by the length field */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "5b43532a313233343536373839302a303030652a544b2c2321414d527d5b5d2c2aff5d", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].rawlen, 35);
    /* byte by byte */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "5b43532a313233343536373839302a303030652a544b2c2321414d527d017d027d037d047d05ff5d5b43532a313233343536373839302a303030322a4c4b5d", 1, TRK_UP), 2);
    CHECK_INT(msgs[0].rawlen, 40);
    CHECK_STR(msgs[1].type, "heartbeat");
}

static void test_framing(void)
{
    const char *four = "[3G*9705141740*0009*LK,0,0,53][3G*9705141740*005A*UD,190723,190707,A,36.815109,N,10.1792312,E,8.24,127.9,21.0,5,100,53,0,0,00000000,0,0,58.0][3G*9705141740*0003*TKQ][3G*9705141740*0009*LK,0,0,53]";
    for (size_t step = 0; step <= 1; step++) {
        CHECK_INT(dt_feed_text(D, DT_STREAM, four, step, TRK_UP), 4);
        CHECK_INT(msgs[0].rawlen, 30);
        CHECK_STR(msgs[1].type, "position");
        CHECK_INT(msgs[1].status, TRK_OK);
        CHECK_NEAR(msgs[1].rec[0].lat, 36.815109, 1e-9);
        CHECK_STR(msgs[2].type, "voice-request");
        CHECK_STR(msgs[3].type, "heartbeat");
    }
    /* a wrong length field, then a good frame: cut at "][" */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[SG*9081000548*0009*LK,0,100][SG*9081000548*0002*LK]", 0, TRK_UP), 2);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_INT(msgs[0].rawlen, 29);
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_INT(dt_feed_text(D, DT_STREAM, "[SG*9081000548*0007*LK,0,100][SG*9081000548*0002*LK]", 1, TRK_UP), 2);
    CHECK_STR(msgs[0].problem, "length field says 7, frame has 8");
    CHECK_INT(msgs[1].status, TRK_OK);

    /* garbage */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "abc[SG*8800000015*0002*LK]", 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_CONTAINS(msgs[0].problem, "3 bytes skipped");
    CHECK_STR(msgs[1].type, "heartbeat");

    struct trk_state st;
    memset(&st, 0, sizeof st);
    const unsigned char *p = (const unsigned char *)"[SG*8800000015*0002*LK][";
    for (size_t k = 0; k < 23; k++) CHECK_INT(D->frame(p, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame(p, 23, TRK_UP, &st), 23);
    CHECK_INT(D->frame(p, 24, TRK_UP, &st), 23);
    CHECK_INT(D->frame((const unsigned char *)"xy[", 3, TRK_UP, &st), -2);
    CHECK_INT(D->frame((const unsigned char *)"[S G*", 5, TRK_UP, &st), -1);
}

static void test_probe(void)
{
    const char *lk = "[SG*8800000015*0002*LK]";
    CHECK(D->probe((const unsigned char *)lk, strlen(lk), TRK_TCP) >= 80);
    CHECK(D->probe((const unsigned char *)lk, 10, TRK_TCP) < 50);
    CHECK_INT(D->probe((const unsigned char *)lk, strlen(lk), TRK_UDP), 0);
    CHECK_INT(D->probe((const unsigned char *)"(027044702512BP05", 17, TRK_TCP), 0);
    CHECK_INT(D->probe((const unsigned char *)"GET / HTTP/1.1", 14, TRK_TCP), 0);
    CHECK_STR(D->name, "watch");
    CHECK_INT(D->ports[0], 5093);
    CHECK_INT(D->transports, TRK_TCP);
}

int main(void)
{
    test_keepalive();
    test_location();
    test_alarm();
    test_health_and_others();
    test_escapes();
    test_framing();
    test_probe();
    return check_done("watch");
}
