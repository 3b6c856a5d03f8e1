/* test_topflytech.c: unit tests of the Topflytech dissector: login, heartbeat, positions of the
 * four header families, cell data without a fix, alarms, network info, command replies, ACKs,
 * UDP datagrams, length problems, framing byte by byte, several messages in one chunk, garbage,
 * and the probe. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_topflytech;
static const struct dissector *const D = &dissector_topflytech;

static const char *LOGIN = "232301001500020357367031063979150208625010";          /* t800x-027 */
static const char *HBEAT = "232303000f00000357367031063979";                      /* t800x-028 */
static const char *GPS = "232302004200150357367031063979003c03842307d000004a0000050100004001009500940000000285ab001510281350477f710d4452819342d1ba944101160038";  /* t800x-030 */

static void test_login_heartbeat(void)
{
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, LOGIN, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "login");
    CHECK_STR(m->imei, "357367031063979");
    CHECK_STR(F(m, "header"), "##");
    CHECK_STR(F(m, "serial"), "2");
    CHECK_STR(F(m, "version"), "150208625010");
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 0x010002);

    CHECK_INT(dt_feed_hex(D, DT_WHOLE, HBEAT, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK_INT(msgs[0].want_reply.key, 0x030000);

    /* the server's echo */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "232301000f00020357367031063979", 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK(m->is_reply.set);
    CHECK_INT(m->is_reply.key, 0x010002);
    /* an alarm ACK carries the alarm code */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "232304001000030357367031063979" "02", 0, TRK_DOWN), 1);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_STR(F(&msgs[0], "alarm"), "0x02");
    CHECK_INT(msgs[0].is_reply.key, 0x040003);
}

