/* test_teltonika.c: unit tests of the Teltonika dissector: decoded values of vendor and
 * corpus examples (codec 8, 8E, 16, 7, 12, 13, 14, UDP), login and ACK pairing, every
 * problem text, probing and framing through the framer (split, batched, garbage). */
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dtest.h"

extern const struct dissector dissector_teltonika;
static const struct dissector *D = &dissector_teltonika;

static struct trk_msg M;
static unsigned char B[8192];

/* the wiki codec 8 example (one record, CRC 0xC7CF) */
static const char *WIKI8 =
    "000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101"
    "425E0F01F10000601A014E0000000000000000010000C7CF";
/* its data area [codec .. N2] */
static const char *WIKI8_AREA =
    "08010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F1000060"
    "1A014E000000000000000001";

/* hex -> bytes into B, returns length */
static size_t hx(const char *s) { return check_unhex(s, B, sizeof B); }

/* a TCP envelope around a data area, with a correct CRC; returns length in B */
static size_t envelope(const char *area_hex)
{
    unsigned char area[4096];
    size_t n = check_unhex(area_hex, area, sizeof area);
    uint16_t crc = crc16_arc(area, n);
    memset(B, 0, 4);
    B[4] = (unsigned char)(n >> 24); B[5] = (unsigned char)(n >> 16);
    B[6] = (unsigned char)(n >> 8);  B[7] = (unsigned char)n;
    memcpy(B + 8, area, n);
    B[8 + n] = 0; B[9 + n] = 0;
    B[10 + n] = (unsigned char)(crc >> 8); B[11 + n] = (unsigned char)crc;
    return n + 12;
}

static const struct trk_io *io_of(const struct trk_msg *m, size_t rec, uint32_t id)
{
    const struct trk_record *r = &m->rec[rec];
    for (size_t i = r->io_first; i < (size_t)r->io_first + r->io_count; i++)
        if (m->io[i].id == id) return &m->io[i];
    return NULL;
}

#define CHECK_IO(m, rec, id, width, value) do { const struct trk_io *io_ = io_of(m, rec, id); \
    CHECK(io_ != NULL); if (io_) { CHECK_INT(io_->len, width); CHECK_INT(io_->u, value); } } while (0)

static void test_codec8_wiki(void)
{
    struct trk_state st = { 0 };
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, hx(WIKI8));
    CHECK_STR(M.type, "position");
    CHECK_INT(M.status, TRK_OK);
    CHECK_INT(M.nrec, 1);
    CHECK_INT(M.rec[0].time_ms, 1560161086000LL);
    CHECK_INT(M.rec[0].time_ms / 1000, trk_timegm(2019, 6, 10, 10, 4, 46));
    CHECK_NEAR(M.rec[0].lat, 0.0, 1e-9);
    CHECK_NEAR(M.rec[0].lon, 0.0, 1e-9);
    CHECK_INT(M.rec[0].sats, 0);
    CHECK(!M.rec[0].valid);
    CHECK(M.rec[0].has & TRK_R_TIME);
    CHECK(M.rec[0].has & TRK_R_POS);
    CHECK_INT(M.rec[0].io_count, 5);
    CHECK_IO(&M, 0, 21, 1, 3);
    CHECK_IO(&M, 0, 1, 1, 1);
    CHECK_IO(&M, 0, 66, 2, 0x5E0F);
    CHECK_IO(&M, 0, 241, 4, 0x601A);
    CHECK_IO(&M, 0, 78, 8, 0);
    CHECK_INT(M.io[M.rec[0].io_first].id, 21);          /* wire order kept */
    CHECK_INT(M.io[M.rec[0].io_first + 4].id, 78);
    CHECK_STR(msg_field_get(&M, "codec"), "8");
    CHECK_STR(msg_field_get(&M, "records"), "1");
    CHECK_STR(msg_field_get(&M, "priority"), "1");
    CHECK_STR(msg_field_get(&M, "event_io"), "1");
    CHECK(M.want_reply.set);
    CHECK_INT(M.want_reply.count, 1);
    CHECK_INT(M.want_reply.key, 0);
}

