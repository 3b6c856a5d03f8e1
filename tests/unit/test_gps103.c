/* test_gps103.c: unit tests of the GPS103 / Coban dissector: framing on ';',
 * line ends and '*' (whole, byte by byte, several per chunk), logon and
 * heartbeat with their LOAD/ON answers, the fix time from the local date and
 * the UTC time of day, knots to km/h, alarms, LBS, OBD, photo data, the
 * alternative form, server commands, problem texts and probing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_gps103;
static const struct dissector *const D = &dissector_gps103;

#define R043 "imei:359710045559474,tracker,151030080103,,F,000101.000,A,5443.3834,N,02512.9071,E,0.00,0;"
#define R044 "imei:359710049092324,tracker,151027025958,,F,235957.000,A,2429.5156,N,04424.5828,E,0.01,27.91,,0,0,,,;"
#define R045 "imei:865328021058861,tracker,151027041419,,F,011531.000,A,6020.2979,N,02506.1940,E,0.49,113.30,,0,0,0.0%,,;"
#define LOGON "##,imei:359586015829802,A;"

static void test_position(void)
{
    static const size_t steps[] = {0, 1, 6};
    for (size_t s = 0; s < 3; s++) {
        CHECK_INT(dt_feed_text(D, DT_STREAM, R043, steps[s], TRK_UP), 1);
        struct trk_msg *m = &msgs[0];
        CHECK_INT(m->status, TRK_OK);
        CHECK_STR(m->type, "position");
        CHECK_STR(m->imei, "359710045559474");
        CHECK_INT(m->nrec, 1);
        /* local 08:01:03, UTC 00:01:01: the fix is 00:01:01 UTC the same day */
        CHECK_INT(m->rec[0].time_ms, 1446163261000LL);
        CHECK_NEAR(m->rec[0].lat, 54.72306, 1e-5);
        CHECK_NEAR(m->rec[0].lon, 25.21512, 1e-5);
        CHECK(m->rec[0].valid);
        CHECK_STR(msg_field_get(m, "tz_offset_h"), "8");
        CHECK(dt_raw_is(m, R043));
    }
    /* local 02:59:58 on the 27th, UTC 23:59:57: the fix is on the 26th */
    dt_feed_text(D, DT_STREAM, R044, 0, TRK_UP);
    CHECK_INT(msgs[0].rec[0].time_ms, 1445903997000LL);
    CHECK_STR(msg_field_get(&msgs[0], "tz_offset_h"), "3");
    /* speed in knots */
    dt_feed_text(D, DT_STREAM, R045, 0, TRK_UP);
    CHECK_INT(msgs[0].rec[0].time_ms, 1445908531000LL);
    CHECK_NEAR(msgs[0].rec[0].speed, 0.49 * 1.852, 1e-9);
    CHECK_NEAR(msgs[0].rec[0].course, 113.3, 1e-9);
    CHECK_STR(msg_field_get(&msgs[0], "fuel1"), "0.0%");
    /* date with separators, south and east */
    dt_feed_text(D, DT_STREAM, "imei:359710040656622,tracker,13/02/27 23:40,,F,125952.000,A,3450.9430,S,13828.6753,E,0.00,0;", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_NEAR(msgs[0].rec[0].lat, -(34 + 50.9430 / 60), 1e-6);
    CHECK_INT(msgs[0].rec[0].time_ms, 1361969992000LL);   /* 2013-02-27 12:59:52 UTC */
    /* hemisphere before the value */
    dt_feed_text(D, DT_STREAM, "imei:353552045403597,tracker,150420050648,53.0,F,0.0,A,N,5306.64155,E,00700.77848,0.0,,1.0,;", 0, TRK_UP);
    CHECK_NEAR(msgs[0].rec[0].lat, 53 + 6.64155 / 60, 1e-6);
    CHECK_NEAR(msgs[0].rec[0].lon, 7 + 0.77848 / 60, 1e-6);
    /* the alternative form with decimal degrees */
    dt_feed_text(D, DT_STREAM, "imei:861359038609986,Equipo 1,---,------,----,214734,241018,26,1,-33.42317,-70.61930,067,229,0674,1.00,08,0,1,---,*", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "position");
    CHECK_NEAR(msgs[0].rec[0].lat, -33.42317, 1e-9);
    CHECK_INT(msgs[0].rec[0].time_ms, 1540417654000LL);
    CHECK_INT(msgs[0].rec[0].sats, 8);
    CHECK_STR(msg_field_get(&msgs[0], "name"), "Equipo 1");
    /* a heartbeat run into the report */
    dt_feed_text(D, DT_STREAM, "359769031878322imei:359769031878322,tracker,1602160718,2,F,221811.000,A,1655.2193,S,14546.6722,E,0.00,,;", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].imei, "359769031878322");
    CHECK_INT(msgs[0].nrec, 1);
}

