/* test_navtelecom.c: unit tests of the Navtelecom NTCB/FLEX dissector: the
 * NTCB envelope and its two XOR checks, the handshake, F-format telemetry, the
 * FLEX negotiation kept in the session state and the FLEX packets framed and
 * decoded with it (byte by byte, several per chunk), the CRC-8, the server's
 * replies in both envelopes, keep-alives, and FLEX seen without negotiation. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dtest.h"

extern const struct dissector dissector_navtelecom;
static const struct dissector *const D = &dissector_navtelecom;

/* an NTCB message as hex; `csd_delta` spoils the data XOR */
static const char *ntcb(unsigned idr, unsigned ids, const char *data_hex, int csd_delta)
{
    static char out[4096];
    unsigned char b[2048], d[1800];
    size_t dl = check_unhex(data_hex, d, sizeof d), n = 0;
    memcpy(b, "@NTC", 4);
    n = 4;
    for (int i = 0; i < 4; i++) b[n++] = (unsigned char)(idr >> (8 * i));
    for (int i = 0; i < 4; i++) b[n++] = (unsigned char)(ids >> (8 * i));
    b[n++] = (unsigned char)dl;
    b[n++] = (unsigned char)(dl >> 8);
    b[n++] = (unsigned char)(xor8(d, dl) + csd_delta);
    b[n] = xor8(b, n);
    n++;
    memcpy(b + n, d, dl);
    n += dl;
    return dt_hex(b, n, out, sizeof out);
}

/* a FLEX packet as hex: the bytes given plus their CRC-8 */
static const char *flex(const char *hex, int crc_delta)
{
    static char out[4096];
    unsigned char b[2048];
    size_t n = check_unhex(hex, b, sizeof b);
    b[n] = (unsigned char)(crc8_egts(b, n) + crc_delta);
    n++;
    return dt_hex(b, n, out, sizeof out);
}

/* corpus navis-010 (negotiation, 69 fields, 73-byte records) and navis-011 (~T) */
#define NEG010 "404e544301000000aaecf6021300c8712a3e464c4558b00a0a45ffff300a08080f8388"
#define T011 "7e54040000000400000030129957405c000b00632f9857405ccace03021e129101a103000000000000c4005ba3fe3b00000000120046100000000000001aff7f000080bfffff80000080bfffffffff9f"
#define A012 "7e4101080000000917c057405c002b001833c057405cbbce030225129101a00300007c6102408900400c1b3cfce3b23a12004710e000000000001bff7f000080bfffff80000080bfffffffffb2"

static void test_handshake(void)
{
    /* corpus navis-001 */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "404e5443010000007b000000130044342a3e533a383631373835303035323035303739", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "login");
    CHECK_STR(m->imei, "861785005205079");
    CHECK_STR(F(m, "receiver_id"), "1");
    CHECK_STR(F(m, "sender_id"), "123");
    CHECK(m->want_reply.set);

    /* the answer *<S with the ids swapped */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, ntcb(123, 1, "2a3c53", 0), 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK(m->is_reply.set);
    CHECK_INT(m->is_reply.key, msgs[0].is_reply.key);

    /* a keep-alive: no data */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, ntcb(1, 2, "", 0), 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK_INT(msgs[0].status, TRK_OK);
}

static void test_ntcb_checks(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, ntcb(1, 2, "2a3e533a383631373835303035323035303739", 1), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "data checksum mismatch: field 0x");
    CHECK_SPAN(&msgs[0], 14, 1);              /* CSd: @NTC, two ids, length, then CSd, CSp */

    char bad[512];
    snprintf(bad, sizeof bad, "%s", ntcb(1, 2, "2a3e533a31", 0));
    bad[31] = bad[31] == '0' ? '1' : '0';     /* CSp */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, bad, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "header checksum mismatch");
    CHECK_SPAN(&msgs[0], 15, 1);              /* CSp: the header's last byte */

    /* an unknown NTCB command: unsupported */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, ntcb(1, 2, "2a3e5a5a5a", 0), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported NTCB message *>Z");
    CHECK_SPAN(&msgs[0], 16, 3);              /* the first 3 data bytes after the 16-byte header */
    CHECK_STR(dt_span_hex(&msgs[0]), "2a3e5a");

    /* cut short */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "404e5443010000007b000000130044342a3e533a3836", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
}

static void test_ntcb_telemetry(void)
{
    /* corpus navis-003, F5.2 single record, asserted: 2016-11-11 21:00:04, 53.74336, 87.14437 */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "404e5443010000000000000059009adb2a3e54250000000000ff1500040b0a1008291838001200760ee600000000000000000000000f1500040b0a10ac20703fb1aec23f00000000320149668f430000000000000000000000000000000000000000000000f3808080",
                   1, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(F(m, "format"), "0x25");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms, 1478898004000LL);
    CHECK_NEAR(m->rec[0].lat, 53.74336, 1e-5);
    CHECK_NEAR(m->rec[0].lon, 87.14437, 1e-5);
    CHECK(m->rec[0].valid);
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 0);          /* the record index */

    /* the answer *<T + index */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, ntcb(0, 1, "2a3c5400000000", 0), 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_INT(msgs[0].is_reply.key, 0);

    /* corpus navis-019: a command result */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "404e544301000000000000000d005e4b2a40434e43545f445243204f4b", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_STR(F(&msgs[0], "result"), "*@CNCT_DRC OK");
}

