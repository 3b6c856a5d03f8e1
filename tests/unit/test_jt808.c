/* test_jt808.c: unit tests of the JT/T 808 dissector: escaping and framing
 * through the framer (byte by byte, several frames per chunk, garbage), the
 * XOR and length checks, identity (BCD phone, 2019 header, binary IMEI),
 * locations (GMT+8, hemispheres, additional items), batches, registration,
 * the platform's replies, vendor messages and the text frames. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dtest.h"

extern const struct dissector dissector_jt808;
static const struct dissector *const D = &dissector_jt808;

/* n bytes as wire hex into out: 7e, the bytes with 7e/7d escaped, 7e */
static const char *wire_hex(const unsigned char *b, size_t n, char *out)
{
    size_t o = 0;
    o += (size_t)sprintf(out + o, "7e");
    for (size_t i = 0; i < n; i++) {
        if (b[i] == 0x7e) o += (size_t)sprintf(out + o, "7d02");
        else if (b[i] == 0x7d) o += (size_t)sprintf(out + o, "7d01");
        else o += (size_t)sprintf(out + o, "%02x", b[i]);
    }
    sprintf(out + o, "7e");
    return out;
}

/* a 2013 message as escaped wire hex: id, phone (12 digits), serial, body hex;
 * `xor_delta` spoils the check byte, `len_delta` the body length field */
static const char *mk(unsigned id, const char *phone, unsigned serial, const char *body_hex,
                      int xor_delta, int len_delta)
{
    static char out[8192];
    unsigned char b[2048], body[1500];
    size_t bl = check_unhex(body_hex, body, sizeof body), n = 0;
    unsigned char ph[6];
    check_unhex(phone, ph, 6);
    unsigned attr = (unsigned)((int)bl + len_delta) & 0x3FF;
    b[n++] = (unsigned char)(id >> 8);
    b[n++] = (unsigned char)id;
    b[n++] = (unsigned char)(attr >> 8);
    b[n++] = (unsigned char)attr;
    memcpy(b + n, ph, 6);
    n += 6;
    b[n++] = (unsigned char)(serial >> 8);
    b[n++] = (unsigned char)serial;
    memcpy(b + n, body, bl);
    n += bl;
    b[n] = (unsigned char)(xor8(b, n) + xor_delta);
    n++;
    return wire_hex(b, n, out);
}

/* any header and body as escaped wire hex, with the check byte */
static const char *mkh(const char *hdr_body_hex)
{
    static char out[8192];
    unsigned char b[2048];
    size_t n = check_unhex(hdr_body_hex, b, sizeof b - 1);
    b[n] = xor8(b, n);
    n++;
    return wire_hex(b, n, out);
}

/* 0x0200 basic block: alarm, status, lat, lon (1e-6), alt, speed (0.1 km/h), course, BCD time */
#define LOC_SOUTH_WEST "00000001" "0000000e" "0204f6b0" "03abf390" "0064" "01f4" "005a" "240102120000"

static void test_heartbeat_and_ack(void)
{
    /* corpus jt808-093 */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7e0002000004304832546500b7ca7e", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "heartbeat");
    CHECK_STR(m->imei, "043048325465");
    CHECK_STR(F(m, "msg_id"), "0x0002");
    CHECK_STR(F(m, "serial"), "183");
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 0x000200B7);

    /* the platform's general response 0x8001: serial 0x00b7, id 0x0002, result 0 */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(0x8001, "043048325465", 1, "00b7000200", 0, 0), 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK(m->is_reply.set);
    CHECK(m->is_reply.accept);
    CHECK_INT(m->is_reply.key, 0x000200B7);
    CHECK_STR(F(m, "reply_id"), "0x0002");
    CHECK_STR(F(m, "result"), "0");

    /* a failed result */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(0x8001, "043048325465", 2, "00b7000201", 0, 0), 0, TRK_DOWN), 1);
    CHECK(!msgs[0].is_reply.accept);
}

