/* test_arnavi.c: unit tests of the Arnavi dissector: header packets, data packages with
 * float coordinate tags, text and binary packets, $AV text lines, server ACKs and the time
 * answer, length / framing problems, framing byte by byte, several messages in one chunk,
 * garbage, and the probe. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_arnavi;
static const struct dissector *const D = &dissector_arnavi;

/* text as hex */
static const char *hx(const char *s)
{
    static char out[4096];
    return dt_hex((const unsigned char *)s, strlen(s), out, sizeof out);
}

static const char *HDR = "ff23f30c45f5c90f0300";
/* arnavi-011: one data packet */
static const char *PKG = "5b01012800a3175f5903513934420447221c42055402781e0900f0c5215b4e0084005c00007c005d0000a300fa37010000295d";
/* arnavi-018: HDOP, power/battery */
static const char *PKG2 = "5b01013c00fd5aaa5a03958b5e42048fd51442050015770097db000000075fd69b130802fa00180900d0c564010f11ea3a5b070009015c00009c005d00008c00fa32010000a65d";

static void test_header(void)
{
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, HDR, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "login");
    CHECK_STR(m->imei, "861785007918323");
    CHECK_STR(F(m, "version"), "0x23");
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 0x100);

    /* v3 header: 8 more bytes (arnavi-015) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "ff24f30c45f5c90f03000102030405060708", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].rawlen, 18);
    CHECK_STR(F(&msgs[0], "extra"), "0102030405060708");

    /* v1 header: answered by 7B 00 00 7D */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "ff22f30c45f5c90f0300", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].want_reply.key, 0);

    /* an unknown version byte is not a header: skipped */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "ff30f30c45f5c90f0300", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "garbage");
}

static void test_package(void)
{
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, PKG, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(F(m, "sequence"), "1");
    CHECK_STR(F(m, "packets"), "1");
    CHECK_STR(F(m, "check"), "0x29");
    CHECK_INT(m->nrec, 1);
    struct trk_record *r = &m->rec[0];
    CHECK_INT(r->time_ms / 1000, 1499404195);
    CHECK_NEAR(r->lat, 45.05597, 1e-5);
    CHECK_NEAR(r->lon, 39.03347, 1e-5);
    CHECK_NEAR(r->speed, 30 * 1.852, 1e-9);
    CHECK_NEAR(r->course, 168, 1e-9);
    CHECK_NEAR(r->alt, 20, 1e-9);
    CHECK_INT(r->sats, 15);
    CHECK(r->valid);
    CHECK_INT(r->io_count, 8);
    CHECK_INT(m->io[0].id, 3);
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 1);
    CHECK_INT(m->want_reply.count, 1);

    CHECK_INT(dt_feed_hex(D, DT_WHOLE, PKG2, 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(F(m, "hdop"), "2.19");
    CHECK_STR(F(m, "power"), "15.082");
    CHECK_STR(F(m, "battery"), "4.367");
    CHECK_INT(m->rec[0].time_ms / 1000, 1521113853);
    CHECK_NEAR(m->rec[0].lat, 55.63631, 1e-5);
    CHECK_NEAR(m->rec[0].lon, 37.20855, 1e-5);

    /* two packets in one package (arnavi-014) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "5b01012800a3175f5903513934420447221c42055402781e0900f0c5215b4e0084005c00007c005d0000a300fa3701000029012800a3175f5903513934420447221c42055402781e0900f0c5215b4e0084005c00007c005d0000a300fa37010000295d", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].nrec, 2);
    CHECK_INT(msgs[0].want_reply.count, 2);

    /* text packet (frame corpus arnavi-f05) and binary packet with tags (f07) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "5b01030700e3f16b50747261636361721b5d", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "info");
    CHECK_STR(F(&msgs[0], "text"), "traccar");
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "5b01061400e3f16b5003298b5e4204cbd514420500191000080400ff021b5d", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].nrec, 1);
    CHECK_NEAR(msgs[0].rec[0].lat, 55.63590, 1e-4);

    /* command result */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "5bfd005d", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_STR(F(&msgs[0], "result"), "0");
}

static void test_text(void)
{
    /* arnavi-001 with its CRLF */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, hx("$AV,V4,999999,12487,2277,203,65534,0,0,193,65535,65535,65535,65535,1,13,80.0,56.1,200741,5950.6773N,03029.1043E,300.0,360.0,121012,65535,65535,65535,SF*6E\r\n"), 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "999999");
    CHECK_STR(F(m, "version"), "V4");
    CHECK_STR(F(m, "checksum"), "6E");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms / 1000, trk_timegm(2012, 10, 12, 20, 7, 41));
    CHECK_NEAR(m->rec[0].lat, 59 + 50.6773 / 60, 1e-9);
    CHECK_NEAR(m->rec[0].lon, 30 + 29.1043 / 60, 1e-9);
    CHECK_INT(m->rec[0].sats, 13);
    CHECK(m->rec[0].valid);
    CHECK_NEAR(m->rec[0].alt, 80.0, 1e-9);
    CHECK_NEAR(m->rec[0].speed, 300.0 * 1.852, 1e-9);
    CHECK_NEAR(m->rec[0].course, 360.0, 1e-9);
    CHECK_STR(F(m, "power"), "22.77");
    CHECK(!m->want_reply.set);

    /* V2 without CRLF (the end of the input ends it), southern / western hemisphere */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, hx("$AV,V2,32768,12487,2277,203,-1,0,0,193,0,0,1,13,200741,5950.6773S,03029.1043W,0.0,0.0,121012,*6E"), 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_NEAR(m->rec[0].lat, -(59 + 50.6773 / 60), 1e-9);
    CHECK_NEAR(m->rec[0].lon, -(30 + 29.1043 / 60), 1e-9);

    /* no fix: the receiver's 1980-01-06 default date (arnavi-004) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, hx("$AV,V4,85164,20709,1148,418,-1,0,1,192,0,0,0,0,0,0,,,000023,0000.0000N,00000.0000E,0.0,0.0,060180,0,0,32767,*4F"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].rec[0].time_ms / 1000, trk_timegm(1980, 1, 6, 0, 0, 23));
    CHECK(!msgs[0].rec[0].valid);

    /* information lines */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, hx("$AV,V6SD,85164,20708,-1,3,6,37,33,*52\r\n"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "info");
    CHECK_STR(msgs[0].imei, "85164");
    CHECK_INT(msgs[0].nrec, 0);

    /* a V2 line without its position fields */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, hx("$AV,V2,32768,12487\r\n"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "no time and position fields in a V2 line");
}

