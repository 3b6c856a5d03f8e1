/* test_galileosky.c: unit tests of the Galileosky dissector: head and main packets, records
 * split on repeated tags, command replies, photo, compressed and Iridium packets, server
 * confirmations and commands, CRC / length / unknown-tag problems, framing byte by byte,
 * several packets in one chunk, garbage, and the probe (EGTS packets must stay low). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dtest.h"

extern const struct dissector dissector_galileosky;
static const struct dissector *const D = &dissector_galileosky;

/* header byte + u16le length (| flags) + tags + CRC-16/MODBUS u16le, as hex */
static const char *mkpacket(unsigned hdr, unsigned flags, const char *tags_hex)
{
    static char out[4096];
    unsigned char b[1500], c[1400];
    size_t tl = check_unhex(tags_hex, c, sizeof c), n = 0;
    b[n++] = (unsigned char)hdr;
    b[n++] = (unsigned char)(tl | flags);
    b[n++] = (unsigned char)((tl | flags) >> 8);
    memcpy(b + n, c, tl);
    n += tl;
    uint16_t crc = crc16_modbus(b, n);
    b[n++] = (unsigned char)crc;
    b[n++] = (unsigned char)(crc >> 8);
    return dt_hex(b, n, out, sizeof out);
}

/* galileo-008: head pack (IMEI, device id), archive bit set */
static const char *HEAD = "011380033836383230343030313534393038370432008590";
/* galileo-001: head tags and one record */
static const char *MAIN1 =
    "011801018202130338363833343530333230343234323604640010a406207caa9f5b300c830a7901ca0ec80233"
    "0000000034b802350540003e41703f422b1043234504004600e09000000000a000a100a200a300a400a500a600"
    "a700a800a900aa00ab00ac00ad00ae00af00b00000b10000b20000b30000b40000b50000b60000b70000b80000"
    "b90000c000000000c100000000c200000000c300000000c400c500c600c700c800c900ca00cb00cc00cd00ce00"
    "cf00d000d100d200d4d3140000d60000d70000d80000d90000da0000db00000000dc00000000dd00000000de00"
    "000000df00000000f000000000f100000000f200000000f300000000f400000000f500000000f600000000f700"
    "000000f800000000f9000000008960";

static void test_head_and_main(void)
{
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, HEAD, 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "login");
    CHECK_STR(m->imei, "868204001549087");
    CHECK_STR(F(m, "device_id"), "50");
    CHECK_STR(F(m, "archive"), "true");
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 0x9085);
    CHECK_INT(m->nrec, 0);

    CHECK_INT(dt_feed_hex(D, DT_WHOLE, MAIN1, 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "868345032042426");
    CHECK_STR(F(m, "hardware_version"), "130");
    CHECK_STR(F(m, "firmware_version"), "19");
    CHECK_STR(F(m, "device_id"), "100");
    CHECK(F(m, "archive") == NULL);
    CHECK_INT(m->nrec, 1);
    struct trk_record *r = &m->rec[0];
    CHECK_INT(r->time_ms, 0x5b9faa7cLL * 1000);
    CHECK_NEAR(r->lat, 24.709763, 1e-9);
    CHECK_NEAR(r->lon, 46.665418, 1e-9);
    CHECK_NEAR(r->alt, 696, 1e-9);
    CHECK_INT(r->sats, 12);
    CHECK(r->valid);
    CHECK_NEAR(r->speed, 0, 1e-9);
    CHECK_INT(r->io_count, 75);
    CHECK_INT(m->io[0].id, 0x10);                 /* record number */
    CHECK_INT(m->io[0].u, 0x06a4);
    CHECK_INT(m->want_reply.key, 0x6089);

    /* galileo-013: nine records, extended tags 0xFE, speed 5 km/h in the second */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "01ba83106c022016427763300694c274028f8251043300000000345c05351840002a41086842da0e43194600004700000000500000d4915b0000fe300021004d03000022000b0000002300230000002400a8ffffff25000700000026000c0000002700230000002800a8ffffff106b0220fb417763300551c27402ba8251043332000000345d05352740012a41786842da0e43194600004700000000500000d4895b0000fe300021004d03000022000b0000002300230000002400a8ffffff25000700000026000c0000002700230000002800a8ffffff106a0220fa41776330054cc27402bf825104333b005f02345d05352740012a417e6842da0e43194600004700000000500000d4895b0000fe300021004d03000022000b0000002300230000002400a8ffffff25000700000026000c0000002700230000002800a8ffffff10690220eb4177633006ffc17402ff8051043300000000343905351840012a419f6842da0e43194600004700000000500000d4515b0000fe300021004d03000022000b0000002300230000002400a8ffffff25000700000026000b0000002700230000002800acffffff10680220af4177633006ffc17402ff8051043300000000343905351840092a413e6a42db0e43194600004700000000500101d4515b0000fe300021004d03000022000b0000002300230000002400a8ffffff25000700000026000b0000002700230000002800aaffffff10670220ac4177633006ffc17402ff8051043300000000343905351840092a41dd6942db0e43194601004701000200501269d4515b0000fe300021004d03000022000b0000002300230000002400a8ffffff25000700000026000b0000002700230000002800aaffffff106602208e417763300603c27402fc8051043337000000343905351840092a41826d42da0e431946010047000b050750a56cd4515b0000fe300021004d03000022000b0000002300230000002400a8ffffff25000700000026000b0000002700230000002800adffffff106502208b4177633005fec17402f38051043362008c01343905352640092a416e6d42da0e431946010047080a160750d96cd44c5b0000fe300021004d03000022000b0000002300230000002400a8ffffff25000700000026000b0000002700230000002800adffffff106402208241776330060cc174021480510433c6002301343505351840092a41966d42da0e4319460100470a000a0550c26cd4235b0000fe300021004d03000022000b0000002300230000002400aaffffff25000700000026000b0000002700230000002800adffffff6121", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_INT(m->nrec, 9);
    CHECK_NEAR(m->rec[1].speed, 5, 1e-9);
    CHECK_NEAR(m->rec[0].alt, 1372, 1e-9);
    CHECK_INT(m->rec[0].time_ms / 1000, 0x63774216);
    CHECK(m->imei[0] == 0);                       /* no IMEI tag: the session binds it */
}

