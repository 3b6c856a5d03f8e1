/* test_wialon.c: unit tests of the Wialon IPS dissector: v1.1 and v2.0 packets,
 * CRC checks, black boxes, UDP datagrams, server answers, framing and probing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_wialon;
static const struct dissector *const D = &dissector_wialon;

static void test_login(void)
{
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#L#123456789012345;test\r\n", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "login");
    CHECK_STR(m->imei, "123456789012345");
    CHECK_STR(F(m, "password"), "test");
    CHECK_STR(F(m, "version"), "1.1");
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 1);

    /* v2.0 with a good CRC */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#L#2.0;123456789012345;NA;15CD\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].imei, "123456789012345");
    CHECK_STR(F(&msgs[0], "version"), "2.0");
    CHECK_STR(F(&msgs[0], "crc"), "15CD");

    /* v2.0 with a wrong CRC (wialon-001) */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#L#2.0;42001300083;;CE45\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "crc mismatch: field 0xCE45, computed 0xDBEB");
    CHECK_SPAN(&msgs[0], 20, 4);              /* the CRC's 4 hex digits, as text in the line */
    CHECK_STR(dt_span_hex(&msgs[0]), "43453435");
    CHECK_STR(msgs[0].imei, "42001300083");

    /* answers */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#AL#1\r\n", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK(msgs[0].is_reply.set);
    CHECK_INT(msgs[0].is_reply.key, 1);
    CHECK(msgs[0].is_reply.accept);
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#AL#01\r\n", 0, TRK_DOWN), 1);
    CHECK(!msgs[0].is_reply.accept);
    CHECK_STR(F(&msgs[0], "result"), "01");
}

