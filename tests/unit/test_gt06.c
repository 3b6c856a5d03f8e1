/* test_gt06.c: unit tests of the GT06 / Concox dissector: framing through the
 * framer (split, batched, garbage), CRC and length problems, and the decoded
 * values of login, locations, status, alarms, replies and server messages. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dtest.h"

extern const struct dissector dissector_gt06;
static const struct dissector *const D = &dissector_gt06;

/* one complete frame as hex: start, length, protocol, content, serial, CRC, stop */
static const char *mkframe(bool ext, unsigned proto, const char *content_hex, unsigned serial)
{
    static char out[4096];
    unsigned char b[1024], c[900];
    size_t cl = check_unhex(content_hex, c, sizeof c), n = 0;
    size_t len = 1 + cl + 4;
    b[n++] = ext ? 0x79 : 0x78;
    b[n++] = ext ? 0x79 : 0x78;
    if (ext) b[n++] = (unsigned char)(len >> 8);
    b[n++] = (unsigned char)len;
    b[n++] = (unsigned char)proto;
    memcpy(b + n, c, cl);
    n += cl;
    b[n++] = (unsigned char)(serial >> 8);
    b[n++] = (unsigned char)serial;
    uint16_t crc = crc16_x25(b + 2, n - 2);
    b[n++] = (unsigned char)(crc >> 8);
    b[n++] = (unsigned char)crc;
    b[n++] = 0x0D;
    b[n++] = 0x0A;
    return dt_hex(b, n, out, sizeof out);
}

