/* test_queclink.c: unit tests of the Queclink @Track dissector: text reports
 * through the framer (whole, byte by byte, several per chunk, garbage before
 * them), location blocks, identity, heartbeat and its +SACK, binary +RSP/+EVT/
 * +ACK and 2B 00 frames, and the problems reported for bad input. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_queclink;
static const struct dissector *const D = &dissector_queclink;

#define FRI "+RESP:GTFRI,02010C,867844001274144,,0,0,1,1,18.0,233,118.1,7.615551,51.515600,20140106130516,0262,0007,79E6,B956,,72,20140106140524,09CE$"

static void test_fri(void)
{
    for (size_t step = 0; step <= 7; step += 7) {
        CHECK_INT(dt_feed_text(D, DT_WHOLE, FRI, step == 0 ? 0 : 1, TRK_UP), 1);
        struct trk_msg *m = &msgs[0];
        CHECK_INT(m->status, TRK_OK);
        CHECK_STR(m->type, "position");
        CHECK_STR(m->imei, "867844001274144");
        CHECK_STR(F(m, "protocol_version"), "02010C");
        CHECK_STR(F(m, "report"), "GTFRI");
        CHECK_STR(F(m, "count"), "09CE");
        CHECK_STR(F(m, "send_time"), "2014-01-06T14:05:24Z");
        CHECK_STR(F(m, "mcc"), "262");
        CHECK_STR(F(m, "mnc"), "7");
        CHECK_STR(F(m, "lac"), "31206");
        CHECK_INT(m->nrec, 1);
        struct trk_record *r = &m->rec[0];
        CHECK_INT(r->time_ms / 1000, 1389013516);      /* 2014-01-06 13:05:16 UTC */
        CHECK_NEAR(r->lat, 51.5156, 1e-9);
        CHECK_NEAR(r->lon, 7.615551, 1e-9);
        CHECK_NEAR(r->speed, 18.0, 1e-9);             /* km/h as sent */
        CHECK_NEAR(r->course, 233, 1e-9);
        CHECK_NEAR(r->alt, 118.1, 1e-9);
        CHECK(r->valid);
        CHECK(!m->want_reply.set);
        CHECK_INT(m->rawlen, strlen(FRI));
    }
    /* two blocks in one report, the second a last-known (accuracy 0) position */
    CHECK_INT(dt_feed_text(D, DT_WHOLE, "+RESP:GTFRI,020102,135790246811220,,0,0,2,1,4.3,92,70.0,121.354335,31.222073,20090214013254,"
                        "0460,0000,18d8,6141,00,0,4.3,92,70.0,-121.354335,-31.222073,20090101000000,0460,0000,18d8,"
                        "6141,00,,20090214093254,11F0$", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].nrec, 2);
    CHECK(msgs[0].rec[0].valid);
    CHECK(!msgs[0].rec[1].valid);
    CHECK_NEAR(msgs[0].rec[1].lat, -31.222073, 1e-9);
    CHECK_NEAR(msgs[0].rec[1].lon, -121.354335, 1e-9);
    CHECK_INT(msgs[0].rec[1].time_ms / 1000, 1230768000);
}

static void test_stream(void)
{
    /* three messages in one chunk, garbage in front, a missing '$' at the end */
    const char *s = "xx\r\n" FRI "+ACK:GTHBD,1A0102,135790246811220,,20100214093254,11F0$"
                    "+RESP:GTPNA,F50201,866425030235982,GL300M,20190208124909,0BD5";
    CHECK_INT(dt_feed_text(D, DT_WHOLE, s, 0, TRK_UP), 4);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_STR(msgs[1].type, "position");
    CHECK_STR(msgs[2].type, "heartbeat");
    CHECK_STR(msgs[3].type, "alarm");
    CHECK_STR(F(&msgs[3], "alarm"), "power-on");
    CHECK_INT(msgs[3].status, TRK_OK);
    CHECK_STR(msgs[3].imei, "866425030235982");
    CHECK_STR(F(&msgs[3], "device_name"), "GL300M");
    /* the same byte by byte and in 3-byte chunks */
    CHECK_INT(dt_feed_text(D, DT_WHOLE, s, 1, TRK_UP), 4);
    CHECK_STR(msgs[2].type, "heartbeat");
    CHECK_INT(dt_feed_text(D, DT_WHOLE, s, 3, TRK_UP), 4);
    CHECK_STR(msgs[3].type, "alarm");
}