static void test_short_data(void)
{
    /* wialon-013 */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#SD#270413;205601;5544.6025;N;03739.6834;E;1;2;3;4\r\n", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms, 1367096161000LL);
    CHECK_NEAR(m->rec[0].lat, 55.74337500, 1e-6);
    CHECK_NEAR(m->rec[0].lon, 37.66139000, 1e-6);
    CHECK_NEAR(m->rec[0].speed, 1, 1e-9);
    CHECK_NEAR(m->rec[0].course, 2, 1e-9);
    CHECK_NEAR(m->rec[0].alt, 3, 1e-9);
    CHECK_INT(m->rec[0].sats, 4);
    CHECK(m->rec[0].valid);
    CHECK_INT(m->want_reply.key, 2);

    /* v2.0 with CRC, and a bad one */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#SD#270413;205601;5544.6025;N;03739.6834;E;1;2;3;4;1985\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].nrec, 1);
    CHECK_INT(msgs[0].rec[0].sats, 4);
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#SD#270413;205601;5544.6025;N;03739.6834;E;1;2;3;4;1986\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "crc mismatch: field 0x1986, computed 0x1985");
    CHECK_SPAN(&msgs[0], msgs[0].rawlen - 6, 4);   /* "1986" before \r\n */

    /* too few fields */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#SD#270413;205601;5544.6025;N\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "SD packet has 4 fields, expected 10");

    /* NA everywhere: no time, no position */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#SD#NA;NA;NA;NA;NA;NA;NA;NA;NA;NA\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].nrec, 1);
    CHECK_INT(msgs[0].rec[0].has, 0);

    CHECK_INT(dt_feed_text(D, DT_STREAM, "#ASD#1\r\n", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_INT(msgs[0].is_reply.key, 2);
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#AD#13\r\n", 0, TRK_DOWN), 1);
    CHECK_INT(msgs[0].is_reply.key, 2);
    CHECK(!msgs[0].is_reply.accept);
}

static void test_data(void)
{
    /* wialon-016: south/west variant */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#D#270413;205601;5544.6025;S;03739.6834;W;1;2;3;4;0.0;0;0;14.77,0.02,3.6;NA;count1:1:564,fuel:2:45.8,hw:3:V4.5\r\n", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_NEAR(m->rec[0].lat, -55.743375, 1e-6);
    CHECK_NEAR(m->rec[0].lon, -37.66139, 1e-6);
    CHECK_STR(F(m, "hdop"), "0");
    CHECK_STR(F(m, "adc"), "14.77,0.02,3.6");
    CHECK_STR(F(m, "params"), "count1:1:564,fuel:2:45.8,hw:3:V4.5");
    CHECK(F(m, "ibutton") == NULL);

    /* v2.0 D with a CRC written 0x9b0 (wialon-004) */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#D#NA;NA;5429.681944502211763;N;02654.60403650999069;E;NA;NA;NA;NA;NA;NA;NA;1.0;NA;m1:1:9196679,d1:1:15397,t1:1:20,b1:1:162,fuel1:2:21588.0,pv1:2:35.98,finish:1:1;0x9b0\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(F(&msgs[0], "crc"), "09B0");
    CHECK_NEAR(msgs[0].rec[0].lat, 54.494699075, 1e-6);
    CHECK(!(msgs[0].rec[0].has & TRK_R_TIME));
    CHECK_STR(F(&msgs[0], "params"), "m1:1:9196679,d1:1:15397,t1:1:20,b1:1:162,fuel1:2:21588.0,pv1:2:35.98,finish:1:1");

    CHECK_INT(dt_feed_text(D, DT_STREAM, "#D#270413;205601\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "D packet has 2 fields, expected 16");
}

static void test_blackbox(void)
{
    const char *bb = "#B#270413;205601;5544.6025;N;03739.6834;E;1;2;3;4;NA;NA;NA;;NA;|"
                     "270413;205701;5544.6025;S;03739.6834;W;10;20;30;5;1.5;3;0;1.2,3.4;NA;fuel:2:45.8\r\n";
    CHECK_INT(dt_feed_text(D, DT_STREAM, bb, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->nrec, 2);
    CHECK_INT(m->rec[1].time_ms - m->rec[0].time_ms, 60000);
    CHECK_NEAR(m->rec[1].lat, -55.743375, 1e-6);
    CHECK_STR(F(m, "records"), "2");
    CHECK_INT(m->want_reply.key, 3);
    CHECK_INT(m->want_reply.count, 2);

    /* v2.0: the CRC follows the last '|' */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#B#270413;205601;5544.6025;S;03739.6834;W;10;20;30;5;1.5;3;0;1.2,3.4;NA;fuel:2:45.8|75C2\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].nrec, 1);
    CHECK_STR(F(&msgs[0], "crc"), "75C2");
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#B#270413;205601;5544.6025;S;03739.6834;W;10;20;30;5;1.5;3;0;1.2,3.4;NA;fuel:2:45.8|75C3\r\n", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].problem, "crc mismatch: field 0x75C3, computed 0x75C2");
    CHECK_SPAN(&msgs[0], msgs[0].rawlen - 6, 4);   /* after the last '|' */

    CHECK_INT(dt_feed_text(D, DT_STREAM, "#AB#2\r\n", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_INT(msgs[0].is_reply.key, 3);
    CHECK_INT(msgs[0].is_reply.count, 2);
    CHECK(msgs[0].is_reply.accept);
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#AB#\r\n", 0, TRK_DOWN), 1);
    CHECK(!msgs[0].is_reply.accept);
}

static void test_other_types(void)
{
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#P#\r\n", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].want_reply.key, 4);
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#AP#\r\n", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_INT(msgs[0].is_reply.key, 4);

    CHECK_INT(dt_feed_text(D, DT_STREAM, "#M#hello\r\n", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "text");
    CHECK_STR(F(&msgs[0], "text"), "hello");
    /* v2.0 session: the text carries a CRC */
    const char *two = "#L#2.0;123456789012345;NA;15CD\r\n#M#hello;8EF5\r\n";
    CHECK_INT(dt_feed_text(D, DT_STREAM, two, 0, TRK_UP), 2);
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_STR(F(&msgs[1], "text"), "hello");

    CHECK_INT(dt_feed_text(D, DT_STREAM, "#M#go home\r\n", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "command");
    CHECK_STR(F(&msgs[0], "text"), "go home");

    CHECK_INT(dt_feed_text(D, DT_STREAM, "#XY#1;2\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported packet type XY");

    CHECK_INT(dt_feed_text(D, DT_STREAM, "#D\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "no #TYPE# header");
}

static void test_udp(void)
{
    const char *a = "99999999#SD#270413;205601;5544.6025;N;03739.6834;E;1;2;3;4";
    dt_udp_text(D, a, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].imei, "99999999");
    CHECK_INT(msgs[0].rec[0].time_ms, 1367096161000LL);
    const char *b = "2.0;99999999#SD#270413;205601;5544.6025;N;03739.6834;E;1;2;3;4;1985";
    dt_udp_text(D, b, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].imei, "99999999");
    CHECK_STR(F(&msgs[0], "crc"), "1985");
    const char *c = "#AD#1";
    dt_udp_text(D, c, TRK_DOWN);
    CHECK_STR(msgs[0].type, "ack");
}

static void test_framing(void)
{
    const char *three = "#L#123456789012345;NA\r\n#SD#270413;205601;5544.6025;N;03739.6834;E;1;2;3;4\r\n#P#\r\n";
    for (size_t step = 0; step <= 1; step++) {
        CHECK_INT(dt_feed_text(D, DT_STREAM, three, step, TRK_UP), 3);
        CHECK_STR(msgs[0].type, "login");
        CHECK_INT(msgs[0].rawlen, 23);
        CHECK_STR(msgs[1].type, "position");
        CHECK_INT(msgs[1].status, TRK_OK);
        CHECK_INT(msgs[1].rec[0].time_ms, 1367096161000LL);
        CHECK_STR(msgs[2].type, "heartbeat");
    }
    CHECK_INT(dt_feed_text(D, DT_STREAM, "#AL#1\r\n#AD#1\r\n#AP#\r\n", 3, TRK_DOWN), 3);
    CHECK_INT(msgs[2].is_reply.key, 4);

    /* garbage before a line */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "xyz#P#\r\n", 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_CONTAINS(msgs[0].problem, "3 bytes skipped");
    CHECK_STR(msgs[1].type, "heartbeat");

    struct trk_state st;
    memset(&st, 0, sizeof st);
    const unsigned char *p = (const unsigned char *)"#P#\r\n#AP#";
    for (size_t k = 0; k < 5; k++) CHECK_INT(D->frame(p, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame(p, 5, TRK_UP, &st), 5);
    CHECK_INT(D->frame(p, 9, TRK_UP, &st), 5);
    CHECK_INT(D->frame((const unsigned char *)"ab#P#", 5, TRK_UP, &st), -2);
    CHECK_INT(D->frame((const unsigned char *)"abcd", 4, TRK_UP, &st), 0);
}

static void test_probe(void)
{
    const char *login = "#L#123456789012345;NA\r\n";
    CHECK(D->probe((const unsigned char *)login, strlen(login), TRK_TCP) >= 70);
    CHECK(D->probe((const unsigned char *)"#SD#1", 5, TRK_TCP) >= 50);
    CHECK_INT(D->probe((const unsigned char *)"##,imei:1234", 12, TRK_TCP), 0);
    CHECK_INT(D->probe((const unsigned char *)"#XYZ#", 5, TRK_TCP), 0);
    CHECK_INT(D->probe((const unsigned char *)"GET / HTTP/1.1", 14, TRK_TCP), 0);
    const char *u = "99999999#SD#270413";
    CHECK(D->probe((const unsigned char *)u, strlen(u), TRK_UDP) >= 60);
    CHECK_STR(D->name, "wialon");
    CHECK_INT(D->ports[0], 5039);
    CHECK_INT(D->transports, TRK_TCP | TRK_UDP);
}

int main(void)
{
    test_login();
    test_short_data();
    test_data();
    test_blackbox();
    test_other_types();
    test_udp();
    test_framing();
    test_probe();
    return check_done("wialon");
}