static void test_commands_and_others(void)
{
    /* galileo-006: command reply */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "012a0003383633353931303233353137333732046600e000000000e1104f555428332e2e3029203d2031313130bb29", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "command-reply");
    CHECK_STR(m->imei, "863591023517372");
    CHECK_STR(F(m, "command_number"), "0");
    CHECK_STR(F(m, "text"), "OUT(3..0) = 1110");

    /* a command from the server in the same packet format */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkpacket(0x01, 0, "03 383633353931303233353137333732 04 6600 e0 07000000 e1 06 4f5554203d31"), 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "command");
    CHECK_STR(F(m, "command_number"), "7");
    CHECK_STR(F(m, "text"), "OUT =1");

    /* the server's confirmation echoes the CRC */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "028960", 0, TRK_DOWN), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK(m->is_reply.set);
    CHECK_INT(m->is_reply.key, 0x6089);
    CHECK_STR(F(m, "crc"), "0x6089");

    /* photo and compressed packets */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkpacket(0x07, 0, "00 ffd8ffe0 0102"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].type, "photo");
    CHECK_STR(F(&msgs[0], "photo_bytes"), "6");
    CHECK_STR(F(&msgs[0], "part"), "0");
    CHECK_INT(msgs[0].want_reply.key >> 16, 7);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkpacket(0x07, 0, "03"), 0, TRK_UP), 1);
    CHECK_STR(F(&msgs[0], "last_part"), "true");
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "07d4ba", 0, TRK_DOWN), 1);      /* photo confirmation */
    CHECK_STR(msgs[0].type, "ack");
    CHECK_INT(msgs[0].is_reply.key, 0x7bad4);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkpacket(0x08, 0, "0102030405"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported compressed packet (0x08)");

    /* galileo-014: Iridium SBD with a tag payload */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "01004e01001c0747ea59333030323334303639363034353930000012000063c85e6903000b0321a8f846aba50000000202001e205f5ec863300c4643fdfdbbe6c8fb330000000034e7013505d400000000", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "300234069604590");
    CHECK_STR(F(m, "iridium"), "true");
    CHECK_INT(m->nrec, 1);
    CHECK_NEAR(m->rec[0].lat, -33.733818, 1e-9);
    CHECK_NEAR(m->rec[0].lon, -70.719813, 1e-9);
    CHECK_INT(m->rec[0].time_ms / 1000, 0x63c85e5f);
    CHECK(!m->want_reply.set);
}

