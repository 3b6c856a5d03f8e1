/* test_egts.c: unit tests of the EGTS dissector: framing through the framer
 * (byte by byte, several packets per chunk, garbage, resynchronisation on the
 * header CRC), the header CRC-8 and data CRC-16 checks, the FDL length, the
 * authentication identity, POS_DATA fixes (2010 epoch, hemispheres, altitude)
 * with their extra subrecords, and the PT_RESPONSE / RECORD_RESPONSE answers. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dtest.h"

extern const struct dissector dissector_egts;
static const struct dissector *const D = &dissector_egts;

/* a packet as hex: PT, PID, SFRD hex; `hcs_delta`/`crc_delta` spoil the checks */
static const char *mk(unsigned pt, unsigned pid, const char *sfrd_hex, int hcs_delta, int crc_delta)
{
    static char out[8192];
    unsigned char b[4096], d[3000];
    size_t dl = check_unhex(sfrd_hex, d, sizeof d), n = 0;
    b[n++] = 1; b[n++] = 0; b[n++] = 0; b[n++] = 11; b[n++] = 0;
    b[n++] = (unsigned char)dl; b[n++] = (unsigned char)(dl >> 8);
    b[n++] = (unsigned char)pid; b[n++] = (unsigned char)(pid >> 8);
    b[n++] = (unsigned char)pt;
    b[n] = (unsigned char)(crc8_egts(b, n) + hcs_delta);
    n++;
    memcpy(b + n, d, dl);
    n += dl;
    if (dl) {
        uint16_t c = (uint16_t)(crc16_ccitt_false(d, dl) + crc_delta);
        b[n++] = (unsigned char)c;
        b[n++] = (unsigned char)(c >> 8);
    }
    return dt_hex(b, n, out, sizeof out);
}

/* record: RL 0x0022 (34), RN 1, RFL 0x04 (TM), TM, SST 2, RST 2, then
 * POS_DATA (SRT 16, SRL 0x18 = 24): NTM, LAT, LONG, FLG 0xE3 (valid, south,
 * west, altitude), SPD 0x4123 (speed 29.1 km/h, altitude negative), DIR 0x10,
 * ODM 0x000064, DIN 0x01, SRC 0, ALT 0x00002A; then EXT_POS (SRT 17, SRL 4):
 * flags 0x0A (HDOP, sats), HDOP 0x0064, sats 7 */
#define POS_RECORD "2200" "0100" "04" "10000000" "02" "02" \
    "10" "1800" "10000000" "00000040" "00000080" "e3" "2341" "10" "640000" "01" "00" "2a0000" \
    "11" "0400" "0a" "6400" "07"

static void test_position(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(1, 0x1234, POS_RECORD, 0, 0), 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->problem, "");
    CHECK_STR(m->type, "position");
    CHECK_INT(m->nrec, 1);
    struct trk_record *r = &m->rec[0];
    CHECK_INT(r->time_ms, (1262304000LL + 16) * 1000);
    CHECK_NEAR(r->lat, -(0x40000000 * 90.0 / 0xFFFFFFFFu), 1e-9);
    CHECK_NEAR(r->lon, -(0x80000000 * 180.0 / 0xFFFFFFFFu), 1e-9);
    CHECK_NEAR(r->speed, 0x123 * 0.1, 1e-9);
    CHECK_NEAR(r->course, 16, 1e-9);
    CHECK_NEAR(r->alt, -42, 1e-9);
    CHECK(r->valid);
    CHECK_INT(r->sats, 7);
    CHECK_STR(F(m, "hdop"), "1");
    CHECK_STR(F(m, "odometer_km"), "10");
    CHECK_STR(F(m, "pid"), "4660");
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 0x1234);
    CHECK_INT(m->want_reply.count, 1);

    /* corpus egts-015, asserted by Traccar: 2018-03-21 05:38:19, 51.67569, 55.59189 */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "0100020b0025003a5701c91a003a5701cd6e68490202101700cbb4740f7617fd924364104f116a0000000000010300001ec2", 1, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->rec[0].time_ms, 1521610699000LL);
    CHECK_NEAR(m->rec[0].lat, 51.67569, 1e-5);
    CHECK_NEAR(m->rec[0].lon, 55.59189, 1e-5);
    CHECK_STR(m->imei, "1231580877");      /* the record's OID */
}