static void test_heartbeat_and_sack(void)
{
    CHECK_INT(dt_feed_text(D, DT_WHOLE, "+ACK:GTHBD,1A0102,135790246811220,,20100214093254,11F0$", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_STR(m->type, "heartbeat");
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 0x11F0);
    CHECK_STR(m->imei, "135790246811220");

    CHECK_INT(dt_feed_text(D, DT_WHOLE, "+SACK:GTHBD,1A0102,11F0$", 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK_STR(F(m, "ack_for"), "GTHBD");
    CHECK(m->is_reply.set);
    CHECK(m->is_reply.accept);
    CHECK_INT(m->is_reply.key, 0x11F0);

    CHECK_INT(dt_feed_text(D, DT_WHOLE, "+SACK:11F0$+SACK:11F1$", 1, TRK_DOWN), 2);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_INT(msgs[0].is_reply.key, 0x11F0);
    CHECK_INT(msgs[1].is_reply.key, 0x11F1);

    CHECK_INT(dt_feed_text(D, DT_WHOLE, "+SACK:zz$", 0, TRK_DOWN), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "bad count number \"zz\" in +SACK");

    CHECK_INT(dt_feed_text(D, DT_WHOLE, "AT+GTHBD=gl300,1,,,,FFFF$", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "command");
    CHECK_STR(F(&msgs[0], "command"), "GTHBD");
}

static void test_acks_and_types(void)
{
    CHECK_INT(dt_feed_text(D, DT_WHOLE, "+ACK:GTGEO,1A0102,135790246811220,,0,0008,20100310172830,11F0$", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_STR(F(&msgs[0], "serial"), "0008");
    CHECK_INT(msgs[0].status, TRK_OK);

    CHECK_INT(dt_feed_text(D, DT_WHOLE, "+RESP:GTXYZ,1A0102,135790246811220,,20100310172830,11F0$", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported message type GTXYZ");
    CHECK_STR(msgs[0].imei, "135790246811220");

    /* IMEI right after the type (no protocol version) */
    CHECK_INT(dt_feed_text(D, DT_WHOLE, "+RESP:GTTRI,862370030005908,1,0,99,1,0.0,354,18.5,18.821100,-34.084002,20170607152024,"
                        "0655,0001,00DD,1CAE,00,0103010100,20170607172115,3E7D$", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].imei, "862370030005908");
    CHECK_INT(msgs[0].nrec, 1);
    CHECK_NEAR(msgs[0].rec[0].lat, -34.084002, 1e-9);

    CHECK_INT(dt_feed_text(D, DT_WHOLE, "+RESP:GTIGN,060228,862894020180553,,9860,0,0.2,189,420.0,-63.158195,-17.800608,"
                        "20160309022951,0736,0003,6AD4,3471,00,,881.2,20160308222956,129A$", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "event");
    CHECK_STR(F(&msgs[0], "ignition"), "1");
    CHECK_INT(msgs[0].nrec, 1);

    CHECK_INT(dt_feed_text(D, DT_WHOLE, "+RESP:", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
}

static void test_binary(void)
{
    /* +RSP report with one location record (corpus gl200-196) */
    const char *rsp = "2b5253500700fc1fbf005d4501020209563254030003430564377e42071001000000000000007eff75a151025c6a81"
                      "07e10801081a2a02680003189c1ac500000000000002100700000000000000000007e1080108241019e17ebe0d0a";
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, rsp, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(F(m, "header"), "+RSP");
    CHECK_STR(F(m, "battery_level"), "100");
    CHECK_STR(F(m, "power"), "14.206");
    CHECK_STR(F(m, "send_time"), "2017-08-01T08:36:16Z");
    CHECK_STR(F(m, "count"), "6625");
    CHECK_INT(m->nrec, 1);
    CHECK_NEAR(m->rec[0].lon, -9.068207, 1e-9);
    CHECK_NEAR(m->rec[0].lat, 39.611009, 1e-9);
    CHECK_NEAR(m->rec[0].alt, 126, 1e-9);
    CHECK_INT(m->rec[0].time_ms / 1000, 1501576002);    /* 2017-08-01 08:26:42 */
    CHECK_STR(F(m, "mcc"), "616");
    /* byte by byte, twice in a row */
    char two[1024];
    snprintf(two, sizeof two, "%s%s", rsp, rsp);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, two, 1, TRK_UP), 2);
    CHECK_INT(msgs[1].nrec, 1);
    CHECK_INT(msgs[1].status, TRK_OK);

    /* binary +ACK with a device name instead of an IMEI (gl200-199) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "2b41434b017f244501010108676231303000000000ffff07e1070b03112d054dfe030d0a", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_STR(F(&msgs[0], "device_name"), "gb100");
    CHECK_STR(F(&msgs[0], "count"), "1357");

    /* 2B 00 frame: BCD IMEI and a GNSS TLV (gl200-192) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "2b000038000865134050947226820300030000216a3ed6f101895000521629fa8b28f402ac1a8e6a3ed6f1"
                       "00001600000010f505010ff824", 3, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->imei, "865134050947226");
    CHECK_INT(m->nrec, 1);
    CHECK_NEAR(m->rec[0].lat, 44.833422, 1e-9);
    CHECK_NEAR(m->rec[0].lon, -91.543308, 1e-9);
    CHECK_INT(m->rec[0].time_ms / 1000, 0x6a3ed6f1);

    /* a binary frame cut short at the end of input */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "2b5253500700fc1fbf005d45010202095632", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "length field says 93, frame has 18");

    /* +HBD asks for an answer keyed by its count */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "2b48424401204501020209000312345678901207e1070b03112d0102abcd0d0a", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK(msgs[0].want_reply.set);
    CHECK_INT(msgs[0].want_reply.key, 0x0102);
    CHECK_STR(F(&msgs[0], "send_time"), "2017-07-11T03:17:45Z");
    /* its length byte says 27: the framer cuts there and the rest is judged alone */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "2b484244011b4501020209000312345678901207e1070b03112d0102abcd0d0a", 0, TRK_UP), 2);
    CHECK_INT(msgs[1].status, TRK_MALFORMED);
}

static void test_probe(void)
{
    const char *fri = FRI;
    CHECK(D->probe((const uint8_t *)fri, strlen(fri), TRK_TCP) >= 80);
    CHECK(D->probe((const uint8_t *)"+SACK:11F0$", 11, TRK_TCP) < 80);
    CHECK(D->probe((const uint8_t *)"hello world", 11, TRK_TCP) == 0);
    unsigned char b[128];
    size_t n = check_unhex("2b41434b017f244501010108676231303000000000ffff07e1070b03112d054dfe030d0a", b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 80);
    CHECK(D->probe(b, 3, TRK_TCP) < 50);
}

int main(void)
{
    test_fri();
    test_stream();
    test_heartbeat_and_sack();
    test_acks_and_types();
    test_binary();
    test_probe();
    return check_done("queclink");
}
