/* test_meitrack.c: unit tests of the Meitrack dissector: framing by the
 * decimal length through the framer (split, batched, garbage, wrong lengths),
 * the 8-bit sum, and the decoded values of AAA/AFF reports, CCC and CCE cache
 * uploads, photo chunks, command replies and the server's messages. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dtest.h"

extern const struct dissector dissector_meitrack;
static const struct dissector *const D = &dissector_meitrack;

/* a whole text message with its length, sum and CR LF */
static const char *mk(const char *head, char flag, const char *rest)
{
    static char out[4200];
    char body[4000];
    snprintf(body, sizeof body, ",%s*", rest);
    size_t len = strlen(body) + 4;             /* comma .. '*', two sum digits, CR LF */
    char pre[32];
    snprintf(pre, sizeof pre, "%s%c%zu", head, flag, len);
    char all[4096];
    snprintf(all, sizeof all, "%s%s", pre, body);
    unsigned s = sum8((const uint8_t *)all, strlen(all));
    snprintf(out, sizeof out, "%s%02X\r\n", all, s);
    return out;
}

static void test_aaa(void)
{
    /* corpus meitrack-047 (with its CR LF) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "2424423134302c3031333737373030313239333730312c4141412c33352c2d372e3236363736302c3131322e3734333535302c3134303532313039353331342c412c332c32322c302c3237352c322e372c34352c313938342c383035392c3531307c317c333530347c454246452c303030302c303030307c303030307c303030307c303931347c303030322c2c2a46390d0a", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "013777001293701");
    CHECK_STR(F(m, "command"), "AAA");
    CHECK_STR(F(m, "flag"), "B");
    CHECK_INT(m->nrec, 1);
    struct trk_record *r = &m->rec[0];
    CHECK_INT(r->time_ms / 1000, trk_timegm(2014, 5, 21, 9, 53, 14));
    CHECK_NEAR(r->lat, -7.266760, 1e-9);
    CHECK_NEAR(r->lon, 112.743550, 1e-9);
    CHECK_NEAR(r->speed, 0, 1e-9);
    CHECK_NEAR(r->course, 275, 1e-9);
    CHECK_NEAR(r->alt, 45, 1e-9);
    CHECK_INT(r->sats, 3);
    CHECK(r->valid);
    CHECK_STR(F(m, "event"), "35");
    CHECK_STR(F(m, "hdop"), "2.7");
    CHECK_STR(F(m, "mcc"), "510");
    CHECK_STR(F(m, "lac"), "13572");
    CHECK_STR(F(m, "cell_id"), "60414");
    CHECK_STR(F(m, "odometer_m"), "1984");
    CHECK_STR(F(m, "battery_raw"), "2324");
    CHECK(!m->want_reply.set);

    /* the vendor document's example, its length counting the CR LF */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "$$Q128,353358017784062,AAA,34,22.543176,114.078448,100313093738,A,5,22,2,205,5,-14,0,60,0|0|10133|4110,0000,149|153|173|2707|914,*91\r\n", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->rec[0].time_ms / 1000, trk_timegm(2010, 3, 13, 9, 37, 38));
    CHECK_NEAR(m->rec[0].lat, 22.543176, 1e-9);
    CHECK_NEAR(m->rec[0].speed, 2, 1e-9);
    CHECK_NEAR(m->rec[0].alt, -14, 1e-9);
    CHECK_STR(F(m, "runtime_s"), "60");
    CHECK_STR(F(m, "event"), "34");

    /* AFF: one more field before the event (meitrack-048, whose sum is wrong) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "24244a3136332c3132333132333132333132333132332c4146462c303030342c33352c35382e3538383932362c31362e3138303437332c3134303932383139323835362c412c31302c32372c302c3136312c312e322c31392c313634383839342c3433353639352c3234307c32347c383842397c453433352c303030302c7c7c7c304132327c303030302c30303030303030312c2c35302c2c2c2c2c2c2c2c2c2c2c2c2c2a37300d0a", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_MALFORMED);
    CHECK_STR(m->problem, "checksum mismatch: field 0x70, computed 0x52");
    CHECK_SPAN(m, m->rawlen - 4, 2);             /* the hex text "70" of "*70\r\n" */
    CHECK_STR(dt_span_hex(m), "3730");
    CHECK_STR(F(m, "index"), "0004");
    CHECK_NEAR(m->rec[0].lat, 58.588926, 1e-9);
    CHECK_NEAR(m->rec[0].lon, 16.180473, 1e-9);
    CHECK_INT(m->rec[0].sats, 10);
}