static void test_login_and_response(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78 78 0D 01 01 23 45 67 89 01 23 45 00 01 8C DD 0D 0A", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "login");
    CHECK_STR(m->imei, "123456789012345");
    CHECK_STR(F(m, "imei"), "123456789012345");
    CHECK_STR(F(m, "serial"), "1");
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 0x00010001);
    CHECK_INT(m->nrec, 0);

    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78 78 05 01 00 01 D9 DC 0D 0A", 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK_STR(F(m, "ack_for"), "0x01");
    CHECK(m->is_reply.set);
    CHECK(m->is_reply.accept);
    CHECK_INT(m->is_reply.key, 0x00010001);
    CHECK(!m->want_reply.set);

    /* extended login: type identification code and time zone word (GMT-4:00) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "787811010864717003664467100f190a0002c6d20d0a", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->imei, "864717003664467");
    CHECK_STR(F(m, "model_code"), "0x100F");
    CHECK_STR(F(m, "timezone"), "-04:00");
    CHECK_INT(m->want_reply.key, 0x00010002);
}

static void test_location_0x12(void)
{
    /* corpus gt06-144, asserted by Traccar: 2015-10-20 14:21:11 UTC, 54.94535, 24.01762 */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78781f120f0a140e150bc505e51e780293a9e800540000f601006e0055da00035f240d0a", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_INT(m->nrec, 1);
    struct trk_record *r = &m->rec[0];
    CHECK_INT(r->time_ms, 1445350871000LL);
    CHECK_NEAR(r->lat, 54.94535, 1e-5);
    CHECK_NEAR(r->lon, 24.01762, 1e-5);
    CHECK_NEAR(r->lat, 0x05e51e78 / 1800000.0, 1e-9);
    CHECK_NEAR(r->speed, 0, 1e-9);
    CHECK_NEAR(r->course, 0, 1e-9);
    CHECK_INT(r->sats, 5);
    CHECK(r->valid);
    CHECK(r->has & TRK_R_POS);
    CHECK(r->has & TRK_R_TIME);
    CHECK_STR(F(m, "mcc"), "246");
    CHECK_STR(F(m, "mnc"), "1");
    CHECK_STR(F(m, "lac"), "110");
    CHECK_STR(F(m, "cell_id"), "21978");
    CHECK_STR(F(m, "serial"), "3");
    CHECK(!m->want_reply.set);       /* locations need no answer by default */

    /* south / west hemispheres (gt06-150: 0x10 GPS only, course word 0x1800) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "787819100e010903230ec803ae32a60653cded00180000020072feb70d0a", 0, TRK_UP), 1);
    r = &msgs[0].rec[0];
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_NEAR(r->lat, -(0x03ae32a6 / 1800000.0), 1e-9);
    CHECK_NEAR(r->lon, -(0x0653cded / 1800000.0), 1e-9);
    CHECK_INT(r->time_ms / 1000, 1389238514);
    CHECK_INT(r->sats, 8);

    /* speed and course (gt06-158: 85 km/h, course 200) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78781f12110819110216d402f250340828924055d4c801944600d300c09501429c830d0a", 0, TRK_UP), 1);
    r = &msgs[0].rec[0];
    CHECK_NEAR(r->speed, 85, 1e-9);
    CHECK_NEAR(r->course, 200, 1e-9);
    CHECK_INT(r->sats, 4);
}

static void test_location_0x22(void)
{
    /* corpus gt06-054: 2015-12-29 02:51:05, ACC off, upload mode 0, re-upload */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "787822220f0c1d023305c9027ac8180c46586000140001cc00287d001f71000001000820860d0a", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms, trk_timegm(2015, 12, 29, 2, 51, 5) * 1000);
    CHECK_NEAR(m->rec[0].lat, 0x027ac818 / 1800000.0, 1e-9);
    CHECK_NEAR(m->rec[0].lon, 0x0c465860 / 1800000.0, 1e-9);
    CHECK_INT(m->rec[0].sats, 9);
    CHECK(m->rec[0].valid);
    CHECK_STR(F(m, "mcc"), "460");
    CHECK_STR(F(m, "lac"), "10365");
    CHECK_STR(F(m, "cell_id"), "8049");
    CHECK_STR(F(m, "acc"), "false");
    CHECK_STR(F(m, "upload_mode"), "0");
    CHECK_STR(F(m, "reupload"), "true");

    /* MCC bit 15: a two-byte MNC (gt06-091, all-zero fix) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78782322110c070f1b0270000000000000000000040081360104cb8a00bef3000000000523030d0a", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(F(m, "mcc"), "310");
    CHECK_STR(F(m, "mnc"), "260");
    CHECK_STR(F(m, "cell_id"), "48883");
    CHECK(!m->rec[0].valid);
}

static void test_heartbeat(void)
{
    /* corpus gt06-142: terminal info 0x44, voltage level 6, GSM 4, no alarm, English */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78780a13440604000201baaf540d0a", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "heartbeat");
    CHECK_STR(F(m, "terminal_info"), "0x44");
    CHECK_STR(F(m, "armed"), "false");
    CHECK_STR(F(m, "acc"), "false");
    CHECK_STR(F(m, "charging"), "true");
    CHECK_STR(F(m, "gps_tracking"), "true");
    CHECK_STR(F(m, "status_alarm"), "normal");
    CHECK_STR(F(m, "voltage_level"), "6");
    CHECK_STR(F(m, "gsm_signal"), "4");
    CHECK_STR(F(m, "language"), "english");
    CHECK(F(m, "alarm") == NULL);
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 0x001301BA);

    /* its answer */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(false, 0x13, "", 0x01BA), 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_INT(msgs[0].is_reply.key, 0x001301BA);
    CHECK_STR(F(&msgs[0], "ack_for"), "0x13");
}