/* corpus teltonika-014: codec 8E, two records, each with one 23-byte NX element (id 385) */
static void test_codec8e_corpus(void)
{
    struct trk_state st = { 0 };
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, hx(
        "00000000000000858e0200000174431aadc100061d888f21000e8a0032002e0c00000181000100000000"
        "0000000000010181001711210102030405060708090a0b0c0d0e0f10020b010ad000000174431a389100"
        "061d888f21000e8a0033002e0d000001810001000000000000000000010181001711210102030405060708"
        "090a0b0c0d0e0f10020b010ad2020000492b"));
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(M.type, "position");
    CHECK_STR(msg_field_get(&M, "codec"), "8E");
    CHECK_STR(msg_field_get(&M, "event_io"), "385");
    CHECK_INT(M.nrec, 2);
    CHECK_INT(M.rec[0].time_ms, 1598853656001LL);
    CHECK_NEAR(M.rec[0].lat, 55.365185, 1e-6);
    CHECK_NEAR(M.rec[0].lon, 10.2598799, 1e-7);
    CHECK_NEAR(M.rec[0].alt, 50, 1e-9);
    CHECK_NEAR(M.rec[0].course, 46, 1e-9);
    CHECK_INT(M.rec[0].sats, 12);
    CHECK(M.rec[0].valid);
    CHECK_NEAR(M.rec[1].alt, 51, 1e-9);
    CHECK_INT(M.rec[1].sats, 13);
    CHECK_INT(M.rec[0].io_count, 1);
    const struct trk_io *io = io_of(&M, 0, 385);
    CHECK(io != NULL);
    if (io) {
        CHECK_INT(io->len, 23);
        CHECK_STR(io->hex, "11210102030405060708090a0b0c0d0e0f10020b010ad0");
    }
    io = io_of(&M, 1, 385);
    CHECK(io != NULL);
    if (io) CHECK_STR(io->hex, "11210102030405060708090a0b0c0d0e0f10020b010ad2");
    CHECK_INT(M.want_reply.count, 2);

    /* corpus teltonika-005: 8E with u16 ids and the NX element 10831 */
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, hx(
        "000000000000004b8e010000018368952793000f0e54fc209ab05800b300b40e00002a4f000100000000"
        "0000000000012a4f001e011c0001a40110eb47706aa38255aa96f21a154e2d00550d01000e020bd60100"
        "00823f"));
    CHECK_INT(M.status, TRK_OK);
    CHECK_NEAR(M.rec[0].lat, 54.7008600, 1e-7);
    CHECK_NEAR(M.rec[0].lon, 25.2597500, 1e-7);
    CHECK_NEAR(M.rec[0].alt, 179, 1e-9);
    CHECK_NEAR(M.rec[0].course, 180, 1e-9);
    CHECK_INT(M.rec[0].sats, 14);
    io = io_of(&M, 0, 10831);
    CHECK(io != NULL);
    if (io) CHECK_INT(io->len, 30);
}

/* corpus teltonika-022: codec 16 (u16 ids, generation type) */
static void test_codec16_corpus(void)
{
    struct trk_state st = { 0 };
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, hx(
        "000000000000009f100100000164d855401800d5e3b744ec11c762023b011a060000000007200a0100"
        "00010500010600010d00010e00010f00011600011700011800011f00130101000001070000010800000109"
        "0000010a0000010b0000010c000001100000011100000112000001130000011400000115000001190000"
        "011a0000011b0000011c0000011d0000011e000003010200000000010300000000010400000000000100"
        "000d3b"));
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(msg_field_get(&M, "codec"), "16");
    CHECK_STR(msg_field_get(&M, "generation_type"), "7");
    CHECK_INT(M.nrec, 1);
    CHECK_INT(M.rec[0].io_count, 32);
    CHECK_IO(&M, 0, 256, 1, 0);
    CHECK_IO(&M, 0, 258, 4, 0);
    CHECK_NEAR(M.rec[0].alt, 571, 1e-9);
    CHECK_NEAR(M.rec[0].course, 282, 1e-9);
    CHECK_INT(M.rec[0].sats, 6);
}