static void test_session(void)
{
    dt_feed_text(D, DT_STREAM, LOGON, 0, TRK_UP);
    CHECK_STR(msgs[0].type, "login");
    CHECK_STR(msgs[0].imei, "359586015829802");
    CHECK(msgs[0].want_reply.set);
    CHECK_INT(msgs[0].want_reply.key, 1);
    dt_feed_text(D, DT_STREAM, "359586015829802;", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK_STR(msgs[0].imei, "359586015829802");
    CHECK_INT(msgs[0].want_reply.key, 2);
    for (size_t step = 0; step < 2; step++) {
        CHECK_INT(dt_feed_text(D, DT_STREAM, "LOADON", step, TRK_DOWN), 2);
        CHECK_STR(msgs[0].type, "ack");
        CHECK_INT(msgs[0].is_reply.key, 1);
        CHECK(msgs[0].is_reply.accept);
        CHECK_STR(msgs[1].type, "ack");
        CHECK_INT(msgs[1].is_reply.key, 2);
    }
    dt_feed_text(D, DT_STREAM, "**,imei:359586015829802,E;", 0, TRK_DOWN);
    CHECK_STR(msgs[0].type, "command");
    CHECK_STR(msgs[0].imei, "359586015829802");
    CHECK_STR(msg_field_get(&msgs[0], "command"), "E");
    /* logon, heartbeat and a report in one chunk, and byte by byte */
    for (size_t step = 0; step < 2; step++) {
        CHECK_INT(dt_feed_text(D, DT_STREAM, LOGON "359586015829802;" R043 "\r\n" R044, step, TRK_UP), 4);
        CHECK_STR(msgs[0].type, "login");
        CHECK_STR(msgs[1].type, "heartbeat");
        CHECK(dt_raw_is(&msgs[2], step ? R043 : R043 "\r\n"));   /* line ends go with a frame when here */
        CHECK_INT(msgs[3].rec[0].time_ms, 1445903997000LL);
    }
}

static void test_other(void)
{
    dt_feed_text(D, DT_STREAM, "imei:359586015829802,help me,0809231429,13554900601,F,062947.294,A,2234.4026,N,11354.3277,E,0.00,;", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "alarm");
    CHECK_STR(msg_field_get(&msgs[0], "alarm"), "sos");
    CHECK_STR(msg_field_get(&msgs[0], "phone"), "13554900601");
    CHECK_INT(msgs[0].nrec, 1);
    dt_feed_text(D, DT_STREAM, "imei:864895030279986,ac alarm,180404174252,,L,,,296a,,51f7,,,", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "alarm");
    CHECK_STR(msg_field_get(&msgs[0], "lac"), "296a");
    CHECK_STR(msg_field_get(&msgs[0], "cid"), "51f7");
    CHECK_INT(msgs[0].nrec, 0);
    dt_feed_text(D, DT_STREAM, "imei:863070016871385,tracker,0000000119,,L,,,0FB6,,CB5D,,,", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "lbs");
    dt_feed_text(D, DT_STREAM, "imei:359710049090138,OBD,160629022949,51442,0.00,15.88,5632,122,40.39%,95,0.00%,2101,13.80,,,,;", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "obd");
    CHECK_INT(msgs[0].status, TRK_OK);
    dt_feed_text(D, DT_STREAM, "imei:864180036029895,acc on,180508145653,,F,065645.000,A,4729.1497,N,01904.2342,E,0.00,0,,1,,0.00%,,;", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "event");
    CHECK_STR(msg_field_get(&msgs[0], "ignition"), "on");
    dt_feed_text(D, DT_STREAM, "imei:864180034124375,vr,0c00fa011ea05a03;", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "photo");
    CHECK_STR(msg_field_get(&msgs[0], "photo_bytes"), "8");
    dt_feed_text(D, DT_STREAM, "imei:868683026321020,T:+11,181217080050,,F,080047.000,A,3227.3057,N,11649.4754,W,0.00,0,,0,0,0.00%,,+11;", 0, TRK_UP);
    CHECK_STR(msg_field_get(&msgs[0], "temp"), "+11");
    /* not this protocol's grammar */
    dt_feed_text(D, DT_STREAM, "hello;", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported message: no imei: prefix");
    dt_feed_text(D, DT_STREAM, "##,foo;", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "framing: logon without imei:");
    /* a stream that ends without a terminator */
    dt_feed_text(D, DT_STREAM, "imei:359710045559474,tracker", 0, TRK_UP);
    CHECK_CONTAINS(msgs[0].problem, "incomplete at end of stream");
    /* UDP datagram */
    struct trk_msg *u = dt_udp_text(D, R043, TRK_UP);
    CHECK_INT(u->status, TRK_OK);
    CHECK_INT(u->nrec, 1);
}

static void test_probe(void)
{
    CHECK(dt_probe_text(D, LOGON, TRK_TCP) >= 80);
    CHECK(dt_probe_text(D, R043, TRK_TCP) >= 70);
    CHECK(dt_probe_text(D, "359586015829802;", TRK_TCP) >= 50);
    CHECK(dt_probe_text(D, "12345;", TRK_TCP) < 50);
    CHECK(dt_probe_text(D, "imei:abc", TRK_TCP) < 50);
    CHECK(dt_probe_text(D, "#L#2.0;42001300083;;CE45", TRK_TCP) < 50);
    CHECK(dt_probe_text(D, "ST300STT;100850000;01;010", TRK_TCP) < 50);
    CHECK_INT(dt_probe_text(D, "", TRK_TCP), 0);
}

int main(void)
{
    test_position();
    test_session();
    test_other();
    test_probe();
    return check_done("gps103");
}