static void test_positions(void)
{
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, GPS, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_INT(m->nrec, 1);
    struct trk_record *r = &m->rec[0];
    CHECK_INT(r->time_ms / 1000, trk_timegm(2015, 10, 28, 13, 50, 47));
    CHECK_NEAR(r->lat, 18.591219, 1e-5);
    CHECK_NEAR(r->lon, 73.752579, 1e-5);
    CHECK_NEAR(r->alt, 565.8, 0.05);
    CHECK_NEAR(r->speed, 11.6, 1e-9);
    CHECK_NEAR(r->course, 56, 1e-9);
    CHECK_INT(r->sats, 10);
    CHECK(r->valid);
    CHECK_STR(F(m, "ignition"), "true");
    CHECK_INT(m->want_reply.key, 0x020015);

    /* no fix: cell data instead of coordinates (t800x-031) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "232302004200000357367031063979003c03842307d000008000000501000000010094009400000002a0b90015102814590694015a00620cf698620cf49e620cf498", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->nrec, 1);
    CHECK(!(m->rec[0].has & TRK_R_POS));
    CHECK(!m->rec[0].valid);
    CHECK_STR(F(m, "mcc"), "404");
    CHECK_STR(F(m, "mnc"), "90");
    CHECK_STR(F(m, "lac"), "3170");

    /* "''" family: status and alarm code first (t800x-016) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "2727040049001b0866425039645728c916190604005240000000007739d2c25b681f420000000080000081000020174105000005458216001e000000f01e00001e30d0000000000000", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "alarm");
    CHECK_STR(F(m, "alarm"), "0x16");
    CHECK_INT(m->rec[0].time_ms / 1000, trk_timegm(2019, 6, 4, 0, 52, 40));
    CHECK_NEAR(m->rec[0].lat, 39.851910, 1e-5);
    CHECK_NEAR(m->rec[0].lon, -105.112236, 1e-5);
    CHECK_INT(m->rec[0].sats, 9);
    CHECK(!m->rec[0].valid);                            /* status bit 7: fix not valid */

    /* "##" alarm: alarm code, odometer and battery level before the time (t800x-029) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "232304004200030357367031063979003c03842307d00000c80000050100008000008900890100000017b100151022121648b8ef0c4422969342cec5944100000110", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "alarm");
    CHECK_STR(F(m, "alarm"), "power-cut");
    CHECK_STR(F(m, "odometer"), "6065");
    CHECK_STR(F(m, "battery_level"), "100");
    CHECK_NEAR(m->rec[0].lat, 18.596584, 1e-5);
    CHECK(!m->rec[0].valid);
    CHECK_NEAR(m->rec[0].course, 272, 1e-9);

    /* "&&" family (t800x-015) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "262602005308090865284040309670000f000f0f0000005a47c000050100000020000000008bfd0020022505185300004041dcc9d6c243b3c6410000012712400000000009e2ffffffffffffffffffffffff09", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->rec[0].time_ms / 1000, trk_timegm(2020, 2, 25, 5, 18, 53));
    CHECK_NEAR(m->rec[0].lat, 24.837530, 1e-5);
    CHECK_NEAR(m->rec[0].lon, -107.394257, 1e-5);
    CHECK_NEAR(m->rec[0].alt, 12, 1e-9);

    /* "%%" 0x14 (t800x-032): the time at body offset 37 */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "2525140059002d0869084069062093001902581e000000644fc0000500000080010000ffffffffffff000000001300000000160125081006080400000a4317cdf4c20fc73c420000000003630263ffff0000001cffffffffff", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "alarm");
    CHECK_INT(m->rec[0].time_ms / 1000, trk_timegm(2025, 8, 10, 6, 8, 4));
    CHECK_NEAR(m->rec[0].lat, 47.194393, 1e-5);
    CHECK_NEAR(m->rec[0].lon, -122.400566, 1e-5);

    /* "&&" 0x05 driving behaviour: two samples, the second without a location (t800x-002) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "2626050040031208696160625731520525050817271100000000844d74c260f80bc2000000000360250508172716ffffffffffffffffffffffff0270ffff0360", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "event");
    CHECK_INT(m->nrec, 2);
    CHECK(m->rec[0].has & TRK_R_POS);
    CHECK(!(m->rec[1].has & TRK_R_POS));
    CHECK_NEAR(m->rec[0].lat, -34.992554, 1e-5);
}

static void test_info(void)
{
    /* network info (t800x-008) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "2525110055000208677300508924902206262035310c540045004c00430045004c0004454447450847534d20313930300f323134303734323036373835323839143839333430373131373930303936383037363846", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "info");
    CHECK_STR(F(m, "operator"), "TELCEL");
    CHECK_STR(F(m, "access_technology"), "EDGE");
    CHECK_STR(F(m, "band"), "GSM 1900");
    CHECK_STR(F(m, "imsi"), "214074206785289");

    /* command reply in UTF-16LE (t800x-021) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "2525810128000108664250328959160149004d00450049003a003800360036003400320035003000330032003800390035003900310036002c005300450054002000560045005200530049004f004e0020004f004b002c00560065007200730069006f006e003a00420061007300690063003a00560031002e0030002e0030002c004100500050003a00560034002e0032002e0033002c004200550049004c0044003a0032003000310039002d00300033002d00330030002c00300038003a00300035002c0050004c0054003a0032003500300033004100560045002c00480057003a00560032002e0031002c004d004f00440045004c003a002c004d004f00440045004d003a0042003900470036004d0041005200300032004100300037004d00310047002300", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "command-reply");
    CHECK_STR(F(m, "text"), "IMEI:866425032895916,SET VERSION OK,Version:Basic:V1.0.0,APP:V4.2.3,BUILD:2019-03-30,08:05,PLT:2503AVE,HW:V2.1,MODEL:,MODEM:B9G6MAR02A07M1G#");
    CHECK(!m->want_reply.set);

    /* an unknown type in a well-formed message */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "232377000f00000357367031063979", 0, TRK_UP), 1);
    CHECK_STR(msgs[0].type, "garbage");                 /* not a frame start */
    struct trk_msg u;
    struct trk_state st = dt_state(TRK_UDP);
    unsigned char b[64];
    size_t n = check_unhex("232306000f00000357367031063979", b, sizeof b);
    dt_decode(D, &u, &st, TRK_UP, TRK_UDP, b, n);
    CHECK_INT(u.status, TRK_UNSUPPORTED);
    CHECK_STR(u.problem, "unsupported message type 0x06");
}