static void test_problems(void)
{
    /* bad CRC */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "011380033836383230343030313534393038370432008591", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "crc mismatch: field 0x9185, computed 0x9085");
    CHECK_SPAN(&msgs[0], 22, 2);               /* after header, length and 19 tag bytes */
    CHECK_STR(dt_span_hex(&msgs[0]), "8591");
    CHECK_STR(msgs[0].imei, "868204001549087");

    /* an unknown tag of unknown size: the rest is not walkable */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkpacket(0x01, 0, "03 383638323034303031353439303837 04 3200 1f 00 10 0100"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unknown tag 0x1F at offset 22; crc ok");
    CHECK_STR(msgs[0].imei, "868204001549087");

    /* 0x5B has no fixed size: the rest is not walkable either */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkpacket(0x01, 0, "04 3200 5b 0102030405060708"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unknown tag 0x5B at offset 6; crc ok");

    /* known tags without special meaning are IO elements of the record */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkpacket(0x01, 0, "20 00e1f505 30 05 40420f00 80841e00 48 3412 d5 07"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[0].nrec, 1);
    CHECK_INT(msgs[0].rec[0].time_ms, 100000000LL * 1000);
    CHECK_NEAR(msgs[0].rec[0].lat, 1.0, 1e-9);
    CHECK_NEAR(msgs[0].rec[0].lon, 2.0, 1e-9);
    CHECK_INT(msgs[0].rec[0].sats, 5);
    CHECK_INT(msgs[0].nio, 2);
    CHECK_INT(msgs[0].io[0].id, 0x48);
    CHECK_INT(msgs[0].io[0].u, 0x1234);
    CHECK_INT(msgs[0].io[1].len, 1);

    /* a tag whose value runs past the tag area */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, mkpacket(0x01, 0, "04 3200 03 313233"), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "truncated at offset");
    /* from the failed read to the end of the tag area, before the CRC */
    CHECK(msgs[0].has_problem_span);
    CHECK_INT(msgs[0].problem_off + msgs[0].problem_len, msgs[0].rawlen - 2);

    /* the end of the input cuts a packet: length problem */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "011380033836383230343030", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "length field says 19, frame has 7");

    /* a confirmation with a byte too many at the end of the input */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "02896000", 0, TRK_DOWN), 2);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_INT(msgs[1].status, TRK_MALFORMED);
}

static void test_framing(void)
{
    char all[4096];
    snprintf(all, sizeof all, "%s%s%s", HEAD, MAIN1, HEAD);
    struct trk_state st = dt_state(TRK_TCP);
    CHECK_INT(dt_feed_hex_state(D, &st, DT_STREAM, all, 1, TRK_UP), 3);
    CHECK_STR(msgs[0].type, "login");
    CHECK_INT(msgs[0].rawlen, 24);
    CHECK_STR(msgs[1].type, "position");
    CHECK_INT(msgs[1].rawlen, 285);
    CHECK_INT(msgs[1].status, TRK_OK);
    CHECK_INT(msgs[2].status, TRK_OK);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, all, 0, TRK_UP), 3);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, all, 13, TRK_UP), 3);
    CHECK_NEAR(msgs[1].rec[0].lat, 24.709763, 1e-9);

    /* confirmations back to back */
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, "028590028960", 1, TRK_DOWN), 2);
    CHECK_INT(msgs[0].is_reply.key, 0x9085);
    CHECK_INT(msgs[1].is_reply.key, 0x6089);

    /* garbage before a packet */
    char garb[256];
    snprintf(garb, sizeof garb, "ffee%s", HEAD);
    CHECK_INT(dt_feed_hex(D, DT_WHOLE, garb, 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_CONTAINS(msgs[0].problem, "2 bytes skipped");
    CHECK_STR(msgs[1].imei, "868204001549087");

    /* frame() directly, incl. the Iridium length (u16be) */
    unsigned char b[400];
    size_t n = check_unhex(HEAD, b, sizeof b);
    for (size_t k = 0; k < n; k++) CHECK_INT(D->frame(b, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), 24);
    n = check_unhex("01003f01001c475b166133303035333430363431383437393000001d000064897bb003000b0221c20512a60a0000000802000f209d7b8964300f2536fbfd103c1d01", b, sizeof b);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), 66);
    CHECK_INT(D->frame(b, n - 1, TRK_UP, &st), 0);
    n = check_unhex("aabb01", b, sizeof b);
    CHECK_INT(D->frame(b, n, TRK_UP, &st), -2);
}

static void test_probe(void)
{
    unsigned char b[400];
    size_t n = check_unhex(HEAD, b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 90);
    CHECK_INT(D->probe(b, n, TRK_UDP), 0);
    b[n - 1] ^= 1;
    CHECK(D->probe(b, n, TRK_TCP) < 50);
    n = check_unhex(MAIN1, b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) >= 90);
    CHECK(D->probe(b, 40, TRK_TCP) < 50);         /* partial: tags walk, no CRC yet */
    CHECK(D->probe(b, 40, TRK_TCP) > 0);
    /* EGTS transport packets start with 0x01 too */
    n = check_unhex("0100000b0003006c430004010000acfb", b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) < 50);
    n = check_unhex("0100020b002300020001871c00020000010105190000ab0800006247396e615734366347467a6333", b, sizeof b);
    CHECK(D->probe(b, n, TRK_TCP) < 50);
    n = check_unhex("0100021000230002000187", b, sizeof b);   /* HL = 16 reads as tag 0x10 */
    CHECK(D->probe(b, n, TRK_TCP) < 50);
    CHECK_STR(D->name, "galileosky");
    CHECK_STR(D->aliases[0], "galileo");
    CHECK_INT(D->ports[0], 5034);
}

int main(void)
{
    test_head_and_main();
    test_commands_and_others();
    test_problems();
    test_framing();
    test_probe();
    return check_done("galileosky");
}