static void test_location(void)
{
    /* escaped: the status word 0x0000007e and 0x7d in the alt high byte need escapes */
    const char *hex = mk(0x0200, "013511221122", 0x7d7e,
                         "00000000" "0000007e" "0204f6b0" "03abf390" "7d00" "01f4" "005a" "240102120000"
                         "0104000003e8" "310109" "300117" "e50301027e", 0, 0);
    CHECK_CONTAINS(hex, "7d02");
    CHECK_CONTAINS(hex, "7d01");
    CHECK_INT(dt_feed_hex(D, DT_STREAM, hex, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->problem, "");
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "013511221122");
    CHECK_STR(F(m, "serial"), "32126");
    CHECK_INT(m->nrec, 1);
    struct trk_record *r = &m->rec[0];
    /* 2024-01-02 12:00:00 Beijing time = 04:00:00 UTC */
    CHECK_INT(r->time_ms, trk_timegm(2024, 1, 2, 4, 0, 0) * 1000);
    CHECK_NEAR(r->lat, -33.879728, 1e-9);    /* status bit 2: south */
    CHECK_NEAR(r->lon, -61.600656, 1e-9);    /* status bit 3: west */
    CHECK_NEAR(r->alt, 0x7d00, 1e-9);
    CHECK_NEAR(r->speed, 50.0, 1e-9);
    CHECK_NEAR(r->course, 90, 1e-9);
    CHECK(r->valid);
    CHECK_INT(r->sats, 9);
    CHECK(r->has & TRK_R_SATS);
    CHECK_STR(F(m, "mileage_km"), "100");
    CHECK_STR(F(m, "rssi"), "23");
    CHECK_STR(F(m, "status"), "0x0000007E");
    CHECK_INT(r->io_count, 4);
    CHECK_INT(m->io[3].id, 0xE5);
    CHECK_INT(m->io[3].u, 0x01027e);
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 0x02007d7e);

    /* north/east, invalid fix, alarm flags */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(0x0200, "013511221122", 1,
                      "00000101" "00000001" "0204f6b0" "03abf390" "0000" "0000" "0000" "991231235959", 0, 0),
                   0, TRK_UP), 1);
    r = &msgs[0].rec[0];
    CHECK_NEAR(r->lat, 33.879728, 1e-9);
    CHECK_NEAR(r->lon, 61.600656, 1e-9);
    CHECK(!r->valid);
    CHECK_INT(r->time_ms, trk_timegm(2099, 12, 31, 15, 59, 59) * 1000);
    CHECK_STR(F(&msgs[0], "alarm"), "sos");
    CHECK_STR(F(&msgs[0], "acc"), "true");

    /* a bad BCD time: no time, still a position */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(0x0200, "013511221122", 1,
                      "00000000" "00000002" "0204f6b0" "03abf390" "0000" "0000" "0000" "24ff02120000", 0, 0),
                   0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK(!(msgs[0].rec[0].has & TRK_R_TIME));
    CHECK(msgs[0].rec[0].has & TRK_R_POS);
}

static void test_checks(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(0x0200, "013511221122", 1, LOC_SOUTH_WEST, 1, 0), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "xor mismatch: field 0x");
    CHECK_INT(msgs[0].nrec, 1);              /* still decoded */
    CHECK_SPAN(&msgs[0], msgs[0].rawlen - 2, 1);   /* the check byte before the end flag */

    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(0x0200, "013511221122", 1, LOC_SOUTH_WEST, 0, 3), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "length field says 31, frame has 28");
    CHECK_SPAN(&msgs[0], 3, 2);              /* the attributes holding the body length */

    /* corpus jt808-088: both wrong, the check byte reported first */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7e02000032013511221122000700000000000c000301578cc006ca3a5c00470000000014072317201501040000000030011631010bd07e",
                   0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "xor mismatch: field 0xD0, computed 0xF0");

    /* escaped bytes on the wire: serial 7e01 (7d02 01) and a wrong check byte 7d
     * (7d01): the span is the check byte's two wire bytes */
    {
        unsigned char b[16];
        size_t n = check_unhex("0002 0000 013511221122 7e01", b, sizeof b);
        CHECK(xor8(b, n) != 0x7d);
        char wire[64];
        b[n] = 0x7d;
        wire_hex(b, n + 1, wire);
        CHECK_STR(wire, "7e00020000013511221122" "7d0201" "7d01" "7e");
        CHECK_INT(dt_feed_hex(D, DT_STREAM, wire, 0, TRK_UP), 1);
        CHECK_INT(msgs[0].status, TRK_MALFORMED);
        char want[64];
        snprintf(want, sizeof want, "xor mismatch: field 0x7D, computed 0x%02X", xor8(b, n));
        CHECK_STR(msgs[0].problem, want);
        CHECK_SPAN(&msgs[0], 14, 2);
        CHECK_STR(dt_span_hex(&msgs[0]), "7d01");
    }
    /* a location body cut short after escaped bytes: the problem's offsets are the
     * wire's (serial 7e7e is 4 bytes on the wire), from the failed read to the
     * body's end: the status needs 4 bytes, 2 are there */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(0x0200, "013511221122", 0x7e7e, "00000001" "abcd", 0, 0), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "truncated at offset 19");
    CHECK_SPAN(&msgs[0], 19, 2);
    CHECK_STR(dt_span_hex(&msgs[0]), "abcd");

    /* a bad escape */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7e000200000430483254650001" "7d05" "7e", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "bad escape 7d 05 at offset 13");
    CHECK_SPAN(&msgs[0], 13, 2);

    /* a frame too short for its header */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7e0002000004307e", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "truncated");

    /* an unknown message id: unsupported, not malformed */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(0x0F0F, "013511221122", 1, "0102", 0, 0), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported message type 0x0F0F");
    CHECK_SPAN(&msgs[0], 1, 2);
    CHECK_STR(dt_span_hex(&msgs[0]), "0f0f");
}