static void test_alarm(void)
{
    /* corpus gt06-026: 0x16 GPS + LBS + status, SOS */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "787826161709130f3a2dcc02c55f2a089f9af9005c210901360481fe066d9b03413e420102035f92fe0d0a", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "alarm");
    CHECK_STR(F(m, "alarm"), "sos");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms / 1000, trk_timegm(2023, 9, 19, 15, 58, 45));
    CHECK_NEAR(m->rec[0].lat, 0x02c55f2a / 1800000.0, 1e-9);
    CHECK_NEAR(m->rec[0].lon, -(0x089f9af9 / 1800000.0), 1e-9);
    CHECK_INT(m->rec[0].sats, 12);
    CHECK_STR(F(m, "mcc"), "310");
    CHECK_STR(F(m, "mnc"), "4");
    CHECK_STR(F(m, "terminal_info"), "0x41");
    CHECK_STR(F(m, "armed"), "true");
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 0x0016035F);

    /* 0x26 with the vibration bits in the terminal info (gt06-065) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7878252612030c063816c3026c10540c38c9700144030901cc002866000eee0c06040302000da2db0d0a", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(F(m, "alarm"), "vibration");
    CHECK_STR(F(m, "status_alarm"), "vibration");
    CHECK_INT(m->want_reply.key, 0x0026000D);

    /* 0xA4 with a 4-byte LAC and 8-byte cell id, tamper alarm (gt06-004) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78782da41a0509160203cf05be31f80c306530001c0010012ed000007ef40000000006428b074205041302ff0009389c0d0a", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(F(m, "alarm"), "tamper");
    CHECK_STR(F(m, "lac"), "32500");
    CHECK_STR(F(m, "cell_id"), "105024263");
    CHECK_STR(F(m, "geofence"), "255");

    /* alarm answer from the server carrying an address text */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(false, 0x16, "16 00000001 414444524553533a2031204d61696e205374 0002", 0x035F), 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK_STR(F(m, "text"), "ADDRESS: 1 Main St");
    CHECK_INT(m->is_reply.key, 0x0016035F);
}

static void test_command_replies(void)
{
    /* 0x15 short frame (gt06-138) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78782d152500000000437574206f666620746865206675656c20737570706c793a2053756363657373210002013b898a0d0a", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "command-reply");
    CHECK_STR(F(m, "text"), "Cut off the fuel supply: Success!");
    CHECK_STR(F(m, "language"), "english");
    CHECK_STR(F(m, "serial"), "315");

    /* ICCID in a 0x15 reply (gt06-057) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7878281520000000003c49434349443a38393838323339303030303039373330323635303e00020d446f260d0a", 0, TRK_UP), 1);
    CHECK_STR(F(&msgs[0], "iccid"), "89882390000097302650");

    /* 0x21 long frame, UTF-16BE (gt06-099) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "797900262100000000020043006f006d006d0061006e00640020006500720072006f0072002100236e850d0a", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "command-reply");
    CHECK_STR(F(m, "encoding"), "utf-16be");
    CHECK_STR(F(m, "text"), "Command error!");

    /* 0x21 ASCII position answer (gt06-129) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7979007121000000000143757272656e7420706f736974696f6e214c61743a4e35342e3733393333322c4c6f6e3a4532352e3237333237302c436f757273653a3132362e35332c53706565643a302e303030302c4461746554696d653a323031372d30352d3236202031303a32373a3437000bbee30d0a", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->nrec, 1);
    CHECK_NEAR(m->rec[0].lat, 54.739332, 1e-9);
    CHECK_NEAR(m->rec[0].lon, 25.273270, 1e-9);
    CHECK_NEAR(m->rec[0].course, 126.53, 1e-9);
    CHECK_INT(m->rec[0].time_ms / 1000, trk_timegm(2017, 5, 26, 10, 27, 47));
}

static void test_command_down(void)
{
    /* 0x80: command length = server flag (4) + the text */
    char content[200];
    snprintf(content, sizeof content, "%02x 0000ABCD %s", 4 + 7, "5748455245233F");  /* "WHERE#?" */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(false, 0x80, content, 0x0021), 0, TRK_DOWN), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "command");
    CHECK_STR(F(m, "text"), "WHERE#?");
    CHECK_STR(F(m, "server_flag"), "0x0000ABCD");
    CHECK_STR(F(m, "serial"), "33");

    /* with the language word after the text */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(false, 0x80, "0c 00000001 52454c41592c3123 0002", 7), 0, TRK_DOWN), 1);
    CHECK_STR(F(&msgs[0], "text"), "RELAY,1#");
    CHECK_STR(F(&msgs[0], "language"), "english");

    /* address answer (long frame 0x97) whose length byte counts the text alone */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(true, 0x97, "0b 00000000 4e4126264e4126263023 23", 0), 0, TRK_DOWN), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_STR(F(&msgs[0], "text"), "NA&&NA&&0##");

    /* time request and its answer with the UTC time */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7878058a000688290d0a", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "time-request");
    CHECK_INT(msgs[0].want_reply.key, 0x008A0006);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(false, 0x8A, "1a 03 17 0c 22 33", 6), 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_STR(m->type, "ack");
    CHECK_STR(F(m, "time"), "2026-03-23T12:34:51Z");
    CHECK_INT(m->is_reply.key, 0x008A0006);
}