/* corpus teltonika-038: legacy codec 7 (GH3000), float coordinates */
static void test_codec7_corpus(void)
{
    struct trk_state st = { 0 };
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, hx(
        "000000000000003107024c61410b013f4231c2c141d0beb9003d000005006483ff4c6140eb013f4231c2"
        "c141d0beb9003d000005006483ff02000041df"));
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(msg_field_get(&M, "codec"), "7");
    CHECK_INT(M.nrec, 2);
    CHECK_INT(M.rec[0].time_ms / 1000, trk_timegm(2013, 7, 31, 22, 30, 35));
    CHECK_NEAR(M.rec[0].lat, 44.440189, 1e-5);
    CHECK_NEAR(M.rec[0].lon, 26.093126, 1e-5);
    CHECK_NEAR(M.rec[0].alt, 61, 1e-9);
    CHECK_INT(M.rec[0].sats, 5);
    CHECK(M.rec[0].valid);
    CHECK_STR(msg_field_get(&M, "lac"), "100");
    CHECK_STR(msg_field_get(&M, "cell_id"), "33791");
    CHECK_INT(M.want_reply.count, 2);
}

static void test_login_and_answers(void)
{
    struct trk_state st = { 0 };
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, hx("000F333536333037303432343431303133"));
    CHECK_STR(M.type, "login");
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(M.imei, "356307042441013");
    CHECK_STR(msg_field_get(&M, "imei"), "356307042441013");
    CHECK(M.want_reply.set);
    CHECK_INT(M.want_reply.key, 0);

    /* the server's answer is one byte while the login answer is pending */
    CHECK_INT(D->frame(B, hx("0100000001"), TRK_DOWN, &st), 1);
    dt_decode(D, &M, &st, TRK_DOWN, TRK_TCP, B, hx("01"));
    CHECK_STR(M.type, "ack");
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(msg_field_get(&M, "login"), "accepted");
    CHECK(M.is_reply.set);
    CHECK(M.is_reply.accept);
    CHECK_INT(M.is_reply.key, 0);
    /* after it, 4-byte record ACKs */
    CHECK_INT(D->frame(B, hx("00000001"), TRK_DOWN, &st), 4);

    struct trk_state st2 = { 0 };
    dt_decode(D, &M, &st2, TRK_UP, TRK_TCP, B, hx("000F313233343536373839303132333435"));
    CHECK_STR(M.imei, "123456789012345");
    dt_decode(D, &M, &st2, TRK_DOWN, TRK_TCP, B, hx("00"));
    CHECK_STR(M.type, "ack");
    CHECK_STR(msg_field_get(&M, "login"), "rejected");
    CHECK(M.is_reply.set);
    CHECK(!M.is_reply.accept);

    /* record count ACK */
    dt_decode(D, &M, &st2, TRK_DOWN, TRK_TCP, B, hx("00000002"));
    CHECK_STR(M.type, "ack");
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(msg_field_get(&M, "records"), "2");
    CHECK(M.is_reply.set);
    CHECK_INT(M.is_reply.count, 2);
    CHECK(M.is_reply.accept);
}

static void test_codec12(void)
{
    struct trk_state st = { 0 };
    dt_decode(D, &M, &st, TRK_DOWN, TRK_TCP, B, hx("000000000000000F0C010500000007676574696E666F0100004312"));
    CHECK_STR(M.type, "command");
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(msg_field_get(&M, "codec"), "12");
    CHECK_STR(msg_field_get(&M, "text"), "getinfo");

    /* corpus teltonika-040: a response */
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, hx(
        "000000000000002d0c01060000002523464d323d3236323033323736313732313339362c32363230332c"
        "30372e30322e30350d0a0100009a2e"));
    CHECK_STR(M.type, "command-reply");
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(msg_field_get(&M, "text"), "#FM2=262032761721396,26203,07.02.05");
    CHECK(msg_field_get(&M, "hex") == NULL);

    /* corpus teltonika-006: codec 13 with a timestamp */
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, hx(
        "00000000000000240d01060000001c642b3ad14754534c7c367c317c307c31323734393838347c317c0d"
        "0a010000ec11"));
    CHECK_STR(M.type, "command-reply");
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(msg_field_get(&M, "codec"), "13");
    CHECK_STR(msg_field_get(&M, "timestamp"), "1680554705");
    CHECK_STR(msg_field_get(&M, "text"), "GTSL|6|1|0|12749884|1|");

    /* an undocumented codec 12 message type (corpus teltonika-049) */
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, hx("00000000000000090c010d00000001000100000cd8"));
    CHECK_INT(M.status, TRK_UNSUPPORTED);
    CHECK_STR(M.problem, "unsupported codec 12 message type 0x0D");
    CHECK_SPAN(&M, 10, 1);                               /* after the preamble, length, codec, quantity */
    CHECK_STR(dt_span_hex(&M), "0d");
}