static void test_ccc(void)
{
    /* corpus meitrack-049, asserted: 2014-05-24 04:59:49, -7.2665, 112.74365, not valid */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "24245838362c3336393830303031343039303032312c4343432c020134000100000023381f91ffe354b806c5e3121b0009130000000000000000d33801007cbf0200fe0101000435feeb02000500a3010000000000002a62650d0a", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "369800014090021");
    CHECK_INT(m->nrec, 1);
    struct trk_record *r = &m->rec[0];
    CHECK_INT(r->time_ms, 1400907589000LL);
    CHECK_NEAR(r->lat, -7.266504, 1e-9);
    CHECK_NEAR(r->lon, 112.743651, 1e-9);
    CHECK(!r->valid);
    CHECK_INT(r->sats, 9);
    CHECK_STR(F(m, "event"), "35");
    CHECK_STR(F(m, "battery_v"), "4.19");
    CHECK_STR(F(m, "odometer_m"), "80083");
    CHECK_STR(F(m, "cache_remaining"), "1");
    CHECK_INT(r->io_count, 14);
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 'C' << 16 | 'C' << 8 | 'C');
    CHECK_INT(m->want_reply.count, 1);

    /* the server's confirmation */
    CHECK_INT(dt_feed_text(D, DT_STREAM, mk("@@", 'X', "369800014090021,CCC,1"), 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK(m->is_reply.set);
    CHECK_INT(m->is_reply.key, 'C' << 16 | 'C' << 8 | 'C');
    CHECK_INT(m->is_reply.count, 1);
    CHECK_STR(m->imei, "369800014090021");
}

static void test_cce(void)
{
    /* corpus meitrack-002: one packet, the picture name in a variable-length parameter */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "2424623139352c3836363439363037373538323136342c4343452c000000000100a1001b00050501060e0718140015020a0826000965000a08000b00001600001700001800001992001a5a05408f0205029e1460fe03470f1f0904785ed62f0c4cbc00000d2af20100070e0cf901010031700210cc080000fe311c020732303235303630373132323034315f4348315f6463612e6a706749090403000000000000004b0a010107464444204c54454c0a03010000020000228435fe79020102fe800201022a34310d0a", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(F(m, "packets"), "1");
    CHECK_INT(m->nrec, 1);
    struct trk_record *r = &m->rec[0];
    CHECK_NEAR(r->lat, -27.257698, 1e-9);
    CHECK_NEAR(r->lon, 153.030471, 1e-9);
    CHECK_NEAR(r->speed, 38, 1e-9);
    CHECK_NEAR(r->course, 101, 1e-9);
    CHECK_INT(r->sats, 14);
    CHECK(r->valid);
    CHECK_INT(r->time_ms / 1000, 0x2fd65e78 + 946684800LL);
    CHECK_INT(r->io_count, 27);
    /* the picture name: parameter 0xFE31 with 28 bytes */
    bool found = false;
    for (size_t i = r->io_first; i < (size_t)r->io_first + r->io_count; i++)
        if (m->io[i].id == 0xFE31 && m->io[i].len == 28 && m->io[i].hex) found = true;
    CHECK(found);

    /* meitrack-013: three packets */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "2424423233322c3836323039303035303030323831332c4343452c0400000003004400110004050006000700fe6962060800000900000a00000b00001aef044023000602d65fbcfd03173b9c0804cc76ae2a0c14ae1b000d00aa0d001c01000000014b030101003f00100004050006000700fe695f060800000900000a00000b00001aea044016000502d65fbcfd03173b9c0804cf76ae2a0c14ae1b000d03aa0d00014b030101003f00100004050006000700fe695f060800000900000a00000b00001aed044001000502d65fbcfd03173b9c0804d076ae2a0c14ae1b000d04aa0d00014b030101002a30460d0a", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->nrec, 3);
    CHECK_STR(F(m, "cache_remaining"), "4");
    CHECK(m->rec[2].has & TRK_R_POS);
    CHECK_INT(m->rec[2].time_ms - m->rec[1].time_ms, 1000);
}

