/* test_diagnose.c: the clock findings from synthetic fleets: a server clock
 * skew that buffered history does not disturb, and each kind of device clock
 * fault (GPS week rollover, epoch default, local time, future). */
#include "check.h"
#include "devices.h"
#include "diagnose.h"
#include "ports.h"

#define S 1000000000LL
static const int64_t T0 = 1795000000LL * S;    /* capture time of the first message (2026) */

static struct trk_msg M;

static void conn_for(struct conn *c, uint64_t id)
{
    memset(c, 0, sizeof *c);
    c->id = id;
    c->transport = TRK_TCP;
    c->cli.family = c->srv.family = 4;
    c->cli.addr[0] = 10; c->cli.addr[3] = (uint8_t)id;
    c->srv.port = 5027;
    c->first_ns = T0;
    ports_conn_open(c);
}

/* one position message at capture time ts whose fix is `off_ms` off it */
static void position(struct conn *c, const char *imei, int64_t ts, int64_t off_ms)
{
    msg_reset(&M);
    M.proto = "teltonika";
    M.dir = TRK_UP;
    M.type = "position";
    M.ts_ns = ts;
    msg_set_imei(&M, imei);
    struct trk_record *r = msg_add_record(&M);
    r->has = TRK_R_TIME | TRK_R_POS | TRK_R_VALID;
    r->valid = true;
    r->time_ms = ts / 1000000 + off_ms;
    r->lat = 54.7;
    r->lon = 25.3;
    devices_message(&M, c);
}

static const struct finding *find(const struct diagnosis *d, const char *id, const char *kind)
{
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->f[i].id, id) != 0) continue;
        if (!kind) return &d->f[i];
        for (unsigned k = 0; k < d->f[i].nev; k++)
            if (strcmp(d->f[i].ev[k].key, "kind") == 0 && strcmp(d->f[i].ev[k].val, kind) == 0) return &d->f[i];
    }
    return NULL;
}

static const char *evv(const struct finding *f, const char *key)
{
    for (unsigned k = 0; f && k < f->nev; k++)
        if (strcmp(f->ev[k].key, key) == 0) return f->ev[k].val;
    return "(none)";
}

static void run(struct diagnosis *d, int64_t last)
{
    struct capture_info ci = {0};
    ci.source = "test";
    ci.first_ns = T0;
    ci.last_ns = last;
    ci.packets = 100;
    diagnose(d, &ci, NULL);
}

int main(void)
{
    struct conn c[8];
    char imei[8][32];
    struct diagnosis d;

    /* 5 devices 3 h behind the capture clock; one first uploads 8 buffered
     * records two days old (history, not skew) */
    ports_reset();
    devices_init();
    for (int i = 0; i < 5; i++) {
        snprintf(imei[i], sizeof imei[i], "35000000000000%d", i);
        conn_for(&c[i], (uint64_t)i + 1);
        if (i == 0)
            for (int k = 0; k < 8; k++) position(&c[i], imei[i], T0 + k * S / 10, -10800000 - 2 * 86400000LL - k * 60000);
        for (int k = 0; k < 20; k++) position(&c[i], imei[i], T0 + (k + 1) * 10 * S, -10800000 - 1000 * (i + 1));
    }
    run(&d, T0 + 201 * S);
    const struct finding *f = find(&d, "server-clock-skew", NULL);
    CHECK(f != NULL);
    CHECK_INT(f ? (int)f->sev : -1, SEV_CRITICAL);
    CHECK_NEAR(atof(evv(f, "offset_s")), -10803, 2);
    CHECK_STR(evv(f, "devices_agreeing"), "5");
    CHECK_STR(evv(f, "history_messages_ignored"), "8");
    CHECK_CONTAINS(f ? f->summary : "", "3 h 0 min fast (ahead)");
    CHECK(find(&d, "device-clock", NULL) == NULL);
    CHECK(find(&d, "devices-silent", NULL) == NULL);
    diagnosis_free(&d);

    /* a fleet on time (fixes 1-2 s old) and one device of each clock fault */
    ports_reset();
    devices_init();
    static const int64_t fault[4] = {
        -1024LL * 7 * 86400000,      /* GPS week rollover */
        0,                           /* epoch: fix times in 1980, set below */
        3 * 3600000LL,               /* local time UTC+3 */
        2 * 86400000LL + 12345,      /* two days in the future */
    };
    for (int i = 0; i < 8; i++) {
        snprintf(imei[i], sizeof imei[i], "35100000000000%d", i);
        conn_for(&c[i], (uint64_t)i + 10);
        for (int k = 0; k < 10; k++) {
            int64_t ts = T0 + k * 10 * S;
            int64_t off = i < 4 ? -1000 - 100 * i : fault[i - 4];
            if (i == 5) off = 315964800000LL + 86400000LL * 30 - ts / 1000000;   /* 1980-02-05 */
            position(&c[i], imei[i], ts, off);
        }
    }
    run(&d, T0 + 95 * S);
    CHECK(find(&d, "server-clock-skew", NULL) == NULL);
    f = find(&d, "device-clock", "gps-week-rollover");
    CHECK(f && f->ndevices == 1 && strcmp(f->devices[0], imei[4]) == 0);
    CHECK_NEAR(atof(evv(f, "offset_s")), -619315200, 3);
    f = find(&d, "device-clock", "epoch-default");
    CHECK(f && f->ndevices == 1 && strcmp(f->devices[0], imei[5]) == 0);
    f = find(&d, "device-clock", "local-time");
    CHECK(f && f->ndevices == 1 && strcmp(f->devices[0], imei[6]) == 0);
    CHECK_CONTAINS(f ? f->examples[0] : "", "(UTC+3)");
    f = find(&d, "device-clock", "future");
    CHECK(f && f->ndevices == 1 && strcmp(f->devices[0], imei[7]) == 0);
    size_t n = 0;
    for (size_t i = 0; i < d.n; i++) n += strcmp(d.f[i].id, "device-clock") == 0;
    CHECK_INT(n, 4);
    diagnosis_free(&d);

    /* a device whose messages stop: silent after 3 intervals, not before */
    ports_reset();
    devices_init();
    conn_for(&c[0], 50);
    conn_for(&c[1], 51);
    for (int k = 0; k < 30; k++) position(&c[0], "352000000000001", T0 + k * 10 * S, -1000);
    for (int k = 0; k < 10; k++) position(&c[1], "352000000000002", T0 + k * 10 * S, -1000);
    run(&d, T0 + 29 * 10 * S);             /* device 2: 200 s since its last, interval 10 s */
    f = find(&d, "devices-silent", NULL);
    CHECK(f && f->ndevices == 1 && strcmp(f->devices[0], "352000000000002") == 0);
    diagnosis_free(&d);
    run(&d, T0 + 9 * 10 * S + 25 * S);     /* 25 s: less than 3 intervals */
    CHECK(find(&d, "devices-silent", NULL) == NULL);
    diagnosis_free(&d);
    devices_free();
    ports_reset();
    return check_done("diagnose");
}
