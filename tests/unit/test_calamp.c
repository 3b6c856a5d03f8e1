/* test_calamp.c: unit tests of the CalAmp LM Direct dissector: options header and
 * identity, event, user data and mini event reports, the ACK, accumulator and
 * truncation problems, and probing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_calamp;
static const struct dissector *const D = &dissector_calamp;

#define EV002 "8308352648068863398f01070102039c5cfc4dcd5cfc4dcd19913f5dcce1291e000033fa0000005801110800019aff9d6f0e13003e0b02000000000000000000"
#define UD001 "830547643586340101010400105f9c39ba5f9c302eeb36d5bddf39df700000000000000000003400040321ff9f4f0087080200001c30783330304544383946333335303139303030303030343637450d0a"
#define MINI009 "830543321494860101010a0080560b5a5e0eadd0291becf3c500f005090f1f3305000003010040c0a600000000000000008b12a102"
#define ID011 "830545321041830101010300010000333862000023c301000000004532104183ffffff353816051610691f420040163953294fffffffffffffffff8996604211639032949f4f54413a317c303b302c317c343b302c34004f5441535441543a302c302c302c302c302c222200564255533a342c322e302e302c343533323130343138332c5630312e30332e30312e34302c5630312e30332e30312e33312c2c0056494e2d494e464f3a56494e3d31464d5a5537324539355a4137303032362c4445562d5245474e3d55532c535256522d5245474e3d555300"

static void test_event(void)
{
    struct trk_msg *m = dt_udp_hex(D, EV002, TRK_UP);
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "event");
    CHECK_STR(m->imei, "352648068863398");
    CHECK_STR(F(m, "mobile_id_type"), "7");
    CHECK_STR(F(m, "sequence"), "924");
    CHECK_STR(F(m, "event_code"), "11");
    CHECK_STR(F(m, "accumulators"), "0,0");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms, 1560038861000LL);
    CHECK_NEAR(m->rec[0].lat, 42.8949341, 1e-9);
    CHECK_NEAR(m->rec[0].lon, -85.7659106, 1e-9);
    CHECK_NEAR(m->rec[0].alt, 133.06, 1e-9);
    CHECK_NEAR(m->rec[0].speed, 88 * 0.036, 1e-9);
    CHECK_NEAR(m->rec[0].course, 273, 1e-9);
    CHECK_INT(m->rec[0].sats, 8);
    CHECK(m->rec[0].valid);
    CHECK(m->want_reply.set);
    CHECK_INT(m->want_reply.key, 924);

    /* one accumulator cut off */
    char cut[256];
    snprintf(cut, sizeof cut, "%.*s", (int)strlen(EV002) - 8, EV002);
    m = dt_udp_hex(D, cut, TRK_UP);
    CHECK_INT(m->status, TRK_MALFORMED);
    CHECK_STR(m->problem, "accumulator count says 2 (8 bytes), report has 4");

    /* cut inside the position block */
    snprintf(cut, sizeof cut, "%.60s", EV002);
    m = dt_udp_hex(D, cut, TRK_UP);
    CHECK_INT(m->status, TRK_MALFORMED);
    CHECK_CONTAINS(m->problem, "truncated at offset");
}

static void test_user_and_mini(void)
{
    struct trk_msg *m = dt_udp_hex(D, UD001, TRK_UP);
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "4764358634");
    CHECK_STR(F(m, "user_data"), "0x300ED89F335019000000467E");
    CHECK_NEAR(m->rec[0].lat, -34.8727875, 1e-9);

    m = dt_udp_hex(D, MINI009, TRK_UP);
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "event");
    CHECK_INT(m->rec[0].time_ms, 0x560b5a5eLL * 1000);
    CHECK_NEAR(m->rec[0].lat, 24.6272041, 1e-9);
    CHECK_NEAR(m->rec[0].speed, 5, 1e-9);
    CHECK_NEAR(m->rec[0].course, 240, 1e-9);

    m = dt_udp_hex(D, ID011, TRK_UP);
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "info");
    CHECK_CONTAINS(F(m, "text"), "VIN=1FMZU72E95ZA70026");

    m = dt_udp_hex(D, "83054764358634010101 0d 0001", TRK_UP);
    CHECK_INT(m->status, TRK_UNSUPPORTED);
    CHECK_STR(m->problem, "unsupported message type 13");
}

static void test_ack(void)
{
    struct trk_msg *m = dt_udp_hex(D, "0201039c0200000102 03", TRK_DOWN);
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK(m->is_reply.set);
    CHECK_INT(m->is_reply.key, 924);
    CHECK(m->is_reply.accept);
    CHECK_STR(F(m, "acked_type"), "2");
    m = dt_udp_hex(D, "0201039c0201000102 03", TRK_DOWN);
    CHECK(!m->is_reply.accept);
    /* with an options header */
    m = dt_udp_hex(D, "83054764358634010102010010040000010203", TRK_DOWN);
    CHECK_STR(m->type, "ack");
    CHECK_STR(m->imei, "4764358634");
    CHECK_INT(m->is_reply.key, 16);
}

static void test_probe(void)
{
    unsigned char b[256];
    size_t n = check_unhex(EV002, b, sizeof b);
    CHECK(D->probe(b, n, TRK_UDP) >= 80);
    CHECK_INT(D->probe(b, n, TRK_TCP), 0);
    CHECK(D->probe(b, 6, TRK_UDP) < 50);
    n = check_unhex("0201039c0200000102 03", b, sizeof b);
    CHECK(D->probe(b, n, TRK_UDP) < 50);
    CHECK_INT(D->probe((const unsigned char *)"GET / HTTP/1.1", 14, TRK_UDP), 0);
    CHECK_STR(D->name, "calamp");
    CHECK_INT(D->ports[0], 5082);
    CHECK_INT(D->transports, TRK_UDP);
}

int main(void)
{
    test_event();
    test_user_and_mini();
    test_ack();
    test_probe();
    return check_done("calamp");
}
