/* test_tk103.c: unit tests of the TK103 dissector: bracket framing (whole,
 * byte by byte, several per chunk, garbage, `)` inside `$...$` text), the
 * compact and comma forms, login/handshake replies, locations, alarms, LBS,
 * battery, command results, server answers, problem texts and probing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_tk103;
static const struct dissector *const D = &dissector_tk103;

#define BR00 "(088047365460BR00151024A2555.3531S02855.3329E004.7055148276.1701000000L00009AA3)"
#define BP05 "(088048003342BP05354188048003342150917A1352.9801N10030.9050E000.0103115265.5600010000L000003F9)"
#define DW3B "(864555555555555,DW3B,131117,A,5544.02870N,01315.08194E,1.597,223707,291.65,-0.10,4)"
#define ZC20 "(864755555555555,ZC20,131117,223706,6,394,65535,255)"

static void test_location(void)
{
    static const size_t steps[] = {0, 1, 9};
    for (size_t s = 0; s < 3; s++) {
        CHECK_INT(dt_feed_text(D, DT_STREAM, BR00, steps[s], TRK_UP), 1);
        struct trk_msg *m = &msgs[0];
        CHECK_INT(m->status, TRK_OK);
        CHECK_STR(m->type, "position");
        CHECK_STR(m->imei, "088047365460");
        CHECK_INT(m->nrec, 1);
        CHECK_INT(m->rec[0].time_ms, 1445665908000LL);
        CHECK_NEAR(m->rec[0].lat, -25.92255, 1e-5);
        CHECK_NEAR(m->rec[0].lon, 28.92222, 1e-5);
        CHECK(m->rec[0].valid);
        CHECK_NEAR(m->rec[0].speed, 4.7, 1e-9);       /* km/h as sent */
        CHECK_NEAR(m->rec[0].course, 276.17, 1e-9);
        CHECK_STR(msg_field_get(m, "io"), "01000000");
        CHECK_STR(msg_field_get(m, "odometer"), "39587");
        CHECK(dt_raw_is(m, BR00));
        CHECK(!m->want_reply.set);
    }
    /* blanks in fixed-width fields, west longitude */
    dt_feed_text(D, DT_STREAM, "(027023361470BR00200617A4000.5775N 8415.4076W 46.0173725 87.3101000000L00000000)", 0, TRK_UP);
    CHECK_NEAR(msgs[0].rec[0].lon, -(84 + 15.4076 / 60), 1e-6);
    CHECK_NEAR(msgs[0].rec[0].speed, 46.0, 1e-9);
    CHECK_NEAR(msgs[0].rec[0].course, 87.31, 1e-9);
    /* a non-numeric ID; an 11-character ID */
    dt_feed_text(D, DT_STREAM, "(BALLESTEROS3BR00190408A4113.5700N00140.3100E000.0162431000.0001000000L00000000)", 0, TRK_UP);
    CHECK_STR(msgs[0].imei, "BALLESTEROS3");
    CHECK_INT(msgs[0].nrec, 1);
    dt_feed_text(D, DT_STREAM, "(01602009983BR00160830V1855.7022S4817.8731W000.0002729000.0010000000L00000000)", 0, TRK_UP);
    CHECK_STR(msgs[0].imei, "01602009983");
    CHECK(!msgs[0].rec[0].valid);
    CHECK_NEAR(msgs[0].rec[0].lon, -(48 + 17.8731 / 60), 1e-6);
    /* temperature tail after the mileage */
    dt_feed_text(D, DT_STREAM, "(088046338039BR00160727A3354.7768N03540.7258E000.0140832068.4700000000L00BEB0D4+017.7)", 0, TRK_UP);
    CHECK_STR(msg_field_get(&msgs[0], "tail"), "+017.7");
    /* comma form: DDMMYY date, altitude and satellites */
    dt_feed_text(D, DT_STREAM, DW3B, 0, TRK_UP);
    CHECK_STR(msgs[0].type, "position");
    CHECK_STR(msgs[0].imei, "864555555555555");
    CHECK_INT(msgs[0].rec[0].time_ms, 1510612627000LL);
    CHECK_NEAR(msgs[0].rec[0].lat, 55 + 44.0287 / 60, 1e-6);
    CHECK_NEAR(msgs[0].rec[0].alt, -0.1, 1e-9);
    CHECK_INT(msgs[0].rec[0].sats, 4);
    dt_feed_text(D, DT_STREAM, "(352606090042050,BP05,240414,A,4527.3513N,00909.9758E,4.80,112825,155.49)", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "login");
    CHECK_INT(msgs[0].rec[0].time_ms, 1398338905000LL);
    CHECK_NEAR(msgs[0].rec[0].lat, 45.45586, 1e-5);
    CHECK_NEAR(msgs[0].rec[0].lon, 9.16626, 1e-5);
}

static void test_session(void)
{
    dt_feed_text(D, DT_STREAM, BP05, 0, TRK_UP);
    CHECK_STR(msgs[0].type, "login");
    CHECK_STR(msgs[0].imei, "088048003342");
    CHECK_STR(msg_field_get(&msgs[0], "imei"), "354188048003342");
    CHECK(msgs[0].want_reply.set);
    CHECK_INT(msgs[0].want_reply.key, 5);
    CHECK_INT(msgs[0].nrec, 1);
    dt_feed_text(D, DT_STREAM, "(088048003342AP05)", 0, TRK_DOWN);
    CHECK_STR(msgs[0].type, "ack");
    CHECK(msgs[0].is_reply.set);
    CHECK_INT(msgs[0].is_reply.key, 5);
    CHECK(msgs[0].is_reply.accept);
    CHECK_STR(msgs[0].imei, "088048003342");
    dt_feed_text(D, DT_STREAM, "(087073005534BP00HSO)", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "heartbeat");
    CHECK(msgs[0].want_reply.set);
    CHECK_INT(msgs[0].want_reply.key, 0);
    dt_feed_text(D, DT_STREAM, "(087073005534AP01HSO)", 0, TRK_DOWN);
    CHECK_STR(msgs[0].type, "ack");
    CHECK_INT(msgs[0].is_reply.key, 0);
    dt_feed_text(D, DT_STREAM, "(087073005534AV010)", 0, TRK_DOWN);
    CHECK_STR(msgs[0].type, "command");
    CHECK_STR(msg_field_get(&msgs[0], "command"), "AV01");
}