static void test_udp_and_problems(void)
{
    struct trk_msg u;
    struct trk_state st = dt_state(TRK_UDP);
    unsigned char b[256];
    size_t n = check_unhex(GPS, b, sizeof b);
    dt_decode(D, &u, &st, TRK_UP, TRK_UDP, b, n);
    CHECK_INT(u.status, TRK_OK);
    CHECK_STR(u.imei, "357367031063979");
    CHECK_NEAR(u.rec[0].lat, 18.591219, 1e-5);

    /* a datagram shorter than its length field */
    dt_decode(D, &u, &st, TRK_UP, TRK_UDP, b, n - 4);
    CHECK_INT(u.status, TRK_MALFORMED);
    CHECK_STR(u.problem, "length field says 66, frame has 62");

    /* the end of a TCP stream cuts a message */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "232302004200150357367031063979003c", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "length field says 66, frame has 17");

    /* IMEI bytes that are not digits */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "232303000f000003573670310639ff", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "imei field is not 16 decimal digits");

    /* header too short to read */
    dt_decode(D, &u, &st, TRK_UP, TRK_UDP, b, 9);
    CHECK_INT(u.status, TRK_MALFORMED);
    CHECK_CONTAINS(u.problem, "truncated at offset");
}

static void test_framing(void)
{
    char all[1024];
    snprintf(all, sizeof all, "%s%s%s", LOGIN, GPS, HBEAT);
    struct trk_state st = dt_state(TRK_TCP);
    CHECK_INT(dt_feed_hex_state(D, &st, DT_STREAM, all, 1, TRK_UP), 3);
    CHECK_STR(msgs[0].type, "login");
    CHECK_INT(msgs[0].rawlen, 21);
    CHECK_STR(msgs[1].type, "position");
    CHECK_INT(msgs[1].rawlen, 66);
    CHECK_STR(msgs[2].type, "heartbeat");
    CHECK_INT(msgs[2].rawlen, 15);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, all, 0, TRK_UP), 3);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, all, 4, TRK_UP), 3);
    CHECK_NEAR(msgs[1].rec[0].lon, 73.752579, 1e-5);

    /* seven messages in one chunk (t800x-006) */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "25251300594a1b0869738060144917003c0e101e03e85a2dc8c00005070000410000000000000000000000005b000003a5b45e00230919102252e3a5094288fabfc0e98b15420000010403921352ffff0000001cffffffffff25251300594a1c0869738060144917003c0e101e03e85a2ac7c00005070000410000000000000000000000002d000003a5b48b002309191023522d320642abfebfc0e98b15420000010c03921345ffff0000001bffffffffff", 0, TRK_UP), 2);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_INT(msgs[1].rec[0].time_ms / 1000, trk_timegm(2023, 9, 19, 10, 23, 52));

    /* garbage before a message */
    char garb[256];
    snprintf(garb, sizeof garb, "0a0b23%s", LOGIN);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, garb, 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_CONTAINS(msgs[0].problem, "3 bytes skipped");
    CHECK_STR(msgs[1].imei, "357367031063979");

    /* frame() directly */
    unsigned char b[128];
    size_t n = check_unhex(LOGIN, b, sizeof b);
    for (size_t k = 0; k < n; k++) CHECK_INT(D->frame(b, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), 21);
    n = check_unhex("2323010005", b, sizeof b);       /* length below the header size */
    CHECK(D->frame(b, n, TRK_UP, &st) < 0);
}

static void test_probe(void)
{
    unsigned char b[256];
    size_t n = check_unhex(GPS, b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 90);
    CHECK(D->probe(b, n, TRK_UDP) >= 90);
    CHECK(D->probe(b, 20, TRK_TCP) < 80);
    CHECK(D->probe(b, 4, TRK_TCP) < 50);
    n = check_unhex("23232c696d65693a3335", b, sizeof b);  /* "##,imei:35" (GPS103) */
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
    n = check_unhex("2323010015000208", b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) < 50);
    CHECK_STR(D->name, "topflytech");
    CHECK_STR(D->aliases[0], "t800x");
    CHECK_INT(D->ports[0], 5094);
    CHECK_INT(D->transports, TRK_TCP | TRK_UDP);
}

int main(void)
{
    test_login_heartbeat();
    test_positions();
    test_info();
    test_udp_and_problems();
    test_framing();
    test_probe();
    return check_done("topflytech");
}
