/* test_cellocator.c: unit tests of the Cellocator dissector: type 0 locations,
 * type 11 modular messages, the server ACK, checksum and length problems,
 * framing and probing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dtest.h"

extern const struct dissector dissector_cellocator;
static const struct dissector *const D = &dissector_cellocator;

#define LOC001 "4d4347500003310f004018331424641a1d002000638000002a00b67ff6000000b8a5c7010000402d00040210af1ba9f88fb383fc10080100000000000000190015050ce80714"
#define LOC003 "4d43475000856308000004b2de1f04009e00200100000000696cf7ab002f1a00000000000000325c000402069bfde70857e22502f41c000036000000df0b0932100b09dc0719"
#define MOD004 "4d4347500bde66220048165400cb0000000000080600000124161400061300050402095501aaf8218787fcac390100010000070700013133150f07131905001e000100000293001e00697e6f24148240040000000083400400000000844004000000008540040000000086400400000000874004000000008840040000000089400400000000814004000000008c4004000000008d4004000000008e4004000000009140040000000090400400000000804004000000008a400400000000974004000000008b4004000000009d4004000000009b400400000000da"
#define ALT006 "4d4350470041420f000402021226d8a70221d801010000000001000000000000000000000000c4d90000000ca7a741ff0096dd15a40700000000000000001619130c01e307e4"

/* the server ACK for numerator `num` of unit 995587 (0x000F3103), as hex */
static const char *ack_hex(unsigned num)
{
    static char out[128];
    unsigned char b[28] = { 'M', 'C', 'G', 'P', 4, 0x03, 0x31, 0x0F, 0x00 };
    b[15] = (unsigned char)num;
    b[27] = sum8(b + 4, 23);
    return dt_hex(b, sizeof b, out, sizeof out);
}

static void test_location(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, LOC001, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "995587");
    CHECK_STR(F(m, "driver_id"), "b8a5c7010000");
    CHECK_STR(F(m, "numerator"), "51");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms, 1733432425000LL);     /* 2024-12-05 21:00:25 */
    CHECK_NEAR(m->rec[0].lat, -33.505243170, 1e-6);
    CHECK_NEAR(m->rec[0].lon, -70.551190762, 1e-6);
    CHECK_NEAR(m->rec[0].alt, 676, 1e-9);
    CHECK_INT(m->rec[0].sats, 16);
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 51);

    CHECK_INT(dt_feed_hex(D, DT_STREAM, LOC003, 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_NEAR(m->rec[0].speed, 54 * 0.036, 1e-9);
    CHECK_NEAR(m->rec[0].course, 3.039 * 180 / 3.14159265358979323846, 1e-6);

    /* the MCPG variant: degrees x 1e7, checksum not checked */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, ALT006, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(F(&msgs[0], "signature"), "MCPG");
    CHECK_NEAR(msgs[0].rec[0].lat, 36.6843393, 1e-6);

    /* a wrong checksum */
    char bad[256];
    snprintf(bad, sizeof bad, "%s", LOC001);
    bad[strlen(bad) - 1] = '5';
    CHECK_INT(dt_feed_hex(D, DT_STREAM, bad, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "checksum mismatch: field 0x15, computed 0x14");
    CHECK_SPAN(&msgs[0], msgs[0].rawlen - 1, 1);    /* the last byte */
    CHECK_STR(dt_span_hex(&msgs[0]), "15");
    CHECK_INT(msgs[0].nrec, 1);
}

static void test_modular(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, MOD004, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "2254558");
    CHECK_STR(F(m, "modules"), "5");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms, 1563227509000LL);     /* 2019-07-15 21:51:49 */
    CHECK_NEAR(m->rec[0].lat, -33.361563, 1e-6);
    CHECK_INT(m->rec[0].sats, 9);
    CHECK_INT(m->want_reply.key, 0x54);
}

static void test_ack(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, ack_hex(51), 0, TRK_DOWN), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK_STR(m->imei, "995587");
    CHECK(m->is_reply.set);
    CHECK_INT(m->is_reply.key, 51);
}

static void test_framing(void)
{
    char all[2048];
    snprintf(all, sizeof all, "%s%s%s", LOC001, MOD004, LOC003);
    for (size_t step = 0; step <= 1; step++) {
        CHECK_INT(dt_feed_hex(D, DT_STREAM, all, step, TRK_UP), 3);
        CHECK_INT(msgs[0].rawlen, 70);
        CHECK_INT(msgs[1].rawlen, 219);
        CHECK_INT(msgs[2].rawlen, 70);
        CHECK_INT(msgs[2].status, TRK_OK);
    }
    snprintf(all, sizeof all, "0102%s", LOC001);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, all, 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_CONTAINS(msgs[0].problem, "2 bytes skipped");
    CHECK_STR(msgs[1].type, "position");

    /* an unknown type: cut at the next signature */
    snprintf(all, sizeof all, "4d43475063010000000165%s", LOC001);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, all, 0, TRK_UP), 2);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported message type 99");
    CHECK_INT(msgs[1].status, TRK_OK);

    /* truncated at the end of the stream */
    snprintf(all, sizeof all, "%.60s", LOC001);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, all, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);

    struct trk_state st;
    memset(&st, 0, sizeof st);
    unsigned char b[128];
    size_t n = check_unhex(LOC001, b, sizeof b);
    for (size_t k = 0; k < n; k++) CHECK_INT(D->frame(b, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), 70);
    CHECK_INT(D->frame((const unsigned char *)"xyMCGP", 6, TRK_UP, &st), -2);
    CHECK_INT(D->frame((const unsigned char *)"MX", 2, TRK_UP, &st), -1);
}

static void test_probe(void)
{
    unsigned char b[128];
    size_t n = check_unhex(LOC001, b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 90);
    CHECK(D->probe(b, n, TRK_UDP) >= 90);
    CHECK(D->probe(b, 4, TRK_TCP) < 80);
    CHECK_INT(D->probe((const unsigned char *)"MCXX", 4, TRK_TCP), 0);
    CHECK_STR(D->name, "cellocator");
    CHECK_INT(D->ports[0], 5033);
    CHECK_INT(D->transports, TRK_TCP | TRK_UDP);
}

int main(void)
{
    test_location();
    test_modular();
    test_ack();
    test_framing();
    test_probe();
    return check_done("cellocator");
}
