/* test_detect.c: choosing the protocol of a flow: the port map, a device on
 * the wrong port (protocol-mismatch), noise on tracker ports (TLS, HTTP, empty
 * lines) and probing on any port with --auto. */
#include "check.h"
#include "pktgen.h"
#include "portmap.h"
#include "session.h"

#define MAXM 64
struct seen { char proto[24], type[32], imei[TRK_IMEI_MAX], problem[TRK_PROBLEM_MAX]; int status;
              char mapped[24]; long port; };
static struct seen got[MAXM];
static int ngot;
static struct portmap pm;

static void collect(void *ctx, struct trk_msg *m, const struct conn *c)
{
    if (ngot >= MAXM) return;
    struct seen *s = &got[ngot++];
    snprintf(s->proto, sizeof s->proto, "%s", m->proto ? m->proto : "");
    snprintf(s->type, sizeof s->type, "%s", m->type);
    snprintf(s->imei, sizeof s->imei, "%s", m->imei);
    snprintf(s->problem, sizeof s->problem, "%s", m->problem);
    const char *mp = msg_field_get(m, "mapped"), *port = msg_field_get(m, "port");
    snprintf(s->mapped, sizeof s->mapped, "%s", mp ? mp : "");
    s->port = port ? atol(port) : 0;
    s->status = m->status;
}

static void run(const uint8_t *const *msgs, const size_t *lens, int n, const uint8_t *reply, size_t rlen)
{
    char err[200];
    struct flows_cfg fc = {0};
    fc.max_flows = 64;
    fc.idle_ns = 600LL * 1000000000LL;
    fc.embryonic_ns = 60LL * 1000000000LL;
    fc.is_server_port = portmap_is_server;
    fc.port_ctx = &pm;
    struct flow_sink sink = {NULL, session_open, session_data, session_close, session_datagram, NULL, NULL, NULL};
    struct session_out so = {NULL, collect, NULL};
    session_setup(&pm, &so);
    ngot = 0;
    if (flows_init(&fc, &sink, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); exit(1); }
    pg_conversation(msgs, lens, n, reply, rlen);
    flows_finish();
}

int main(void)
{
    uint8_t login[17], avl[66], gt[18];
    check_unhex("000f333536333037303432343431303133", login, sizeof login);
    check_unhex("000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF", avl, sizeof avl);
    check_unhex("78780D01012345678901234500018CDD0D0A", gt, sizeof gt);
    const uint8_t *tel[2] = {login, avl};
    size_t tel_len[2] = {sizeof login, sizeof avl};
    const uint8_t one = 1;

    /* a Teltonika device pointed at the GT06 port */
    portmap_defaults(&pm);
    PG.sport = 5023;
    run(tel, tel_len, 2, &one, 1);
    CHECK_STR(got[0].type, "protocol-mismatch");
    CHECK_STR(got[0].proto, "teltonika");
    CHECK_STR(got[0].mapped, "gt06");
    CHECK_INT(got[0].port, 5023);
    CHECK_STR(got[1].type, "login");
    CHECK_STR(got[1].proto, "teltonika");
    CHECK_STR(got[1].imei, "356307042441013");
    int positions = 0;
    for (int i = 0; i < ngot; i++) if (strcmp(got[i].type, "position") == 0 && got[i].status == TRK_OK) positions++;
    CHECK_INT(positions, 1);
    {
        struct session_stats ss;
        session_get_stats(&ss);
        CHECK_INT(ss.mismatches, 1);
    }

    /* the GT06 device on its own port: no note */
    const uint8_t *g[1] = {gt};
    size_t glen[1] = {sizeof gt};
    run(g, glen, 1, NULL, 0);
    CHECK_INT(ngot, 1);
    CHECK_STR(got[0].type, "login");
    CHECK_STR(got[0].imei, "123456789012345");

    /* noise on tracker ports */
    static const struct { const char *hex; const char *kind; uint16_t port; } noise[] = {
        {"16030100c4010000c00303", "TLS handshake", 5027},
        {"474554202f20485454502f312e310d0a486f73743a20780d0a0d0a", "HTTP request", 5023},
        {"5353482d322e302d4f70656e5353480d0a", "SSH banner", 5027},
        {"0d0a0d0a", "empty lines", 5027},
    };
    for (size_t i = 0; i < sizeof noise / sizeof noise[0]; i++) {
        uint8_t b[64];
        size_t n = check_unhex(noise[i].hex, b, sizeof b);
        const uint8_t *m1[1] = {b};
        size_t l1[1] = {n};
        PG.sport = noise[i].port;
        run(m1, l1, 1, NULL, 0);
        CHECK_INT(ngot, 1);
        CHECK_INT(got[0].status, TRK_UNKNOWN);
        CHECK_STR(got[0].proto, "unknown");
        CHECK_STR(got[0].imei, "");
        CHECK_CONTAINS(got[0].problem, noise[i].kind);
    }

    /* --auto: any port, recognised by probing */
    pm.auto_detect = true;
    PG.sport = 7000;
    run(tel, tel_len, 2, &one, 1);
    CHECK_STR(got[0].proto, "teltonika");
    CHECK_STR(got[0].type, "login");
    CHECK_STR(got[1].type, "ack");
    CHECK_STR(got[2].type, "position");
    CHECK_STR(got[2].imei, "356307042441013");
    {
        uint8_t junk[40];
        for (size_t i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)(i * 37 + 11);
        const uint8_t *m1[1] = {junk};
        size_t l1[1] = {sizeof junk};
        PG.sport = 7001;
        run(m1, l1, 1, NULL, 0);
        CHECK_INT(ngot, 1);
        CHECK_INT(got[0].status, TRK_UNKNOWN);
        CHECK_CONTAINS(got[0].problem, "no tracker protocol recognised (40 bytes)");
    }
    return check_done("detect");
}