static void test_framing(void)
{
    char two[4096], first[256];
    snprintf(first, sizeof first, "%s", mk(0x0002, "013511221122", 5, "", 0, 0));
    snprintf(two, sizeof two, "aabb%s%s", first, mk(0x0200, "013511221122", 6, LOC_SOUTH_WEST, 0, 0));
    static const size_t steps[] = {0, 1, 2, 5, 13};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        CHECK_INT(dt_feed_hex(D, DT_STREAM, two, steps[i], TRK_UP), 3);
        CHECK_STR(msgs[0].type, "garbage");
        CHECK_CONTAINS(msgs[0].problem, "2 bytes skipped");
        CHECK_STR(msgs[1].type, "heartbeat");
        CHECK_INT(msgs[1].status, TRK_OK);
        CHECK_STR(msgs[2].type, "position");
        CHECK_INT(msgs[2].status, TRK_OK);
        CHECK_INT(msgs[2].rawlen, 2 + 12 + 28 + 1);
    }
    /* the standard's escape example as a frame: 30 7E 08 7D 55 unescaped */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7e307d02087d01557e", 1, TRK_UP), 1);
    CHECK_INT(msgs[0].rawlen, 9);
    /* an incomplete frame at the end of a capture */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7e00020000043048", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    /* empty frames 7e7e: the second flag opens the next frame */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7e7e0002000004304832546500b7ca7e", 0, TRK_UP), 2);
    CHECK_STR(msgs[1].type, "heartbeat");
}

static void test_unescaped_vectors(void)
{
    /* corpus jt808-045: Traccar's decoder input (unescaped) with a literal 7E inside */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "7e55019c3b8571110003399a07032310302029538631031015370500001a0c000000265700440001233703080000001001020202000a0a04028f000af401040c06ff98ffa8007e707e", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "position");
    CHECK_STR(msgs[0].imei, "857111000339");
    CHECK(msgs[0].rec[0].has & TRK_R_POS);
    /* and its wire form */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7e55019c3b8571110003399a07032310302029538631031015370500001a0c000000265700440001233703080000001001020202000a0a04028f000af401040c06ff98ffa8007d02707e", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    /* corpus jt808-040: a literal 7D 01 pair in the phone number */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "7e090000344f07788ef87d0138f02305151230460102020001ffffffff000100001457000000020006503134353700000c000a029dc63004b99a98230515132726787e", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    /* binary phone: a 48-bit number plus a Luhn digit */
    CHECK_STR(msgs[0].imei, "868935060010210");
}