static void test_other(void)
{
    dt_feed_text(D, DT_STREAM, "(013666666666BO012110925A1234.5678N01234.5678W000.0025948118.7200000000L000024DE)", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "alarm");
    CHECK_STR(msg_field_get(&msgs[0], "alarm"), "sos");
    CHECK_INT(msgs[0].nrec, 1);
    dt_feed_text(D, DT_STREAM, "(044027395704BQ81,ALARM,1,164,151101A2238.5237N11349.4571E0.7031241010.0000,00000000)", 0, TRK_UP);
    CHECK_STR(msg_field_get(&msgs[0], "alarm"), "overspeed");
    CHECK_INT(msgs[0].rec[0].time_ms, 1446381661000LL);
    dt_feed_text(D, DT_STREAM, "(027023361470BV005J6RW2H53HL066029)", 0, TRK_UP);
    CHECK_STR(msg_field_get(&msgs[0], "vin"), "5J6RW2H53HL066029");
    dt_feed_text(D, DT_STREAM, "(088047194605BZ00,510,010,36e6,932c,43)", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "lbs");
    CHECK_STR(msg_field_get(&msgs[0], "cells"), "510,010,36e6,932c,43");
    dt_feed_text(D, DT_STREAM, ZC20, 0, TRK_UP);
    CHECK_STR(msgs[0].type, "status");
    CHECK_STR(msg_field_get(&msgs[0], "battery_level"), "6");
    CHECK_STR(msg_field_get(&msgs[0], "battery_voltage"), "3.94");
    dt_feed_text(D, DT_STREAM, "(864555555555555,DW5B,310,6,29876,30393,0,041217,102211)", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "lbs");
    CHECK_INT(msgs[0].nrec, 1);
    CHECK_INT(msgs[0].rec[0].has, TRK_R_TIME);
    CHECK_INT(msgs[0].rec[0].time_ms, 1512382931000LL);
    dt_feed_text(D, DT_STREAM, "(864555555555555,ZC03,191117,234207,$Notice: Device version: 1.0$)", 0, TRK_UP);
    CHECK_STR(msgs[0].type, "command-reply");
    CHECK_STR(msg_field_get(&msgs[0], "text"), "$Notice: Device version: 1.0$");
    /* unknown command: well-formed, not understood */
    dt_feed_text(D, DT_STREAM, "(012345678901XY99abc)", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_UNSUPPORTED);
    CHECK_STR(msgs[0].problem, "unsupported message type XY99");
    /* no command at all */
    dt_feed_text(D, DT_STREAM, "(12345)", 0, TRK_UP);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "framing");
    /* UDP datagram */
    struct trk_msg *u = dt_udp_text(D, BR00, TRK_UP);
    CHECK_INT(u->status, TRK_OK);
    CHECK_INT(u->nrec, 1);
}

static void test_framing(void)
{
    for (size_t step = 0; step < 3; step++) {
        CHECK_INT(dt_feed_text(D, DT_STREAM, DW3B ZC20 "\r\n" BR00, step, TRK_UP), 3);
        CHECK(dt_raw_is(&msgs[0], DW3B));
        CHECK_STR(msgs[1].type, "status");
        CHECK_INT(msgs[2].nrec, 1);
    }
    /* garbage before the frame, with ')' and '$' in it */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "garbage%@#*^$-+<>?$)))$$--" BR00, 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_STR(msgs[0].problem, "26 bytes skipped: no tk103 frame start");
    CHECK_INT(msgs[1].status, TRK_OK);
    /* ')' inside $...$ text does not end the frame */
    const char *txt = "(864755555555,ZC03,191117,234421,$)Notice:\r\n(V2.000)$)";
    for (size_t step = 0; step < 2; step++) {
        CHECK_INT(dt_feed_text(D, DT_STREAM, txt, step, TRK_UP), 1);
        CHECK(dt_raw_is(&msgs[0], txt));
        CHECK_STR(msg_field_get(&msgs[0], "text"), "$)Notice:\r\n(V2.000)$");
    }
    /* an unclosed '$' keeps the frame open: at the end of a stream it is incomplete */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "(864755555555,ZC03,191117,234421,$abc)", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_CONTAINS(msgs[0].problem, "incomplete at end of stream");
}

static void test_probe(void)
{
    CHECK(dt_probe_text(D, BR00, TRK_TCP) >= 80);
    CHECK(dt_probe_text(D, DW3B, TRK_TCP) >= 80);
    CHECK(dt_probe_text(D, "(088047365460BR00151024", TRK_TCP) >= 50);
    CHECK(dt_probe_text(D, "(794104004140,1,001,BASE,2,TIME)", TRK_TCP) < 50);   /* JT808 text */
    CHECK(dt_probe_text(D, "(hello world)", TRK_TCP) < 50);
    CHECK(dt_probe_text(D, "[SG*8800000015*0002*LK]", TRK_TCP) < 50);
    CHECK_INT(dt_probe_text(D, "", TRK_TCP), 0);
}

int main(void)
{
    test_location();
    test_session();
    test_other();
    test_framing();
    test_probe();
    return check_done("tk103");
}