static void test_flex_session(void)
{
    struct trk_state st = dt_state(TRK_TCP);
    CHECK_INT(dt_feed_hex_state(D, &st, DT_STREAM, NEG010, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "config");
    CHECK_STR(F(m, "flex_version"), "1.0");
    CHECK_STR(F(m, "field_count"), "69");
    CHECK_STR(F(m, "record_size"), "73");
    CHECK_INT(st.last[0] & 0xFFFF, 73);

    /* then ~T, ~A and a keep-alive in one stream, at once and byte by byte */
    char all[2048];
    snprintf(all, sizeof all, "%s%s7f", T011, A012);
    static const size_t steps[] = {0, 1, 5, 33};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        struct trk_state s2 = st;
        CHECK_INT(dt_feed_hex_state(D, &s2, DT_STREAM, all, steps[i], TRK_UP), 3);
        m = &msgs[0];
        CHECK_INT(m->status, TRK_OK);
        CHECK_INT(m->rawlen, 80);
        /* corpus navis-011, asserted: 2019-01-17 10:23:20, 56.33996, 43.80762 */
        CHECK_INT(m->rec[0].time_ms, 1547720600000LL);
        CHECK_NEAR(m->rec[0].lat, 56.33996, 1e-5);
        CHECK_NEAR(m->rec[0].lon, 43.80762, 1e-5);
        CHECK(m->rec[0].valid);
        CHECK_INT(m->want_reply.key, 4);
        CHECK_INT(msgs[1].rawlen, 77);
        CHECK_INT(msgs[1].nrec, 1);
        CHECK_INT(msgs[1].status, TRK_OK);
        CHECK_STR(msgs[2].type, "heartbeat");
    }

    /* the negotiation and the first packet in one chunk */
    struct trk_state s4 = dt_state(TRK_TCP);
    CHECK_INT(dt_feed_hex_state(D, &s4, DT_STREAM, NEG010 T011, 0, TRK_UP), 2);
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_INT(msgs[1].rawlen, 80);
    CHECK_INT(msgs[1].nrec, 1);
    CHECK_INT(msgs[1].rec[0].time_ms, 1547720600000LL);

    /* a damaged CRC-8 */
    char bad[512];
    snprintf(bad, sizeof bad, "%s", T011);
    bad[strlen(bad) - 1] = 'e';
    struct trk_state s3 = st;
    CHECK_INT(dt_feed_hex_state(D, &s3, DT_STREAM, bad, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "crc mismatch: field 0x9E, computed 0x9F");
    CHECK_SPAN(&msgs[0], msgs[0].rawlen - 1, 1);   /* FLEX: the CRC-8 is the last byte */
    CHECK_STR(dt_span_hex(&msgs[0]), "9e");
}

static void test_flex_without_negotiation(void)
{
    /* the packet is framed by its CRC and the end of input, but its records cannot be read */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, A012, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].rawlen, 77);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_CONTAINS(msgs[0].problem, "no *>FLEX negotiation");
    /* two back to back: the CRC and the next packet's start separate them */
    char two[1024];
    snprintf(two, sizeof two, "%s%s", A012, A012);
    CHECK_INT(dt_feed_hex(D, DT_STREAM, two, 1, TRK_UP), 2);
    CHECK_INT(msgs[0].rawlen, 77);
    CHECK_INT(msgs[1].rawlen, 77);
}

static void test_flex_replies(void)
{
    CHECK_INT(dt_feed_hex(D, DT_STREAM, flex("7e4101", 0), 0, TRK_DOWN), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK_STR(F(m, "count"), "1");
    CHECK_INT(m->is_reply.key, (uint32_t)'A' << 24 | 1);

    char both[256];
    snprintf(both, sizeof both, "%s", flex("7e5404000000", 0));
    strcat(both, flex("7e4102", 0));
    CHECK_INT(dt_feed_hex(D, DT_STREAM, both, 1, TRK_DOWN), 2);
    CHECK_INT(msgs[0].is_reply.key, 4);
    CHECK_INT(msgs[1].is_reply.count, 2);

    /* *<FLEX answer to the negotiation */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, ntcb(0, 1, "2a3c464c4558b00a0a", 0), 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_STR(F(&msgs[0], "flex_version"), "1.0");
}

static void test_probe(void)
{
    unsigned char b[256];
    size_t n = check_unhex("404e5443010000007b000000130044342a3e533a383631373835303035323035303739", b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 80);
    n = check_unhex(A012, b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) < 50);          /* FLEX on a fresh stream */
    n = check_unhex("7e0002000004304832546500b7ca7e", b, sizeof b);   /* JT808 */
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
}

int main(void)
{
    test_handshake();
    test_ntcb_checks();
    test_ntcb_telemetry();
    test_flex_session();
    test_flex_without_negotiation();
    test_flex_replies();
    test_probe();
    return check_done("navtelecom");
}