static void test_info_and_others(void)
{
    /* 0x94 ICCID (gt06-064) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "79790020940a035985708236675805200502187214018966051912408052452f000355560d0a", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "info");
    CHECK_STR(F(m, "subtype"), "0x0A");
    CHECK_STR(F(m, "iccid"), "8966051912408052452");
    CHECK_STR(F(m, "imei"), "359857082366758");

    /* 0x94 external voltage (gt06-007) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "79790008940b02e3048614200d0a", 0, TRK_UP), 1);
    CHECK_STR(F(&msgs[0], "external_voltage"), "7.39");

    /* 0x70 modules with the GPS module 0x33 (gt06-073) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "797900a87000000001020035000100003300125d62bf3a0800e804b5994308814a87001d5d00340006115d62bf29000011000a012e02620000000000000001000803537601000129800002000803102608593397620003000a8901260852293397626600180002017d002b000116002c00045d6278ea0009000108000a00010b002800010b002e00040000f0c1002a00010000290004000000be0030000a000100b4000a00b402d00006c5490d0a", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms / 1000, 0x5d62bf3a);
    CHECK_NEAR(m->rec[0].alt, 232, 1e-9);
    CHECK_INT(m->rec[0].sats, 8);
    CHECK_NEAR(m->rec[0].lat, 0x04b59943 / 1800000.0, 1e-9);
    CHECK_NEAR(m->rec[0].lon, -(0x08814a87 / 1800000.0), 1e-9);
    CHECK_STR(F(m, "iccid"), "89012608522933976266");
    CHECK_STR(F(m, "battery_voltage"), "3.81");

    /* the bare 0x08 frame without serial or CRC (gt06-162) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "787801080d0a", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK(!msgs[0].want_reply.set);

    /* an empty location frame is an echo */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "787805120099abec0d0a", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_STR(F(&msgs[0], "ack_for"), "0x12");
}