static void test_codec14(void)
{
    struct trk_state st = { 0 };
    dt_decode(D, &M, &st, TRK_DOWN, TRK_TCP, B,
        hx("00000000000000160E01050000000E0352093081452251676574766572010000D2C1"));
    CHECK_STR(M.type, "command");
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(msg_field_get(&M, "codec"), "14");
    CHECK_STR(M.imei, "352093081452251");
    CHECK_STR(msg_field_get(&M, "text"), "getver");

    /* the device's ACK (type 0x06) with the response */
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, envelope("0E01060000000E035209308145225156657220303101"));
    CHECK_STR(M.type, "command-reply");
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(M.imei, "352093081452251");
    CHECK_STR(msg_field_get(&M, "result"), "ack");
    CHECK_STR(msg_field_get(&M, "text"), "Ver 01");
    /* nACK (0x11): the IMEI did not match */
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, hx("00000000000000100E011100000008035209308145225101000032AC"));
    CHECK_STR(M.type, "command-reply");
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(M.imei, "352093081452251");
    CHECK_CONTAINS(msg_field_get(&M, "result"), "nack");

    /* codec 15 (wiki example): timestamp, packed IMEI, "Hello!\n" */
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, hx(
        "000000000000001b0f010b00000013654b65a4012345678912345648656c6c6f210a01000093d6"));
    CHECK_STR(M.type, "command-reply");
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(msg_field_get(&M, "codec"), "15");
    CHECK_STR(msg_field_get(&M, "timestamp"), "1699440036");
    CHECK_STR(M.imei, "123456789123456");
    CHECK_STR(msg_field_get(&M, "text"), "Hello!");
}

static void test_udp(void)
{
    char dg[1024];
    /* channel header (length, packet id CAFE, not-usable 01), AVL packet id DD, IMEI, area */
    size_t alen = strlen(WIKI8_AREA) / 2;
    size_t total = 2 + 1 + 1 + 2 + 15 + alen;
    snprintf(dg, sizeof dg, "%04zXCAFE01DD000F333536333037303432343431303133%s", total, WIKI8_AREA);
    struct trk_state st = { 0 };
    dt_decode(D, &M, &st, TRK_UP, TRK_UDP, B, hx(dg));
    CHECK_STR(M.type, "position");
    CHECK_INT(M.status, TRK_OK);
    CHECK_STR(M.imei, "356307042441013");
    CHECK_STR(msg_field_get(&M, "packet_id"), "51966");
    CHECK_STR(msg_field_get(&M, "avl_packet_id"), "221");
    CHECK_INT(M.nrec, 1);
    CHECK_INT(M.rec[0].time_ms, 1560161086000LL);
    CHECK_IO(&M, 0, 66, 2, 0x5E0F);
    CHECK(M.want_reply.set);
    CHECK_INT(M.want_reply.key, 0xDD);
    CHECK_INT(M.want_reply.count, 1);
    CHECK(D->probe(B, hx(dg), TRK_UDP) >= 90);

    dt_decode(D, &M, &st, TRK_DOWN, TRK_UDP, B, hx("0005CAFE01DD01"));
    CHECK_STR(M.type, "ack");
    CHECK_INT(M.status, TRK_OK);
    CHECK(M.is_reply.set);
    CHECK_INT(M.is_reply.key, 0xDD);
    CHECK_INT(M.is_reply.count, 1);

    /* wrong channel length */
    snprintf(dg, sizeof dg, "%04zXCAFE01DD000F333536333037303432343431303133%s", total + 3, WIKI8_AREA);
    dt_decode(D, &M, &st, TRK_UP, TRK_UDP, B, hx(dg));
    CHECK_INT(M.status, TRK_MALFORMED);
    char want[80];
    snprintf(want, sizeof want, "length field says %zu, frame has %zu", total + 3, total);
    CHECK_STR(M.problem, want);
    CHECK_SPAN(&M, 0, 2);
}