static void test_server(void)
{
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "7b00017d", 0, TRK_DOWN), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK(m->is_reply.set);
    CHECK_INT(m->is_reply.key, 1);
    CHECK_STR(F(m, "sequence"), "1");

    /* v2 header answer: sum of the time bytes, then the time */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "7b0400a5010203047d", 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_MALFORMED);
    CHECK_STR(m->problem, "checksum mismatch: field 0xA5, computed 0x0A");
    CHECK_SPAN(m, 3, 1);                            /* after 7b, length, id */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "7b04000a010203047d7b00027d", 1, TRK_DOWN), 2);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].is_reply.key, 0x100);
    CHECK_INT(msgs[1].is_reply.key, 2);
    CHECK_STR(F(&msgs[1], "sequence"), "2");

    /* a command, and the short 7B 7D form */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "7b03ff00414243" "7d", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "command");
    CHECK_STR(F(&msgs[0], "data"), "414243");
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "7b7d", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_INT(msgs[0].status, TRK_OK);

    /* a damaged closing byte */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "7b00017e", 0, TRK_DOWN), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "missing 7d at offset 3");
}

static void test_problems(void)
{
    /* the package ends inside a packet (end of input) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "5b01012800a3175f5903513934420447221c420554", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "length field says 40, frame has 11");

    /* packet data not a multiple of 5 bytes */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "5b01010600a3175f590351393442aa295d", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "tag area of 6 bytes at offset 9 is not a multiple of 5");
    CHECK_SPAN(&msgs[0], 9, 6);
    CHECK_STR(dt_span_hex(&msgs[0]), "0351393442aa");

    /* no closing bracket at the end of the input */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "5b01030700e3f16b50747261636361721b", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "truncated at offset 17");
    CHECK_SPAN(&msgs[0], 0, 0);                     /* at the end: nothing of the 5d there */

    /* header packet cut short */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "ff23f30c45", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
}

static void test_framing(void)
{
    char all[2048];
    snprintf(all, sizeof all, "%s%s%s%s", HDR, PKG, hx("$AV,V6SD,85164,20708,-1,3,6,37,33,*52\r\n"), PKG2);
    struct trk_state st = dt_state(TRK_TCP);
    CHECK_INT(dt_feed_hex_state(D, &st, DT_STREAM, all, 1, TRK_UP), 4);
    CHECK_STR(msgs[0].type, "login");
    CHECK_INT(msgs[0].rawlen, 10);
    CHECK_STR(msgs[1].type, "position");
    CHECK_INT(msgs[1].rawlen, 51);
    CHECK_STR(msgs[2].type, "info");
    CHECK_INT(msgs[2].rawlen, 39);
    CHECK_INT(msgs[3].status, TRK_OK);
    CHECK_NEAR(msgs[3].rec[0].lat, 55.63631, 1e-5);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, all, 0, TRK_UP), 4);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, all, 7, TRK_UP), 4);
    CHECK_INT(msgs[1].rec[0].time_ms / 1000, 1499404195);

    /* garbage before a package */
    char garb[512];
    snprintf(garb, sizeof garb, "001122%s", PKG);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, garb, 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_CONTAINS(msgs[0].problem, "3 bytes skipped");
    CHECK_INT(msgs[1].status, TRK_OK);

    /* frame() directly */
    unsigned char b[200];
    size_t n = check_unhex(PKG, b, sizeof b);
    for (size_t k = 0; k < n; k++) CHECK_INT(D->frame(b, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), 51);
    n = check_unhex("5b01ee", b, sizeof b);           /* 0xEE is not a packet type */
    CHECK_INT(D->frame(b, n, TRK_UP, &st), -3);
    n = check_unhex("7b0001", b, sizeof b);
    CHECK_INT(D->frame(b, n, TRK_DOWN, &st), 0);
}

static void test_probe(void)
{
    unsigned char b[200];
    size_t n = check_unhex(HDR, b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 80);
    CHECK_INT(D->probe(b, n, TRK_UDP), 0);
    n = check_unhex(PKG, b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 80);
    CHECK(D->probe(b, 10, TRK_TCP) < 50);
    n = check_unhex(hx("$AV,V4,999999,1"), b, sizeof b);
    int t = D->probe(b, n, TRK_TCP);
    CHECK(t >= 50 && t < 80);
    n = check_unhex(hx("[SG*8800000015*0002*LK]"), b, sizeof b);   /* Watch protocol */
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
    n = check_unhex(hx("$GPRMC,1"), b, sizeof b);
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
    CHECK_STR(D->name, "arnavi");
    CHECK_INT(D->ports[0], 5100);
}

int main(void)
{
    test_header();
    test_package();
    test_text();
    test_server();
    test_problems();
    test_framing();
    test_probe();
    return check_done("arnavi");
}