static void test_auth_and_replies(void)
{
    /* corpus egts-008: TERM_IDENTITY with an IMEI; the identity is the TID */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "0100000b002400a0d601f01900030081030000000101011600030000004238363434393530333436343333373600014cdc", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "login");
    CHECK_STR(m->imei, "3");
    CHECK_STR(F(m, "imei"), "864495034643376");
    CHECK_STR(F(m, "tid"), "3");
    CHECK_INT(m->want_reply.key, 0xD6A0);

    /* corpus egts-007: TID 865905 */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "0100010b002200c06401f21700c1640171360d00010101140071360d000238363539303500000000000000000047fc", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].imei, "865905");

    /* corpus egts-006: PT_RESPONSE for PID 0x0100 with one RECORD_RESPONSE */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "0100000b00100091030072000100060000000002020003009203000009", 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK(m->is_reply.set);
    CHECK(m->is_reply.accept);
    CHECK_INT(m->is_reply.key, 0x0100);
    CHECK_INT(m->is_reply.count, 1);
    CHECK_STR(F(m, "confirmed_record"), "914");

    /* a rejected packet: PR 1 */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(0, 7, "341201", 0, 0), 0, TRK_DOWN), 1);
    CHECK(!msgs[0].is_reply.accept);
    CHECK_INT(msgs[0].is_reply.key, 0x1234);

    /* RESULT_CODE after authentication (AUTH service, SRT 9, RCD 0) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(1, 8, "0400" "0500" "00" "01" "01" "090100" "00", 0, 0), 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_STR(F(&msgs[0], "result_code"), "0");
}

static void test_checks(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(1, 1, POS_RECORD, 0, 1), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "data crc mismatch: field 0x");
    CHECK_INT(msgs[0].nrec, 1);
    CHECK_SPAN(&msgs[0], msgs[0].rawlen - 2, 2);   /* SFRCS closes the packet */

    /* a damaged header CRC: the framer cannot trust the header and skips it */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(1, 1, POS_RECORD, 1, 0), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].type, "garbage");

    /* as one message the header check is named */
    {
        unsigned char b[256];
        size_t n = check_unhex(mk(1, 1, POS_RECORD, 1, 0), b, sizeof b);
        struct trk_state st = dt_state(TRK_TCP);
        dt_decode(D, &scratch, &st, TRK_UP, TRK_TCP, b, n);
        CHECK_INT(scratch.status, TRK_MALFORMED);
        CHECK_CONTAINS(scratch.problem, "header crc mismatch");
        CHECK_SPAN(&scratch, 10, 1);                /* HCS: the last of the 11 header bytes */
    }

    /* a subrecord longer than its record */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(1, 1, "0600" "0100" "00" "02" "02" "10" "1800" "000000", 0, 0), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "truncated at offset 21: subrecord 16 length 24, record has 3 bytes");
    CHECK_SPAN(&msgs[0], 21, 3);                      /* the 3 bytes of the subrecord there are */
    CHECK_STR(dt_span_hex(&msgs[0]), "000000");

    /* an unknown packet type */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, mk(5, 1, "00", 0, 0), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported packet type 5");
    CHECK_SPAN(&msgs[0], 9, 1);

    /* cut short at the end of a capture */
    char cut[512];
    snprintf(cut, sizeof cut, "%s", mk(1, 1, POS_RECORD, 0, 0));
    cut[strlen(cut) - 10] = 0;
    CHECK_INT(dt_feed_hex(D, DT_STREAM, cut, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
}

static void test_framing(void)
{
    char all[4096], a[512];
    snprintf(a, sizeof a, "%s", mk(1, 1, POS_RECORD, 0, 0));
    /* corpus egts-f02: two responses back to back, plus garbage in front */
    snprintf(all, sizeof all, "0102ff%s0100000b000300704300db0500006c270100000b0003007143009d0600003c7e", a);
    static const size_t steps[] = {0, 1, 3, 7, 64};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        CHECK_INT(dt_feed_hex(D, DT_STREAM, all, steps[i], TRK_UP), 4);
        CHECK_STR(msgs[0].type, "garbage");
        CHECK_CONTAINS(msgs[0].problem, "3 bytes skipped");
        CHECK_STR(msgs[1].type, "position");
        CHECK_INT(msgs[1].status, TRK_OK);
        CHECK_STR(msgs[2].type, "ack");
        CHECK_INT(msgs[2].rawlen, 16);
        CHECK_INT(msgs[3].rawlen, 16);
        CHECK_INT(msgs[3].status, TRK_OK);
    }
}

static void test_probe(void)
{
    unsigned char b[256];
    size_t n = check_unhex("0100000b0003006c430004010000acfb", b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 80);
    /* a Galileosky head packet also starts with 0x01 */
    n = check_unhex("011780011e03383638323034303035363437383338042000", b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) < 50);
    b[0] = 0x7e;
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
}

int main(void)
{
    test_position();
    test_auth_and_replies();
    test_checks();
    test_framing();
    test_probe();
    return check_done("egts");
}
