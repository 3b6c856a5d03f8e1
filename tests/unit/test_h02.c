/* test_h02.c: unit tests of the H02 dissector: ASCII and binary framing
 * through the framer (whole, byte by byte, mixed, garbage, CR/LF), decoded
 * positions (time, coordinate variants, knots to km/h, status word), LBS,
 * heartbeat, command replies, server messages, problem texts and probing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_h02;
static const struct dissector *const D = &dissector_h02;

#define V1_050 "*HQ,4210051415,V1,164549,A,0956.3869,N,08406.7068,W,000.00,000,221215,FFFFFBFF,712,01,0,0,6#"
#define BIN_078 "24410600082621532131081504419390060740418306000000fffffbfdff0015060000002c02dc0c000000001f"
#define BIN_077 "2441060116601245431311165035313006004318210e000000fffffbffff0024"

static void test_v1(void)
{
    static const size_t steps[] = {0, 1, 5};
    for (size_t s = 0; s < 3; s++) {
        CHECK_INT(dt_feed_text(D, DT_STREAM, V1_050, steps[s], TRK_UP), 1);
        struct trk_msg *m = &msgs[0];
        CHECK_INT(m->status, TRK_OK);
        CHECK_STR(m->type, "position");
        CHECK_STR(m->imei, "4210051415");
        CHECK_INT(m->nrec, 1);
        CHECK_INT(m->rec[0].time_ms, 1450802749000LL);
        CHECK_NEAR(m->rec[0].lat, 9.93978, 1e-5);
        CHECK_NEAR(m->rec[0].lon, -84.11178, 1e-5);
        CHECK(m->rec[0].valid);
        CHECK(m->rec[0].has & TRK_R_SPEED);
        CHECK_STR(msg_field_get(m, "status"), "4294966271");
        CHECK_STR(msg_field_get(m, "mcc"), "712");
        CHECK_STR(msg_field_get(m, "cid"), "0");
        CHECK(dt_raw_is(m, V1_050));
        CHECK(!m->want_reply.set);
    }
}

static void test_variants(void)
{
    /* -dd-mm.mmmm coordinates, speed in knots */
    dt_feed_text(D, DT_STREAM, "*HQ,1451316409,V1,030149,A,-23-29.0095,S,-46-51.5852,W,2.4,065,070315,FFFFFFFF#", 0, TRK_UP);
    CHECK_INT(msgs[0].rec[0].time_ms, 1425697309000LL);
    CHECK_NEAR(msgs[0].rec[0].lat, -23.48349, 1e-5);
    CHECK_NEAR(msgs[0].rec[0].lon, -46.85975, 1e-5);
    CHECK_NEAR(msgs[0].rec[0].speed, 2.4 * 1.852, 1e-9);
    CHECK_NEAR(msgs[0].rec[0].course, 65, 1e-9);
    /* empty validity: not valid */
    dt_feed_text(D, DT_STREAM, "*HQ,355488020119695,V1,050418,,2827.61232,N,07703.84822,E,0.00,0,031015,FFFEFBFF#", 0, TRK_UP);
    CHECK(!msgs[0].rec[0].valid);
    CHECK_NEAR(msgs[0].rec[0].lat, 28.46021, 1e-5);
    CHECK_INT(msgs[0].rec[0].time_ms, 1443848658000LL);
    /* 8 digits without a dot, leading blanks in the speed */
    dt_feed_text(D, DT_STREAM, "*HQ,5905101893,V1,105759,A,37573392,S,145037022,E,  3.0,173,280122,FF7FFBFF,,,9059e2c,8232,4#", 0, TRK_UP);
    CHECK_NEAR(msgs[0].rec[0].lat, -(37 + 57.3392 / 60), 1e-6);
    CHECK_NEAR(msgs[0].rec[0].lon, 145 + 3.7022 / 60, 1e-6);
    CHECK_NEAR(msgs[0].rec[0].speed, 3.0 * 1.852, 1e-9);
    /* dddmm with 0 degrees */
    dt_feed_text(D, DT_STREAM, "*HQ,9001000002,V8,213945,A,3542.2043,N,38.6508,W,0.00,170,221025,FBFFF9FF,0,0,0,0,22,31,126,0#", 0, TRK_UP);
    CHECK_NEAR(msgs[0].rec[0].lon, -0.64418, 1e-5);
    /* lower-case maker, no time: a fix without a time */
    dt_feed_text(D, DT_STREAM, "*hq,356327080425330,VP1,A,2702.7245,S,15251.9311,E,0.48,0.0000,080917#", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "position");
    CHECK(!(msgs[0].rec[0].has & TRK_R_TIME));
    CHECK_NEAR(msgs[0].rec[0].lat, -27.045408, 1e-5);
    /* empty ID */
    dt_feed_text(D, DT_STREAM, "*HQ,,V1,173212,A,2225.78879,S,02829.19021,E,0.00,0,290418,FFFFFBFF#", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].imei, "");
    /* empty coordinates: no record, still ok */
    dt_feed_text(D, DT_STREAM, "*HQ,353505510948929,V1,,V,,N,,E,0.00,0,,FFFFF7FF,f0,a,11a0,c0c6#", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].nrec, 0);
    CHECK_STR(msgs[0].type, "status");
    /* a command acknowledgement with its position */
    dt_feed_text(D, DT_STREAM, "*TH,2020916012,V4,S20,DONE,130305,050316,A,2212.8745,N,11346.6574,E,14.28,028,220902,F7FFFBFF#", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_STR(msg_field_get(&msgs[0], "command"), "S20");
    CHECK_INT(msgs[0].nrec, 1);
    CHECK_INT(msgs[0].rec[0].time_ms, 1032670996000LL);
    /* the status word in negative logic: bit 1 clear is SOS */
    dt_feed_text(D, DT_STREAM, "*HQ,1,V1,164549,A,0956.3869,N,08406.7068,W,000.00,000,221215,FFFFFFFD#", 0, TRK_UP);
    CHECK_STR(msg_field_get(&msgs[0], "alarm"), "sos");
}