static void test_register_auth(void)
{
    /* corpus jt808-005: 2019 header (version 1, 20-digit phone) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7e0100405c010000086649607758216452180000000000000000000000000000004d443330300000000000000000000000000000000000000000000000000038363634393630373735383231363400000000000000000000000000000004000000000000000000000000000000007a7e",
                   0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "register");
    CHECK_STR(m->imei, "00000866496077582164");
    CHECK_STR(F(m, "version"), "1");
    CHECK_STR(F(m, "model"), "MD300");
    CHECK_STR(F(m, "terminal_id"), "866496077582164");
    CHECK_INT(m->want_reply.key, 0x01005218);

    /* the register reply 0x8100: serial, result 0, auth code */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(0x8100, "013511221122", 1, "521800" "3132333435", 0, 0), 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_STR(m->type, "ack");
    CHECK_INT(m->is_reply.key, 0x01005218);
    CHECK(m->is_reply.accept);
    CHECK_STR(F(m, "auth_code"), "12345");

    /* corpus jt808-087: authentication */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7e0102000e013511221122000661757468656e7469636174696f6e3f7e", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "login");
    CHECK_STR(F(&msgs[0], "auth_code"), "authentication");
    CHECK_INT(msgs[0].status, TRK_OK);
}

static void test_batch_and_vendor(void)
{
    char body[1024];
    snprintf(body, sizeof body, "0002" "01" "001c" LOC_SOUTH_WEST "001f" LOC_SOUTH_WEST "310105");
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(0x0704, "013511221122", 9, body, 0, 0), 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->nrec, 2);
    CHECK_STR(F(m, "batch_type"), "blind-area");
    CHECK_INT(m->rec[1].sats, 5);
    CHECK_INT(m->want_reply.count, 2);

    /* corpus jt808-071: 0x5501 JT600-style location, 1-byte serial */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7e550100287001608180000127061008045322332880113555602e050031010000000608000010931435010002000300030100051b7e", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_NEAR(m->rec[0].lat, 22 + 33.2880 / 60, 1e-9);
    CHECK_NEAR(m->rec[0].lon, 113 + 55.5602 / 60, 1e-9);
    CHECK_INT(m->rec[0].time_ms, trk_timegm(2010, 6, 27, 8, 4, 53) * 1000);

    /* corpus jt808-069: 0x1300 UTF-16 reply text */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7e13000012045450091546010900000053006500740020004f004b0021000d197e", 0, TRK_UP), 1);
    CHECK_STR(F(&msgs[0], "result"), "Set OK!");

    /* corpus jt808-053: a text frame */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "283739343130343030343134302c312c3030312c424153452c322c54494d4529", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "time-request");
    CHECK_STR(msgs[0].imei, "794104004140");
}

static void test_subpackages_2019(void)
{
    /* 0x0801 multimedia in 2 packages (attributes bit 13): the first carries the
     * media header and the location, the second only data */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkh("0801" "2028" "013511221122" "0010" "0002" "0001"
                       "00000007" "00" "00" "01" "02" LOC_SOUTH_WEST "ffd8ffe0"), 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "photo");
    CHECK_STR(F(m, "package"), "1/2");
    CHECK_STR(F(m, "media_id"), "7");
    CHECK_INT(m->nrec, 1);
    CHECK_STR(F(m, "data_bytes"), "4");
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkh("0801" "2004" "013511221122" "0011" "0002" "0002" "01020304"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "fragment");
    CHECK_STR(F(&msgs[0], "package"), "2/2");

    /* 2019 header: version byte, 10-byte phone; heartbeat */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkh("0002" "4000" "01" "00000000013912345678" "0003"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK_STR(msgs[0].imei, "00000000013912345678");
    CHECK_INT(msgs[0].want_reply.key, 0x00020003);

    /* RSA-encrypted body: shown, not decoded */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkh("0200" "0404" "013511221122" "0001" "01020304"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "RSA-encrypted body of message 0x0200");
}

static void test_probe(void)
{
    unsigned char b[256];
    size_t n = check_unhex("7e0002000004304832546500b7ca7e", b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 80);
    n = check_unhex("7e4101080000000917c057405c002b00", b, sizeof b);   /* FLEX ~A */
    CHECK(D->probe(b, n, TRK_TCP) < 50);
    n = check_unhex("0100020b002300020001871c", b, sizeof b);
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
}

int main(void)
{
    test_heartbeat_and_ack();
    test_location();
    test_checks();
    test_framing();
    test_unescaped_vectors();
    test_register_auth();
    test_batch_and_vendor();
    test_subpackages_2019();
    test_probe();
    return check_done("jt808");
}
