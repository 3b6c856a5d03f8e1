/* test_tcp_edges.c: the reassembly engine and session layer on crafted TCP and
 * UDP packets: segments split at every byte, out of order, retransmitted,
 * overlapping, lost (and acknowledged), a reused 4-tuple, RST, a connection
 * picked up mid-stream, IPv6.  Every message must be decoded exactly once. */
#include <string.h>

#include "check.h"
#include "flows.h"
#include "pktgen.h"
#include "portmap.h"
#include "session.h"

#define MAXM 256
struct seen { char type[24], imei[TRK_IMEI_MAX]; int status, dir; size_t nrec; double lat; };
static struct seen got[MAXM];
static int ngot, nclose, close_why[16];
static struct portmap pm;

static void collect(void *ctx, struct trk_msg *m, const struct conn *c)
{
    if (ngot >= MAXM) return;
    struct seen *s = &got[ngot++];
    snprintf(s->type, sizeof s->type, "%s", m->type);
    snprintf(s->imei, sizeof s->imei, "%s", m->imei);
    s->status = m->status;
    s->dir = m->dir;
    s->nrec = m->nrec;
    s->lat = m->nrec ? m->rec[0].lat : 0;
}

static void on_close(void *ctx, struct conn *c, enum conn_close_why why, int64_t ts)
{
    if (nclose < 16) close_why[nclose] = why;
    nclose++;
    session_close(ctx, c, why, ts);
}

static void start(void)
{
    char err[200];
    struct flows_cfg fc = {0};
    fc.max_flows = 1024;
    fc.idle_ns = 600LL * 1000000000LL;
    fc.embryonic_ns = 60LL * 1000000000LL;
    fc.is_server_port = portmap_is_server;
    fc.port_ctx = &pm;
    struct flow_sink sink = {NULL, session_open, session_data, on_close, session_datagram, NULL, NULL, NULL};
    struct session_out so = {NULL, collect, NULL};
    session_setup(&pm, &so);
    ngot = nclose = 0;
    if (flows_init(&fc, &sink, err, sizeof err) != 0) { fprintf(stderr, "flows_init: %s\n", err); exit(1); }
}

static void finish(void) { flows_finish(); }

static int v6;

static void send_tcp(int from_cli, uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *data, size_t n)
{
    PG.v6 = v6;
    PG.cli = v6 ? "2001:db8::2" : "10.0.0.2";
    PG.srv = v6 ? "2001:db8::1" : "10.0.0.1";
    pg_tcp(from_cli, seq, ack, flags, data, n);
}

enum { SYN = 2, RST = 4, PSH = 8, ACK = 16, FIN = 1 };
static const uint32_t C0 = 1000, S0 = 5000;   /* initial sequence numbers */

static uint8_t login[17], avl[66], ack1[1] = {1}, ack_n[4] = {0, 0, 0, 1};

static void handshake(void)
{
    send_tcp(1, C0, 0, SYN, NULL, 0);
    send_tcp(0, S0, C0 + 1, SYN | ACK, NULL, 0);
    send_tcp(1, C0 + 1, S0 + 1, ACK, NULL, 0);
}

/* login, accept, one AVL packet in `pieces` given as cut points, its ACK, FIN */
static void session_with_cuts(const size_t *cuts, size_t ncuts)
{
    uint32_t c = C0 + 1, s = S0 + 1;
    send_tcp(1, c, s, ACK | PSH, login, sizeof login); c += sizeof login;
    send_tcp(0, s, c, ACK | PSH, ack1, 1); s += 1;
    size_t prev = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : sizeof avl;
        send_tcp(1, c + (uint32_t)prev, s, ACK | PSH, avl + prev, end - prev);
        prev = end;
    }
    c += sizeof avl;
    send_tcp(0, s, c, ACK | PSH, ack_n, 4); s += 4;
    send_tcp(1, c, s, ACK | FIN, NULL, 0);
    send_tcp(0, s, c + 1, ACK | FIN, NULL, 0);
    send_tcp(1, c + 1, s + 1, ACK, NULL, 0);
}

static int count(const char *type, int status)
{
    int k = 0;
    for (int i = 0; i < ngot; i++) if (strcmp(got[i].type, type) == 0 && got[i].status == status) k++;
    return k;
}