static void test_other_ascii(void)
{
    dt_feed_text(D, DT_STREAM, "*HQ,135790246811220,HTBT,100#", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK_STR(msgs[0].imei, "135790246811220");
    CHECK_STR(msg_field_get(&msgs[0], "battery"), "100");
    dt_feed_text(D, DT_STREAM, "*HQ,4109179024,NBR,103732,722,310,0,2,8106,32010,23,8101,22007,25,100217,FFFFFBFF,5#", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "lbs");
    CHECK_STR(msg_field_get(&msgs[0], "mcc"), "722");
    CHECK_STR(msg_field_get(&msgs[0], "cells"), "8106/32010/23;8101/22007/25");
    CHECK_STR(msg_field_get(&msgs[0], "time"), "2017-02-10 10:37:32");
    CHECK_STR(msg_field_get(&msgs[0], "battery"), "5");
    dt_feed_text(D, DT_STREAM, "*HQ,1600068860,LINK,112137,20,8,67,0,0,081116,FFFFFBFF#", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "status");
    CHECK_STR(msg_field_get(&msgs[0], "sats"), "8");
    CHECK_STR(msg_field_get(&msgs[0], "battery"), "67");
    dt_feed_text(D, DT_STREAM, "*HQ,5226073533,SMS,VOLT:12.9V\nUT:30,30,300#", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_STR(msg_field_get(&msgs[0], "text"), "VOLT:12.9V\nUT:30,30,300");
    dt_feed_text(D, DT_STREAM, "*HQ,4109198974,#", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].imei, "4109198974");
    /* unknown command: well-formed, not understood */
    dt_feed_text(D, DT_STREAM, "*HQ,4109198974,ZZ9,1,2#", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported message type ZZ9");
    /* too few fields */
    dt_feed_text(D, DT_STREAM, "*HQ,4109198974#", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "framing");
    /* a terminator missing at the end of a whole input is accepted */
    dt_feed_text(D, DT_STREAM, "*HQ,135790246811220,HTBT", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);          /* a live stream that ends mid-message */
    CHECK_CONTAINS(msgs[0].problem, "incomplete at end of stream");
    /* UDP datagram */
    struct trk_msg *u = dt_udp_text(D, V1_050, TRK_UP);
    CHECK_INT(u->status, TRK_OK);
    CHECK_INT(u->nrec, 1);
    u = dt_udp_text(D, "*HQ,135790246811220,HTBT#", TRK_UP);
    CHECK_STR(u->type, "heartbeat");
}

static void test_binary(void)
{
    static const size_t steps[] = {0, 1, 7};
    for (size_t s = 0; s < 3; s++) {
        CHECK_INT(dt_feed_hex(D, DT_STREAM, BIN_078, steps[s], TRK_UP), 1);
        struct trk_msg *m = &msgs[0];
        CHECK_INT(m->status, TRK_OK);
        CHECK_STR(m->type, "position");
        CHECK_STR(m->imei, "4106000826");
        CHECK_INT(m->rawlen, 45);
        CHECK_INT(m->rec[0].time_ms, 1441058001000LL);
        CHECK_NEAR(m->rec[0].lat, 4.69898, 1e-5);
        CHECK_NEAR(m->rec[0].lon, -74.06971, 1e-5);
        CHECK(m->rec[0].valid);
        CHECK_STR(msg_field_get(m, "status"), "4294966269");
    }
    /* speed 014 knots, course 028 */
    dt_feed_hex(D, DT_STREAM, "2410307310010503162209022212874500113466574c014028fffffbffff0000", 0, TRK_UP);
    CHECK_NEAR(msgs[0].rec[0].speed, 14 * 1.852, 1e-9);
    CHECK_NEAR(msgs[0].rec[0].course, 28, 1e-9);
    CHECK_NEAR(msgs[0].rec[0].lat, 22 + 12.8745 / 60, 1e-6);
    CHECK_NEAR(msgs[0].rec[0].lon, 113 + 46.6574 / 60, 1e-6);
    /* 8-byte ID: a 15-digit IMEI */
    dt_feed_hex(D, DT_STREAM, "2435248308419329301047591808172627335900074412294e024138feffffffff01120064ba73005ecc", 0, TRK_UP);
    CHECK_STR(msgs[0].imei, "352483084193293");
    CHECK_INT(msgs[0].rec[0].time_ms, 1503053279000LL);
    /* two short records back to back, fed whole and byte by byte */
    for (size_t step = 0; step < 2; step++) {
        CHECK_INT(dt_feed_hex(D, DT_STREAM, BIN_077 BIN_077, step, TRK_UP), 2);
        CHECK_INT(msgs[0].rawlen, 32);
        CHECK_INT(msgs[1].rawlen, 32);
        /* nothing follows the last one: it could be the start of a 45-byte
         * record, so a live stream that ends there calls it incomplete */
        CHECK_STR(msgs[1].problem, "incomplete at end of stream: 32 bytes");
        CHECK_STR(msgs[1].imei, "4106011660");
    }
    /* a binary record and then an ASCII message */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, BIN_077 "2a48512c343130363031313636302c56312c3132343535322c412c353033352e333132392c4e2c30303433312e383231312c452c3030302e32302c3030302c3133313131362c464646464642464623", 0, TRK_UP), 2);
    CHECK_INT(msgs[0].rawlen, 32);
    CHECK_STR(msgs[1].type, "position");
    CHECK_STR(msgs[1].imei, "4106011660");
    /* a cut record */
    dt_feed_hex(D, DT_STREAM, "2441060116601245431311165035313006", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "truncated at offset");
}