static void test_replies_and_commands(void)
{
    /* a command reply (meitrack-031 with its CR LF) */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "$$D28,353358017784062,D03,OK*F3\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_STR(F(&msgs[0], "command"), "D03");
    CHECK_STR(F(&msgs[0], "text"), "OK");

    /* the vendor's server command example */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "@@Q25,353358017784062,A10*6A\r\n", 0, TRK_DOWN), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "command");
    CHECK_STR(F(&msgs[0], "command"), "A10");
    CHECK_STR(msgs[0].imei, "353358017784062");

    /* a photo chunk: binary data inside the text envelope */
    char photo[512];
    snprintf(photo, sizeof photo, "%s", mk("$$", 'A', "864507031219974,D00,a.jpg,3,0,\xff\xd8*1A\r\n,,"));
    CHECK_INT(dt_feed_text(D, DT_STREAM, photo, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "photo");
    CHECK_STR(F(&msgs[0], "file"), "a.jpg");
    CHECK_STR(F(&msgs[0], "packets"), "3");
    CHECK_STR(F(&msgs[0], "chunk_bytes"), "9");
}

static void test_problems(void)
{
    /* the test vectors without CR LF: two bytes short (meitrack-051) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "24247a32372c3836313435313034303931303632352c4141432c312a4433", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "length field says 27, frame has 25");
    CHECK_STR(msgs[0].imei, "861451040910625");

    /* a wrong sum */
    char bad[256];
    snprintf(bad, sizeof bad, "%s", mk("$$", 'z', "861451040910625,AAC,1"));
    char *star = strchr(bad, '*');
    star[2] = star[2] == '0' ? '1' : '0';
    CHECK_INT(dt_feed_text(D, DT_STREAM, bad, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "checksum mismatch: field 0x");
    CHECK_SPAN(&msgs[0], (size_t)(star - bad) + 1, 2);   /* the two hex digits after '*' */

    /* no checksum at all */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "$$z24,861451040910625,AAC,1\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "no *checksum");

    /* a truncated CCC record list is not an error of the envelope: records are whole or absent */
    snprintf(bad, sizeof bad, "%s", mk("$$", 'X', "369800014090021,CCC,\x02\x01\x34"));
    CHECK_INT(dt_feed_text(D, DT_STREAM, bad, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "truncated");
    /* from the failed read to the end of the records, before "*XX" */
    CHECK(msgs[0].has_problem_span);
    CHECK_INT(msgs[0].problem_off + msgs[0].problem_len, strchr(bad, '*') - bad);
}

static void test_framing(void)
{
    char two[1024];
    snprintf(two, sizeof two, "%s", mk("$$", 'a', "353358017784062,D03,OK"));
    strcat(two, "$$Q128,353358017784062,AAA,34,22.543176,114.078448,100313093738,A,5,22,2,205,5,-14,0,60,0|0|10133|4110,0000,149|153|173|2707|914,*91\r\n");
    CHECK_INT(dt_feed_text(D, DT_STREAM, two, 1, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[1].type, "position");
    CHECK_INT(msgs[1].rawlen, 134);
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_INT(dt_feed_text(D, DT_STREAM, two, 7, TRK_UP), 2);
    CHECK_INT(msgs[1].status, TRK_OK);

    /* a length field one too big, the next message right behind: cut at the end whose sum holds */
    char wrong[1024];
    snprintf(wrong, sizeof wrong, "%s", mk("$$", 'a', "353358017784062,D03,OK"));
    wrong[4] = (char)(wrong[4] + 1);                           /* "$$a2N" -> one more */
    unsigned s = sum8((const uint8_t *)wrong, (size_t)(strchr(wrong, '*') - wrong + 1));
    snprintf(strchr(wrong, '*') + 1, 8, "%02X\r\n", s);
    strcat(wrong, two);
    CHECK_INT(dt_feed_text(D, DT_STREAM, wrong, 1, TRK_UP), 3);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "length field says");
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_INT(msgs[2].status, TRK_OK);

    /* garbage before a message */
    char garb[1100];
    snprintf(garb, sizeof garb, "xx$1%s", two);
    CHECK_INT(dt_feed_text(D, DT_STREAM, garb, 0, TRK_UP), 3);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_CONTAINS(msgs[0].problem, "4 bytes skipped");
    CHECK_STR(msgs[1].type, "command-reply");
    CHECK_INT(dt_feed_text(D, DT_STREAM, garb, 1, TRK_UP), 3);
    CHECK_CONTAINS(msgs[0].problem, "4 bytes skipped");

    /* CCC binary with "*XX\r\n"-like bytes inside is framed by its length (meitrack-050) */
    CHECK_INT(dt_feed_hex(D, DT_STREAM, "2424473937302c3336393830303031333436303637342c4343432c020134005b000000010ce304035db9e000ec6f591a000013000000000c001801edb70200c96d0100e60001004838576501000300a101c20400000000010ce304035db9e000ee6f591a000013000000000c001801edb70200ca6d0100e60001004838576501000300a101c20400000000010ce304035db9e000ef6f591a000013000000000c001801edb70200cc6d0100e60001004838576501000300a101c20400000000020ce304035db9e000f76f591a000016000000000c001801edb70200d36d0100e60001004838576502000300a101bf04000000000a0ce304035db9e000f76f591a000016000000000c001801edb70200d46d0100e60001004838576500000300a101bf0400000000020ce304035db9e000fb6f591a000016000000000c001801edb70200d86d0100e60001004838576502000300a101760400000000180ce304035db9e000fc6f591a0000120000000000008c00edb70200d96d0100e60001004838576502000300a10176040000000019b1e2040323b9e0000b70591a0105150600bb0012002901edb70200e76d0100e60001004838576502000300a2017005000000002023e304031fb9e0001070591a010615070027010d001601fcb70200ec6d0100e60001004838576502000300a201800500000000201fe3040302b9e0001170591a010615090019010d001501feb70200ed6d0100e60001004838576502000300a2018005000000002018e30403dcb8e0001270591a0106150b0011010d00150100b80200ee6d0100e60001004838576502000300a2018005000000002036e3040345b8e0001570591a0107150b002d010b0013010ab80200f16d0100e60001004838576502000300a2018005000000002053e3040326b8e0001670591a0107150d0041010b0013010eb80200f26d0100e60001004838576502000300a2018005000000002070e3040310b8e0001770591a0107150e004f010b00130111b80200f36d0100e60001004838576502000300a2018005000000002095e3040306b8e0001870591a0107150d005a010b00140115b80200f46d0100e60001004838576502000300a20180050000000020b3e3040305b8e0001970591a0107150b0060010b00140118b80200f56d0100e60001004838576502000300a20183050000000020cfe3040308b8e0001a70591a0107150b0066010b0014011bb80200f66d0100e60001004838576502000300a20183050000000020eee304030cb8e0001b70591a0106170b0004000d0014011eb80200f76d0100e60001004838576502000300a2018305000000002a62350d0a", 3, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].rawlen, 976);
    CHECK_INT(msgs[0].nrec, 18);
    CHECK_INT(msgs[0].want_reply.count, 18);

    /* frame() directly */
    struct trk_state st;
    memset(&st, 0, sizeof st);
    const char *one = mk("$$", 'a', "353358017784062,D03,OK");
    size_t n = strlen(one);
    for (size_t k = 0; k < n; k++) CHECK_INT(D->frame((const uint8_t *)one, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame((const uint8_t *)one, n, TRK_UP, &st), (long)n);
    CHECK_INT(D->frame((const uint8_t *)"ab$$", 4, TRK_UP, &st), -2);
    CHECK_INT(D->frame((const uint8_t *)"$$1,", 4, TRK_UP, &st), -4);
    CHECK_INT(D->frame((const uint8_t *)"$$A123456,$", 11, TRK_UP, &st), -10);
}

static void test_probe(void)
{
    const char *one = mk("$$", 'a', "353358017784062,D03,OK");
    CHECK(D->probe((const uint8_t *)one, strlen(one), TRK_TCP) >= 90);
    CHECK(D->probe((const uint8_t *)one, strlen(one), TRK_UDP) >= 90);
    /* without its CR LF (as in the test vectors): recognised, not certain */
    int c = D->probe((const uint8_t *)one, strlen(one) - 2, TRK_TCP);
    CHECK(c >= 50 && c < 90);
    CHECK(D->probe((const uint8_t *)one, 6, TRK_TCP) <= 50);
    unsigned char b[64];
    size_t n = check_unhex("24 24 00 11 13 61 23 45 67 8F FF 50 00 05 D8 0D 0A", b, sizeof b);   /* Meiligao */
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
    CHECK_INT(D->probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16, TRK_TCP), 0);
    CHECK_STR(D->name, "meitrack");
    CHECK_INT(D->ports[0], 5020);
    CHECK_INT(D->transports, TRK_TCP | TRK_UDP);
}

int main(void)
{
    test_aaa();
    test_ccc();
    test_cce();
    test_replies_and_commands();
    test_problems();
    test_framing();
    test_probe();
    return check_done("meitrack");
}