static void test_problems(void)
{
    /* a valid frame with an unknown protocol number */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(false, 0x9C, "010203", 5), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported protocol number 0x9C");
    CHECK_SPAN(&msgs[0], 3, 1);                      /* the protocol number after 7878 and the length */
    CHECK_STR(dt_span_hex(&msgs[0]), "9c");
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(true, 0xEE, "", 5), 0, TRK_DOWN), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported protocol number 0xEE");
    CHECK_SPAN(&msgs[0], 4, 1);                      /* 7979 has a 2-byte length */

    /* bad CRC (gt06-146): still decoded */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78781f120b081d112e10cc027ac7eb0c46584900148f01cc00287d001fb8000380810d0a", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "crc mismatch: field 0x8081, computed 0x7377");
    CHECK_INT(msgs[0].nrec, 1);
    CHECK_SPAN(&msgs[0], 32, 2);                     /* the 2 CRC bytes before 0d0a (36 bytes) */
    CHECK_STR(dt_span_hex(&msgs[0]), "8081");
    /* a CRC field of 0d0a: the same bytes as the stop bytes right after it, the
     * span is the field (15 bytes: 7878, length, protocol, 5 content, serial, CRC, 0d0a) */
    {
        char bad[128];
        snprintf(bad, sizeof bad, "%s", mkframe(false, 0x13, "4406040002", 0x0201));
        memcpy(bad + 2 * 11, "0d0a", 4);
        CHECK_INT(dt_feed_hex(D, DT_STREAM, bad, 0, TRK_UP), 1);
        CHECK_INT(msgs[0].status, TRK_MALFORMED);
        CHECK_CONTAINS(msgs[0].problem, "crc mismatch: field 0x0D0A");
        CHECK_SPAN(&msgs[0], 11, 2);
    }

    /* length byte bigger than the frame (gt06-160): the IMEI is still read */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78780d010359339075005244340d0a", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "length field says 13, frame has 10");
    CHECK_SPAN(&msgs[0], 2, 1);                      /* the length byte */
    CHECK_STR(msgs[0].imei, "359339075005244");

    /* WiFi report whose length byte counts the access points (gt06-100) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "787803691604130318491475905bd30e25001e10bbf7635d14759006e626560501cc0028660f213228660f1f2828660ea81e286610731428660f20140d0a", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "length field says 3, frame has 57");
    CHECK_STR(msgs[0].type, "wifi");
    CHECK_STR(F(&msgs[0], "wifi_count"), "3");
    CHECK_STR(F(&msgs[0], "time"), "2016-04-13T03:18:49Z");
    CHECK_STR(F(&msgs[0], "mcc"), "460");

    /* truncated: the first 20 bytes of a location frame at the end of the stream */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78781f120f0a140e150bc505e51e780293a9e800", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "truncated at offset 20");
    CHECK_SPAN(&msgs[0], 2, 1);                      /* the length byte that wants 36 bytes */

    /* stop bytes damaged, the next frame right behind: framed by length */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78780d01012345678901234500018cdd0d0b78780a13440604000201baaf540d0a", 0, TRK_UP), 2);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "missing 0d0a stop bytes at offset 16");
    CHECK_SPAN(&msgs[0], 16, 2);
    CHECK_STR(dt_span_hex(&msgs[0]), "0d0b");
    CHECK_STR(msgs[0].imei, "123456789012345");
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_STR(msgs[1].type, "heartbeat");

    /* content too short for the layout of its protocol number */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mkframe(false, 0x01, "0123456789", 1), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "truncated at offset 4");
    CHECK_SPAN(&msgs[0], 4, 5);                      /* the 5 content bytes where the 8-byte IMEI should be */
    CHECK_STR(dt_span_hex(&msgs[0]), "0123456789");
}