static void test_framing(void)
{
    /* CR/LF after '#' stays with its frame */
    CHECK_INT(dt_feed_text(D, DT_STREAM, V1_050 "\r\n" V1_050 "\r\n", 0, TRK_UP), 2);
    CHECK_INT(msgs[0].rawlen, strlen(V1_050) + 2);
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_INT(dt_feed_text(D, DT_STREAM, V1_050 "\r\n" V1_050 "\r\n", 1, TRK_UP), 3);   /* byte by byte: the last CR/LF alone */
    CHECK_INT(msgs[0].rawlen, strlen(V1_050));
    CHECK_INT(msgs[1].rawlen, strlen(V1_050) + 2);
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_STR(msgs[2].type, "padding");
    /* garbage before a message is reported, then the message */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "abc" V1_050, 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_STR(msgs[0].problem, "3 bytes skipped: no h02 frame start");
    CHECK_INT(msgs[1].status, TRK_OK);
    /* several messages in one chunk */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "*HQ,1,HTBT#*HQ,2,HTBT#*HQ,3,HTBT#", 0, TRK_UP), 3);
    CHECK_STR(msgs[2].imei, "3");
}

static void test_down(void)
{
    dt_feed_text(D, DT_STREAM, "*HQ,4210051415,V4,V1,20151222164549#", 0, TRK_DOWN);
    CHECK_STR(msgs[0].type, "ack");
    CHECK(msgs[0].is_reply.set);
    CHECK(msgs[0].is_reply.accept);
    CHECK_STR(msgs[0].imei, "4210051415");
    dt_feed_text(D, DT_STREAM, "*HQ,135790246811220,HTBT#", 0, TRK_DOWN);
    CHECK_STR(msgs[0].type, "ack");
    dt_feed_text(D, DT_STREAM, "*HQ,4210051415,S20,130305,1,3,10,3,5,5,3,5,3,5,3,5#", 0, TRK_DOWN);
    CHECK_STR(msgs[0].type, "command");
    CHECK_STR(msg_field_get(&msgs[0], "command"), "S20");
}

static void test_probe(void)
{
    CHECK(dt_probe_text(D, V1_050, TRK_TCP) >= 80);
    CHECK(dt_probe_text(D, "*HQ,4210051415,V1,164549", TRK_TCP) >= 50);
    CHECK(dt_probe_hex(D, BIN_078, TRK_TCP) >= 80);
    CHECK(dt_probe_text(D, "*GS06,357330050846344,RST#", TRK_TCP) < 50);
    CHECK(dt_probe_text(D, "$AV,V4,999999,12487,2277,203", TRK_TCP) < 50);
    CHECK(dt_probe_text(D, "$INFO=358683066267395,AX7", TRK_TCP) < 50);
    CHECK(dt_probe_text(D, "*HELLO WORLD#", TRK_TCP) < 50);
    CHECK(dt_probe_hex(D, "242400166578902354329399034331453838d2c4", TRK_TCP) < 50);   /* Meiligao */
    CHECK_INT(dt_probe_text(D, "", TRK_TCP), 0);
}

int main(void)
{
    test_v1();
    test_variants();
    test_other_ascii();
    test_binary();
    test_framing();
    test_down();
    test_probe();
    return check_done("h02");
}