static void test_problems(void)
{
    struct trk_state st = { 0 };
    size_t n = hx(WIKI8);
    B[n - 1] = 0xCE;                                     /* CRC field C7CE */
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, n);
    CHECK_INT(M.status, TRK_MALFORMED);
    CHECK_STR(M.problem, "crc mismatch: field 0xC7CE, computed 0xC7CF");
    CHECK_INT(M.nrec, 1);                                /* still decoded */
    CHECK_SPAN(&M, 62, 4);                               /* the 4-byte CRC field after 8 + 54 bytes */
    CHECK_STR(dt_span_hex(&M), "0000c7ce");

    n = hx(WIKI8);
    B[7] = 0x37;                                         /* says 55, has 54 */
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, n);
    CHECK_INT(M.status, TRK_MALFORMED);
    CHECK_STR(M.problem, "length field says 55, frame has 54");
    CHECK_SPAN(&M, 4, 4);
    CHECK_STR(dt_span_hex(&M), "00000037");

    /* N2 = 2 with a valid CRC */
    char area[400];
    snprintf(area, sizeof area, "%.*s02", (int)strlen(WIKI8_AREA) - 2, WIKI8_AREA);
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, envelope(area));
    CHECK_INT(M.status, TRK_MALFORMED);
    CHECK_STR(M.problem, "record count mismatch: N1=1, N2=2");

    /* one record announced, 20 bytes of it present: the angle read fails at 10 + 19 */
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, envelope("08010000016B40D8EA3001000000000000000000000001"));
    CHECK_INT(M.status, TRK_MALFORMED);
    CHECK_STR(M.problem, "truncated at offset 29");
    CHECK_SPAN(&M, 29, 1);                               /* the record area ends at 30, before N2 */

    /* well-formed envelope, unknown codec */
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, envelope("09010001"));
    CHECK_INT(M.status, TRK_UNSUPPORTED);
    CHECK_STR(M.problem, "unsupported codec 0x09");
    CHECK_SPAN(&M, 8, 1);

    /* IMEI packet whose length field disagrees */
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, hx("000F3335363330373034323434313031"));
    CHECK_INT(M.status, TRK_MALFORMED);
    CHECK_STR(M.problem, "length field says 15, frame has 14");
    CHECK_SPAN(&M, 0, 2);

    /* bytes left over after the records (valid CRC) */
    snprintf(area, sizeof area, "%.*sAABB01", (int)strlen(WIKI8_AREA) - 2, WIKI8_AREA);
    dt_decode(D, &M, &st, TRK_UP, TRK_TCP, B, envelope(area));
    CHECK_INT(M.status, TRK_MALFORMED);
    CHECK_CONTAINS(M.problem, "2 bytes left over after 1 records");
    CHECK_STR(dt_span_hex(&M), "aabb");
}