static void test_framing(void)
{
    const char *login = "78780d01012345678901234500018cdd0d0a";
    const char *loc = "78781f120f0a140e150bc505e51e780293a9e800540000f601006e0055da00035f240d0a";
    char both[512];
    snprintf(both, sizeof both, "%s%s", login, loc);

    /* byte by byte: the same two messages */
    struct trk_state st = dt_state(TRK_TCP);
    CHECK_INT(dt_feed_hex_state(D, &st, DT_STREAM, both, 1, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "login");
    CHECK_INT(msgs[0].rawlen, 18);
    CHECK_STR(msgs[1].type, "position");
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_INT(msgs[1].rec[0].time_ms, 1445350871000LL);

    /* split at an awkward place */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, both, 7, TRK_UP), 2);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[1].status, TRK_OK);

    /* three long frames in one chunk (gt06-152) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "7979005bfd0358899050927725004c0020bf984358df603b2ea3a339e54335013a5b56455253494f4e5d47543036445f32305f3630444d325f423235455f5631355f574d5b4255494c445d323031332f31322f32382031353a3234002a3b240d0a7979005bfd0358899050927725004c0020bf984358df603b2ea3a339e54335013a5b56455253494f4e5d47543036445f32305f3630444d325f423235455f5631355f574d5b4255494c445d323031332f31322f32382031353a3234002d4f9b0d0a7979005bfd0358899050927725004c0020bf984358df603b2ea3a339e54335013a5b56455253494f4e5d47543036445f32305f3630444d325f423235455f5631355f574d5b4255494c445d323031332f31322f32382031353a3234003084ff0d0a", 0, TRK_UP), 3);
    for (int i = 0; i < 3; i++) {
        CHECK_INT(msgs[i].status, TRK_OK);
        CHECK_INT(msgs[i].rawlen, 97);
        CHECK_STR(F(&msgs[i], "imei"), "358899050927725");
    }
    CHECK_STR(F(&msgs[2], "serial"), "48");
    CHECK_CONTAINS(F(&msgs[0], "text"), "[VERSION]GT06D_20_60DM2_B25E_V15_WM");

    /* garbage before a frame: reported, then the frame */
    char garb[256];
    snprintf(garb, sizeof garb, "00 11 22 78 33 %s", login);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, garb, 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "5 bytes skipped");
    CHECK_STR(msgs[1].type, "login");
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, garb, 1, TRK_UP), 2);
    CHECK_CONTAINS(msgs[0].problem, "5 bytes skipped");
    CHECK_STR(msgs[1].imei, "123456789012345");

    /* Traccar frame-decoder cases: length 0 with the frame ending at 0D 0A,
     * a short 0x13 length byte, and a frame shorter than its length */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "787800691709261259400700cc0400d376714600d37a3d5000d37a3c5000d393505a00d3765d5a00d376735a00d32e6b640d0a", 1, TRK_UP), 1);
    CHECK_INT(msgs[0].rawlen, 51);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "787808134606020002044dc5050d0a78780a13440604000201baaf540d0a", 1, TRK_UP), 2);
    CHECK_INT(msgs[0].rawlen, 15);
    CHECK_STR(msgs[0].problem, "length field says 8, frame has 10");
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "78780d0103563140414198583c0d0a78780a13440604000201baaf540d0a", 0, TRK_UP), 2);
    CHECK_INT(msgs[0].rawlen, 15);
    CHECK_INT(msgs[1].status, TRK_OK);

    /* frame() directly */
    unsigned char b[64];
    size_t n = check_unhex(login, b, sizeof b);
    for (size_t k = 0; k < n; k++) CHECK_INT(D->frame(b, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), 18);
    n = check_unhex("0102037878", b, sizeof b);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), -3);
    n = check_unhex("010203", b, sizeof b);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), -3);
    n = check_unhex("010278", b, sizeof b);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), -2);
}

static void test_probe(void)
{
    unsigned char b[64];
    size_t n = check_unhex("78780d01012345678901234500018cdd0d0a", b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 90);
    CHECK_INT(D->probe(b, n, TRK_UDP), 0);
    CHECK(D->probe(b, 2, TRK_TCP) <= 30);
    CHECK(D->probe(b, 2, TRK_TCP) > 0);
    CHECK(D->probe(b, 8, TRK_TCP) <= 50);
    n = check_unhex("78780d01012345678901234500018cde0d0a", b, sizeof b);   /* bad CRC */
    int bad = D->probe(b, n, TRK_TCP);
    CHECK(bad < 90 && bad >= 50);
    n = check_unhex("474554202f20485454502f312e310d0a", b, sizeof b);      /* "GET / HTTP/1.1" */
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
    n = check_unhex("000f333536333037303432343431303133", b, sizeof b);   /* a Teltonika login */
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
    CHECK_STR(D->name, "gt06");
    CHECK_INT(D->ports[0], 5023);
    CHECK_INT(D->transports, TRK_TCP);
}

int main(void)
{
    test_login_and_response();
    test_location_0x12();
    test_location_0x22();
    test_heartbeat();
    test_alarm();
    test_command_replies();
    test_command_down();
    test_info_and_others();
    test_problems();
    test_framing();
    test_probe();
    return check_done("gt06");
}