static void expect_normal(const char *what)
{
    int pos = count("position", TRK_OK), logins = count("login", TRK_OK), acks = count("ack", TRK_OK);
    if (pos != 1 || logins != 1 || acks != 2 || ngot != 4) {
        fprintf(stderr, "%s: %d messages (login %d, position %d, ack %d)\n", what, ngot, logins, pos, acks);
        for (int i = 0; i < ngot; i++) fprintf(stderr, "  %s %s %d\n", got[i].type, got[i].imei, got[i].status);
    }
    CHECK_INT(ngot, 4);
    CHECK_INT(logins, 1);
    CHECK_INT(pos, 1);
    CHECK_INT(acks, 2);
    for (int i = 0; i < ngot; i++) CHECK_STR(got[i].imei, "356307042441013");
}

int main(void)
{
    check_unhex("000f333536333037303432343431303133", login, sizeof login);
    check_unhex("000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF",
                avl, sizeof avl);
    portmap_defaults(&pm);

    /* 1. in order, one segment per message */
    start(); handshake(); session_with_cuts(NULL, 0); finish();
    expect_normal("in order");
    CHECK_INT(nclose, 1);
    CHECK_INT(close_why[0], CLOSE_FIN);

    /* 2. the AVL packet split at every byte boundary, and byte by byte */
    int split_ok = 0;
    for (size_t k = 1; k < sizeof avl; k++) {
        size_t cut[1] = {k};
        start(); handshake(); session_with_cuts(cut, 1); finish();
        if (ngot == 4 && count("position", TRK_OK) == 1) split_ok++;
        else fprintf(stderr, "split at %zu: %d messages\n", k, ngot);
    }
    CHECK_INT(split_ok, (int)sizeof avl - 1);
    size_t every[sizeof avl - 1];
    for (size_t k = 0; k < sizeof avl - 1; k++) every[k] = k + 1;
    start(); handshake(); session_with_cuts(every, sizeof avl - 1); finish();
    expect_normal("byte by byte");

    /* 3. out of order, 4. retransmitted, 5. overlapping segments */
    for (int variant = 0; variant < 3; variant++) {
        start(); handshake();
        uint32_t c = C0 + 1, s = S0 + 1;
        send_tcp(1, c, s, ACK | PSH, login, sizeof login); c += sizeof login;
        send_tcp(0, s, c, ACK | PSH, ack1, 1); s += 1;
        if (variant == 0) {
            send_tcp(1, c + 30, s, ACK | PSH, avl + 30, sizeof avl - 30);
            send_tcp(1, c, s, ACK | PSH, avl, 30);
        } else if (variant == 1) {
            send_tcp(1, c, s, ACK | PSH, avl, 30);
            send_tcp(1, c, s, ACK | PSH, avl, 30);
            send_tcp(1, c + 30, s, ACK | PSH, avl + 30, sizeof avl - 30);
            send_tcp(1, c + 30, s, ACK | PSH, avl + 30, sizeof avl - 30);
        } else {
            send_tcp(1, c, s, ACK | PSH, avl, 40);
            send_tcp(1, c + 20, s, ACK | PSH, avl + 20, sizeof avl - 20);
        }
        c += sizeof avl;
        send_tcp(0, s, c, ACK | PSH, ack_n, 4);
        finish();
        expect_normal(variant == 0 ? "out of order" : variant == 1 ? "retransmitted" : "overlapping");
    }

    /* 6. a lost segment the server acknowledged: the next message still decodes */
    start(); handshake();
    {
        uint32_t c = C0 + 1, s = S0 + 1;
        send_tcp(1, c, s, ACK | PSH, login, sizeof login); c += sizeof login;
        send_tcp(0, s, c, ACK | PSH, ack1, 1); s += 1;
        /* first AVL packet: its first 30 bytes are lost, the server acks all of it */
        send_tcp(1, c + 30, s, ACK | PSH, avl + 30, sizeof avl - 30);
        c += sizeof avl;
        send_tcp(0, s, c, ACK | PSH, ack_n, 4); s += 4;
        send_tcp(1, c, s, ACK | PSH, avl, sizeof avl); c += sizeof avl;
        send_tcp(0, s, c, ACK | PSH, ack_n, 4); s += 4;
    }
    finish();
    CHECK_INT(count("position", TRK_OK), 1);
    CHECK_INT(count("garbage", TRK_MALFORMED), 1);
    CHECK_INT(count("login", TRK_OK), 1);
    CHECK_INT(count("ack", TRK_OK), 3);
    {
        struct flows_stats fs;
        flows_get_stats(&fs);
        CHECK_INT(fs.gaps, 1);
        CHECK_INT(fs.gap_bytes, 30);
    }

    /* 7. the 4-tuple reused without FIN: the second connection has its own IMEI */
    start(); handshake();
    {
        uint32_t c = C0 + 1, s = S0 + 1;
        send_tcp(1, c, s, ACK | PSH, login, sizeof login);
        send_tcp(0, s, c + sizeof login, ACK | PSH, ack1, 1);
        uint8_t login2[17];
        check_unhex("000f333532303933303831343532323531", login2, sizeof login2);
        send_tcp(1, 90000, 0, SYN, NULL, 0);
        send_tcp(0, 70000, 90001, SYN | ACK, NULL, 0);
        send_tcp(1, 90001, 70001, ACK, NULL, 0);
        send_tcp(1, 90001, 70001, ACK | PSH, login2, sizeof login2);
        send_tcp(1, 90001 + sizeof login2, 70001, ACK | PSH, avl, sizeof avl);
    }
    finish();
    CHECK_INT(count("login", TRK_OK), 2);
    CHECK_INT(count("position", TRK_OK), 1);
    for (int i = 0; i < ngot; i++)
        if (strcmp(got[i].type, "position") == 0) CHECK_STR(got[i].imei, "352093081452251");
    CHECK_INT(nclose, 2);
    CHECK_INT(close_why[0], CLOSE_REUSED);
    CHECK_INT(close_why[1], CLOSE_END);

    /* 8. RST closes the connection */
    start(); handshake();
    {
        uint32_t c = C0 + 1, s = S0 + 1;
        send_tcp(1, c, s, ACK | PSH, login, sizeof login); c += sizeof login;
        send_tcp(0, s, c, ACK | PSH, ack1, 1); s += 1;
        send_tcp(0, s, c, RST | ACK, NULL, 0);
    }
    CHECK_INT(nclose, 1);
    CHECK_INT(close_why[0], CLOSE_RST);
    finish();
    CHECK_INT(count("login", TRK_OK), 1);

    /* 9. picked up mid-stream: no handshake, no login seen: ok, empty IMEI */
    start();
    {
        uint32_t c = 77777, s = 88888;
        send_tcp(1, c, s, ACK | PSH, avl, sizeof avl); c += sizeof avl;
        send_tcp(0, s, c, ACK | PSH, ack_n, 4); s += 4;
        send_tcp(1, c, s, ACK | PSH, avl, 40);
        send_tcp(1, c + 40, s, ACK | PSH, avl + 40, sizeof avl - 40);
    }
    finish();
    CHECK_INT(count("position", TRK_OK), 2);
    CHECK_INT(count("ack", TRK_OK), 1);
    CHECK_INT(ngot, 3);
    for (int i = 0; i < ngot; i++) CHECK_STR(got[i].imei, "");
    {
        struct flows_stats fs;
        flows_get_stats(&fs);
        CHECK_INT(fs.tcp_midstream, 1);
    }

    /* 9b. the SYN/ACK and the final ACK were not captured: taken up from the data */
    start();
    send_tcp(1, C0, 0, SYN, NULL, 0);
    {
        uint32_t c = C0 + 1, s = S0 + 1;
        send_tcp(1, c, s, ACK | PSH, login, sizeof login); c += sizeof login;
        send_tcp(0, s, c, ACK | PSH, ack1, 1); s += 1;
        send_tcp(1, c, s, ACK | PSH, avl, sizeof avl); c += sizeof avl;
        send_tcp(0, s, c, ACK | PSH, ack_n, 4);
    }
    finish();
    expect_normal("SYN/ACK not captured");

    /* 10. IPv6 */
    v6 = 1;
    start(); handshake(); session_with_cuts(NULL, 0); finish();
    expect_normal("ipv6");
    v6 = 0;
    for (int i = 0; i < ngot; i++)
        if (strcmp(got[i].type, "position") == 0) CHECK_NEAR(got[i].lat, 0.0, 1e-9);

    return check_done("tcp-edges");
}
