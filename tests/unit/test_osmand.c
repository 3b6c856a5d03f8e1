/* test_osmand.c: unit tests of the OsmAnd / Traccar Client dissector: query and
 * JSON forms, time formats, units, the server's HTTP answers, framing by
 * Content-Length and probing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtest.h"

extern const struct dissector dissector_osmand;
static const struct dissector *const D = &dissector_osmand;

#define JSON1 "{\"location\":{\"timestamp\":\"2025-06-15T13:45:12.862Z\",\"coords\":{\"latitude\":37.4219983,\"longitude\":-122.084,\"accuracy\":5,\"speed\":2.5,\"heading\":90,\"altitude\":5},\"is_moving\":false,\"odometer\":0,\"event\":\"motionchange\",\"battery\":{\"level\":0.79,\"is_charging\":false},\"activity\":{\"type\":\"still\"},\"extras\":{\"k\":12}},\"device_id\":\"48241179\"}"

static char req[2048];

static const char *post_json(const char *body, int cl)
{
    snprintf(req, sizeof req, "POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
             cl, body);
    return req;
}

static void test_query(void)
{
    CHECK_INT(dt_feed_text(D, DT_STREAM, "GET /?id=902064&lat=42.06288&lon=-88.23412&timestamp=2016-01-27T18%3A55%3A47Z&hdop=6.0&altitude=224.0&speed=10.0&bearing=45 HTTP/1.1\r\n\r\n", 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "position");
    CHECK_STR(m->imei, "902064");
    CHECK_INT(m->nrec, 1);
    CHECK_INT(m->rec[0].time_ms, 1453920947000LL);
    CHECK_NEAR(m->rec[0].lat, 42.06288, 1e-9);
    CHECK_NEAR(m->rec[0].lon, -88.23412, 1e-9);
    CHECK_NEAR(m->rec[0].speed, 18.52, 1e-9);
    CHECK_NEAR(m->rec[0].course, 45, 1e-9);
    CHECK_NEAR(m->rec[0].alt, 224, 1e-9);
    CHECK_STR(F(m, "hdop"), "6.0");
    CHECK(m->want_reply.set);

    /* milliseconds, "yyyy-MM-dd HH:mm:ss" with '+', location=, deviceid, other params */
    CHECK_INT(dt_feed_text(D, DT_STREAM, "GET /?id=1&lat=1&lon=2&timestamp=1442068686579 HTTP/1.1\r\n\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].rec[0].time_ms, 1442068686579LL);
    CHECK_INT(dt_feed_text(D, DT_STREAM, "GET /?lat=49.60688&lon=6.15788&timestamp=2014-06-04+09%3A10%3A11&id=353861053849681 HTTP/1.1\r\n\r\n", 0, TRK_UP), 1);
    CHECK_INT(msgs[0].rec[0].time_ms, 1401873011000LL);
    CHECK_STR(msgs[0].imei, "353861053849681");
    CHECK_INT(dt_feed_text(D, DT_STREAM, "GET /?deviceid=123456&timestamp=1377177267&location=60.5,-30.25&ignition=true&rpm=933 HTTP/1.1\r\n\r\n", 0, TRK_UP), 1);
    m = &msgs[0];
    CHECK_STR(m->imei, "123456");
    CHECK_NEAR(m->rec[0].lat, 60.5, 1e-9);
    CHECK_NEAR(m->rec[0].lon, -30.25, 1e-9);
    CHECK_STR(F(m, "params"), "ignition=true&rpm=933");

    /* a form POST */
    const char *form = "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 34\r\n\r\nid=77&lat=10&lon=20&timestamp=1000";
    CHECK_INT(dt_feed_text(D, DT_STREAM, form, 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_OK);
    CHECK_STR(msgs[0].imei, "77");
    CHECK_INT(msgs[0].rec[0].time_ms, 1000000);
}

static void test_json(void)
{
    CHECK_INT(dt_feed_text(D, DT_STREAM, post_json(JSON1, (int)strlen(JSON1)), 0, TRK_UP), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->imei, "48241179");
    CHECK_STR(F(m, "form"), "json");
    CHECK_INT(m->rec[0].time_ms, 1749995112862LL);
    CHECK_NEAR(m->rec[0].lat, 37.4219983, 1e-9);
    CHECK_NEAR(m->rec[0].lon, -122.084, 1e-9);
    CHECK_NEAR(m->rec[0].speed, 9, 1e-9);
    CHECK_NEAR(m->rec[0].course, 90, 1e-9);
    CHECK_STR(F(m, "battery_level"), "79");
    CHECK_STR(F(m, "activity"), "still");
    CHECK_STR(F(m, "event"), "motionchange");
    CHECK_STR(F(m, "params"), "k=12");

    /* Content-Length disagreeing with the body */
    CHECK_INT(dt_feed_text(D, DT_STREAM, post_json(JSON1, (int)strlen(JSON1) - 5), 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "position");
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_INT(dt_feed_text(D, DT_STREAM, post_json("{\"device_id\":\"1\",\"location\":{", 29), 0, TRK_UP), 1);
    CHECK_INT(msgs[0].status, TRK_MALFORMED);
    CHECK_STR(msgs[0].problem, "JSON body is not well formed");
}

static void test_response(void)
{
    CHECK_INT(dt_feed_text(D, DT_STREAM, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, TRK_DOWN), 1);
    struct trk_msg *m = &msgs[0];
    CHECK_INT(m->status, TRK_OK);
    CHECK_STR(m->type, "ack");
    CHECK(m->is_reply.set);
    CHECK(m->is_reply.accept);
    CHECK_STR(F(m, "status_code"), "200");
    CHECK_INT(dt_feed_text(D, DT_STREAM, "HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\n\r\nerror", 0, TRK_DOWN), 1);
    CHECK(!msgs[0].is_reply.accept);
    CHECK_STR(F(&msgs[0], "status_code"), "400");
}

static void test_framing(void)
{
    char two[4096 + 256];
    snprintf(two, sizeof two, "GET /?id=1&lat=1&lon=2 HTTP/1.1\r\nHost: x\r\n\r\n%sGET /?id=2&lat=3&lon=4 HTTP/1.1\r\n\r\n",
             post_json(JSON1, (int)strlen(JSON1)));
    for (size_t step = 0; step <= 1; step++) {
        CHECK_INT(dt_feed_text(D, DT_STREAM, two, step, TRK_UP), 3);
        CHECK_STR(msgs[0].imei, "1");
        CHECK_INT(msgs[0].rawlen, 44);
        CHECK_STR(msgs[1].imei, "48241179");
        CHECK_INT(msgs[1].status, TRK_OK);
        CHECK_STR(msgs[2].imei, "2");
    }
    CHECK_INT(dt_feed_text(D, DT_STREAM, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n", 3, TRK_DOWN), 2);
    CHECK_INT(msgs[0].rawlen, 40);
    CHECK_STR(msgs[1].type, "ack");

    CHECK_INT(dt_feed_text(D, DT_STREAM, "xxxxGET /?id=1 HTTP/1.1\r\n\r\n", 0, TRK_UP), 2);
    CHECK_STR(msgs[0].type, "garbage");
    CHECK_STR(msgs[1].type, "status");

    struct trk_state st;
    memset(&st, 0, sizeof st);
    const unsigned char *p = (const unsigned char *)"GET /?id=1 HTTP/1.1\r\n\r\nG";
    for (size_t k = 0; k < 23; k++) CHECK_INT(D->frame(p, k, TRK_UP, &st), 0);
    CHECK_INT(D->frame(p, 23, TRK_UP, &st), 23);
    CHECK_INT(D->frame(p, 24, TRK_UP, &st), 23);
}

static void test_probe(void)
{
    const char *g = "GET /?id=123456&lat=60.0&lon=30.0 HTTP/1.1\r\n\r\n";
    CHECK(D->probe((const unsigned char *)g, strlen(g), TRK_TCP) >= 60);
    const char *j = post_json(JSON1, (int)strlen(JSON1));
    CHECK(D->probe((const unsigned char *)j, strlen(j), TRK_TCP) >= 60);
    const char *plain = "GET /index.html HTTP/1.1\r\n\r\n";
    CHECK(D->probe((const unsigned char *)plain, strlen(plain), TRK_TCP) < 50);
    CHECK_INT(D->probe((const unsigned char *)g, strlen(g), TRK_UDP), 0);
    CHECK_INT(D->probe((const unsigned char *)"[SG*1*0002*LK]", 14, TRK_TCP), 0);
    CHECK_STR(D->name, "osmand");
    CHECK_INT(D->ports[0], 5055);
    CHECK_INT(D->transports, TRK_TCP);
}

int main(void)
{
    test_query();
    test_json();
    test_response();
    test_framing();
    test_probe();
    return check_done("osmand");
}