static void test_framing(void)
{
    static unsigned char s[4096];
    size_t n;

    /* one AVL packet fed byte by byte */
    struct trk_state st = dt_state(TRK_TCP);
    n = hx(WIKI8);
    memcpy(s, B, n);
    size_t k = dt_feed_state(D, &st, DT_STREAM, s, n, 1, TRK_UP);
    CHECK_INT(k, 1);
    CHECK_STR(msgs[0].type, "position");
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].rawlen, n);
    CHECK_INT(msgs[0].nrec, 1);

    /* keep-alive, login and AVL packet in one chunk (and the same split byte by byte) */
    n = hx("FF000F333536333037303432343431303133");
    memcpy(s, B, n);
    size_t m2 = hx(WIKI8);
    memcpy(s + n, B, m2);
    n += m2;
    const size_t chunks[2] = { n, 1 };
    for (size_t c = 0; c < 2; c++) {
        struct trk_state st2 = dt_state(TRK_TCP);
        k = dt_feed_state(D, &st2, DT_STREAM, s, n, chunks[c], TRK_UP);
        CHECK_INT(k, 3);
        CHECK_STR(msgs[0].type, "keepalive");
        CHECK_INT(msgs[0].rawlen, 1);
        CHECK_STR(msgs[1].type, "login");
        CHECK_INT(msgs[1].rawlen, 17);
        CHECK_STR(msgs[2].type, "position");
        CHECK_INT(msgs[2].status, TRK_OK);
    }

    /* garbage before a login: reported as garbage, then the login */
    n = hx("DEADBEEF4142000F333536333037303432343431303133");
    memcpy(s, B, n);
    struct trk_state st3 = dt_state(TRK_TCP);
    k = dt_feed_state(D, &st3, DT_STREAM, s, n, n, TRK_UP);
    CHECK_INT(k, 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "6 bytes skipped: no teltonika frame start");
    CHECK_SPAN(&msgs[0], 0, 6);                          /* all the skipped bytes */
    CHECK_STR(msgs[1].type, "login");
    CHECK_INT(msgs[1].status, TRK_OK);

    /* server side after a login: answer, record ACK, codec 12 command, ACK, in one chunk */
    struct trk_state st4 = { 0 };
    dt_decode(D, &M, &st4, TRK_UP, TRK_TCP, B, hx("000F333536333037303432343431303133"));
    n = hx("0100000001000000000000000F0C010500000007676574696E666F010000431200000000");
    memcpy(s, B, n);
    k = dt_feed_state(D, &st4, DT_STREAM, s, n, n, TRK_DOWN);
    CHECK_INT(k, 4);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_INT(msgs[0].rawlen, 1);
    CHECK_STR(msgs[1].type, "ack");
    CHECK_INT(msgs[1].rawlen, 4);
    CHECK_STR(msgs[2].type, "command");
    CHECK_INT(msgs[2].rawlen, 27);
    CHECK_INT(msgs[2].status, TRK_OK);
    CHECK_STR(msgs[3].type, "ack");
    CHECK_INT(msgs[3].rawlen, 4);
    CHECK_INT(msgs[3].status, TRK_OK);

    /* mid-stream (no login seen): 4-byte ACKs; four zero bytes alone are an ACK of 0 */
    struct trk_state st5 = dt_state(TRK_TCP);
    n = hx("0000000300000000");
    k = dt_feed_state(D, &st5, DT_STREAM, B, n, 4, TRK_DOWN);
    CHECK_INT(k, 2);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_STR(msgs[1].type, "ack");
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_INT(D->frame(B, 4, TRK_DOWN, &st5), 4);

    /* framer contract: never more than n; absurd lengths are skipped */
    n = hx("0000000000FFFFFF08");
    CHECK(D->frame(B, n, TRK_UP, &st5) < 0);
    n = hx("00000000");
    CHECK_INT(D->frame(B, n, TRK_UP, &st5), 0);
    n = hx("000F3335");
    CHECK_INT(D->frame(B, n, TRK_UP, &st5), 0);
    n = hx("000F33354A");
    CHECK(D->frame(B, n, TRK_UP, &st5) < 0);
}

static void test_probe(void)
{
    size_t n = hx("000F333536333037303432343431303133");
    CHECK(D->probe(B, n, TRK_TCP) >= 90);
    n = hx(WIKI8);
    CHECK(D->probe(B, n, TRK_TCP) >= 90);
    n = hx("000000000000000F0C010500000007676574696E666F0100004312");
    CHECK(D->probe(B, n, TRK_TCP) >= 90);
    memcpy(B, "GET / HTTP/1.1\r\n", 16);
    CHECK(D->probe(B, 16, TRK_TCP) < 20);
    memcpy(B, "123456789012345", 15);
    CHECK(D->probe(B, 15, TRK_TCP) < 20);
    n = hx("000F33");
    CHECK(D->probe(B, n, TRK_TCP) < 50);
    CHECK_INT(D->probe(B, 0, TRK_TCP), 0);
}

int main(void)
{
    test_codec8_wiki();
    test_codec8e_corpus();
    test_codec16_corpus();
    test_codec7_corpus();
    test_login_and_answers();
    test_codec12();
    test_codec14();
    test_udp();
    test_problems();
    test_framing();
    test_probe();
    return check_done("teltonika");
}
