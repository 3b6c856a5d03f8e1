/* mkhostile.c: hostile capture input for tests/hostile/: broken and strange
 * capture files, a huge garbage stream on a tracker port, a SYN flood.  Every
 * capture also holds a real Teltonika session (login, accept, one AVL record,
 * its ACK) so a test can check that what is sound still decodes.
 *   mkhostile files OUTDIR                 the broken and strange files
 *   mkhostile garbage MIB PORT KIND        pcap on stdout: MIB MiB of KIND garbage
 *                                          (random, zeros, text, hugelen) to PORT
 *                                          on one connection, between two sessions
 *   mkhostile synflood N                   pcap on stdout: N SYNs from random
 *                                          sources while two sessions are open */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *LOGIN = "000f333536333037303432343431303133";
static const char *AVL = "000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF";
static const char *GT06_LOGIN = "78780d01035860801000000600017d280d0a";

static FILE *out;
static uint64_t ts_us = 1700000000ULL * 1000000ULL;
static uint32_t rng = 2463534242u;

static uint32_t rnd(void)
{
    rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
    return rng;
}

static size_t unhex(const char *s, uint8_t *o)
{
    size_t n = 0;
    for (; s[0] && s[1]; s += 2) { unsigned v; if (sscanf(s, "%2x", &v) != 1) break; o[n++] = (uint8_t)v; }
    return n;
}

static void le32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }
static void be16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void be32(uint8_t *p, uint32_t v) { be16(p, v >> 16); be16(p + 2, v & 0xffff); }

static void put(const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, out) != n) { perror("mkhostile: write"); exit(1); }
}

/* ---- classic pcap ---- */

static void pcap_global(uint32_t magic, uint32_t snaplen, uint32_t linktype)
{
    uint8_t h[24] = {0};
    le32(h, magic);
    h[4] = 2; h[6] = 4;
    le32(h + 16, snaplen);
    le32(h + 20, linktype);
    put(h, 24);
}

static void pcap_rec_hdr(uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len)
{
    uint8_t h[16];
    le32(h, sec); le32(h + 4, frac); le32(h + 8, caplen); le32(h + 12, len);
    put(h, 16);
}

static void pcap_rec(const uint8_t *p, size_t n)
{
    pcap_rec_hdr((uint32_t)(ts_us / 1000000), (uint32_t)(ts_us % 1000000), (uint32_t)n, (uint32_t)n);
    put(p, n);
    ts_us += 1000;
}

/* ---- pcapng ---- */

static void ng_shb(void)
{
    uint8_t b[28] = {0};
    le32(b, 0x0A0D0D0A); le32(b + 4, 28); le32(b + 8, 0x1A2B3C4D);
    b[12] = 1;
    memset(b + 16, 0xff, 8);
    le32(b + 24, 28);
    put(b, 28);
}

static void ng_idb(unsigned linktype)
{
    uint8_t b[20] = {0};
    le32(b, 1); le32(b + 4, 20);
    b[8] = (uint8_t)linktype; b[9] = (uint8_t)(linktype >> 8);
    le32(b + 12, 262144); le32(b + 16, 20);
    put(b, 20);
}

static void ng_epb(unsigned ifx, uint64_t ts, const uint8_t *p, size_t n)
{
    uint8_t b[28];
    size_t pad = (4 - n % 4) % 4;
    uint32_t total = (uint32_t)(32 + n + pad);
    le32(b, 6); le32(b + 4, total); le32(b + 8, ifx);
    le32(b + 12, (uint32_t)(ts >> 32)); le32(b + 16, (uint32_t)ts);
    le32(b + 20, (uint32_t)n); le32(b + 24, (uint32_t)n);
    put(b, 28);
    put(p, n);
    static const uint8_t zero[4];
    put(zero, pad);
    uint8_t t[4];
    le32(t, total);
    put(t, 4);
}

/* ---- raw IPv4 packets ---- */

struct tcpconn { uint32_t cli, srv; uint16_t cport, sport; uint32_t cseq, sseq; };

static size_t ip4(uint8_t *b, uint32_t src, uint32_t dst, uint8_t proto, size_t plen)
{
    memset(b, 0, 20);
    b[0] = 0x45;
    be16(b + 2, (unsigned)(20 + plen));
    b[8] = 64;
    b[9] = proto;
    be32(b + 12, src);
    be32(b + 16, dst);
    return 20;
}

static size_t tcp(uint8_t *b, const struct tcpconn *c, int from_cli, uint8_t flags, const uint8_t *d, size_t n)
{
    size_t h = ip4(b, from_cli ? c->cli : c->srv, from_cli ? c->srv : c->cli, 6, 20 + n);
    uint8_t *t = b + h;
    memset(t, 0, 20);
    be16(t, from_cli ? c->cport : c->sport);
    be16(t + 2, from_cli ? c->sport : c->cport);
    be32(t + 4, from_cli ? c->cseq : c->sseq);
    be32(t + 8, (flags & 0x10) ? (from_cli ? c->sseq : c->cseq) : 0);
    t[12] = 0x50;
    t[13] = flags;
    be16(t + 14, 65535);
    if (n) memcpy(t + 20, d, n);
    return h + 20 + n;
}

/* one segment on the wire (pcap, raw IP), advancing the sender's sequence */
static void seg(struct tcpconn *c, int from_cli, uint8_t flags, const uint8_t *d, size_t n)
{
    static uint8_t b[70000];
    size_t len = tcp(b, c, from_cli, flags, d, n);
    pcap_rec(b, len);
    *(from_cli ? &c->cseq : &c->sseq) += (uint32_t)n + ((flags & 0x03) ? 1u : 0u);
}

static void handshake(struct tcpconn *c)
{
    seg(c, 1, 0x02, NULL, 0);
    seg(c, 0, 0x12, NULL, 0);
    seg(c, 1, 0x10, NULL, 0);
}

static void say(struct tcpconn *c, int from_cli, const char *hex)
{
    uint8_t d[512];
    size_t n = unhex(hex, d);
    seg(c, from_cli, 0x18, d, n);
}

static void finish(struct tcpconn *c)
{
    seg(c, 1, 0x11, NULL, 0);
    seg(c, 0, 0x11, NULL, 0);
    seg(c, 1, 0x10, NULL, 0);
}

/* the sound Teltonika session: 4 messages */
static void teltonika(struct tcpconn *c)
{
    handshake(c);
    say(c, 1, LOGIN);
    say(c, 0, "01");
    say(c, 1, AVL);
    say(c, 0, "00000001");
    finish(c);
}

static struct tcpconn conn(uint32_t cli, uint16_t cport, uint16_t sport)
{
    struct tcpconn c = {cli, 0xC0000201u /* 192.0.2.1 */, cport, sport, 1000, 900000};
    return c;
}

/* ---- files ---- */

static char dir[4096];

static void open_out(const char *name)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    out = fopen(path, "wb");
    if (!out) { perror(path); exit(1); }
    ts_us = 1700000000ULL * 1000000ULL;
}

static void close_out(void)
{
    if (fclose(out)) { perror("mkhostile: close"); exit(1); }
    out = NULL;
}

/* the sound session as a pcap, kept in memory to be cut */
static uint8_t *session_pcap(size_t *n)
{
    char *p = NULL;
    size_t len = 0;
    out = open_memstream(&p, &len);
    if (!out) exit(1);
    ts_us = 1700000000ULL * 1000000ULL;
    pcap_global(0xA1B2C3D4, 262144, 101);
    struct tcpconn c = conn(0xC0000202, 41000, 5027);
    teltonika(&c);
    fclose(out);
    out = NULL;
    *n = len;
    return (uint8_t *)p;
}

/* the record at offset o of bare pcap records in memory: its data and caplen; the next offset
 * (0 when there is no whole record at o) */
static size_t next_rec(const uint8_t *p, size_t n, size_t o, const uint8_t **data, size_t *cl)
{
    if (o + 16 > n) return 0;
    *cl = (size_t)(p[o + 8] | p[o + 9] << 8 | p[o + 10] << 16 | (uint32_t)p[o + 11] << 24);
    if (o + 16 + *cl > n) return 0;
    *data = p + o + 16;
    return o + 16 + *cl;
}

/* offset of record k (0-based) of a pcap in memory */
static size_t rec_at(const uint8_t *p, size_t n, int k)
{
    size_t o = 24;
    for (int i = 0; i < k && o + 16 <= n; i++)
        o += 16 + (size_t)(p[o + 8] | p[o + 9] << 8 | p[o + 10] << 16 | (uint32_t)p[o + 11] << 24);
    return o;
}

static void cut(const char *name, const uint8_t *p, size_t n)
{
    open_out(name);
    put(p, n);
    close_out();
}

static void files(void)
{
    size_t n;
    uint8_t *s = session_pcap(&n);
    cut("sound.pcap", s, n);
    cut("trunc-file-header.pcap", s, 12);
    cut("trunc-record-header.pcap", s, rec_at(s, n, 5) + 8);
    cut("trunc-packet.pcap", s, rec_at(s, n, 5) + 16 + 20);
    cut("empty.pcap", s, 0);
    cut("header-only.pcap", s, 24);
    uint8_t bad[64];
    memcpy(bad, s, 64);
    le32(bad, 0xDEADBEEF);
    cut("bad-magic.pcap", bad, 64);

    /* pcapng: the session, cut inside a packet block; and a section header cut short */
    struct tcpconn c;
    uint8_t b[512];
    open_out("trunc-packet.pcapng");
    ng_shb(); ng_idb(101);
    c = conn(0xC0000202, 41000, 5027);
    {
        char *mp = NULL;
        size_t ml = 0;
        FILE *keep = out;
        out = open_memstream(&mp, &ml);
        teltonika(&c);
        fclose(out);
        out = keep;
        /* re-emit the records as blocks, the sixth cut in half */
        const uint8_t *r;
        size_t cl, o = 0;
        for (int k = 0; (o = next_rec((uint8_t *)mp, ml, o, &r, &cl)) != 0; k++) {
            if (k < 5) { ng_epb(0, ts_us + (uint64_t)k * 1000, r, cl); continue; }
            char *cp = NULL;
            size_t cn = 0;
            FILE *k2 = out;
            out = open_memstream(&cp, &cn);
            ng_epb(0, ts_us, r, cl);
            fclose(out);
            out = k2;
            put(cp, cn / 2);
            free(cp);
            break;
        }
        free(mp);
    }
    close_out();
    open_out("trunc-section.pcapng");
    {
        uint8_t shb[28] = {0};
        le32(shb, 0x0A0D0D0A); le32(shb + 4, 28); le32(shb + 8, 0x1A2B3C4D);
        put(shb, 10);
    }
    close_out();

    /* caplen above the file's snaplen (64): libpcap clips the packets */
    open_out("caplen-over-snaplen.pcap");
    pcap_global(0xA1B2C3D4, 64, 101);
    c = conn(0xC0000202, 41000, 5027);
    teltonika(&c);
    close_out();

    /* caplen of 300000 bytes (> 256 KiB), after a sound session */
    open_out("caplen-huge.pcap");
    pcap_global(0xA1B2C3D4, 262144, 101);
    c = conn(0xC0000202, 41000, 5027);
    teltonika(&c);
    pcap_rec_hdr(1700000100, 0, 300000, 300000);
    for (int i = 0; i < 300000 / 500; i++) { memset(b, 0xAB, 500); put(b, 500); }
    close_out();

    /* caplen larger than the wire length, zero-length packets, then the session */
    open_out("zero-length.pcap");
    pcap_global(0xA1B2C3D4, 262144, 1);
    pcap_rec_hdr(1700000000, 0, 0, 0);
    pcap_rec_hdr(1700000000, 1, 0, 60);
    memset(b, 0, 20);
    pcap_rec_hdr(1700000000, 2, 20, 10);         /* caplen > len */
    put(b, 20);
    close_out();
    {
        /* zero-length records followed by the sound session on raw IP */
        open_out("zero-then-session.pcap");
        pcap_global(0xA1B2C3D4, 262144, 101);
        for (int i = 0; i < 5; i++) pcap_rec_hdr(1700000000, (uint32_t)i, 0, (uint32_t)(i * 40));
        c = conn(0xC0000202, 41000, 5027);
        teltonika(&c);
        close_out();
    }

    /* timestamps: the session stamped at 0, going backwards, at the end of 32-bit time,
     * with a microsecond field of 4e9; and a pcapng at the end of 64-bit time */
    open_out("time-strange.pcap");
    pcap_global(0xA1B2C3D4, 262144, 101);
    {
        char *mp = NULL;
        size_t ml = 0;
        FILE *keep = out;
        out = open_memstream(&mp, &ml);
        c = conn(0xC0000202, 41000, 5027);
        teltonika(&c);
        fclose(out);
        out = keep;
        static const uint32_t secs[] = {0, 0, 4294967295u, 1700000000, 100, 4294967295u, 0, 1, 2, 3};
        static const uint32_t fracs[] = {0, 4000000000u, 999999, 0, 5, 4294967295u, 0, 0, 0, 0};
        const uint8_t *r;
        size_t cl, o = 0, at = 0;
        for (int k = 0; k < 10 && (o = next_rec((uint8_t *)mp, ml, at, &r, &cl)) != 0; k++, at = o) {
            uint8_t h[16];
            memcpy(h, mp + at, 16);
            le32(h, secs[k]);
            le32(h + 4, fracs[k]);
            put(h, 16);
            put(r, cl);
        }
        free(mp);
    }
    close_out();
    open_out("time-huge.pcapng");
    ng_shb(); ng_idb(101);
    {
        char *mp = NULL;
        size_t ml = 0;
        FILE *keep = out;
        out = open_memstream(&mp, &ml);
        c = conn(0xC0000202, 41000, 5027);
        teltonika(&c);
        fclose(out);
        out = keep;
        static const uint64_t tss[] = {UINT64_MAX, UINT64_MAX - 1, 0, UINT64_MAX / 2, 1ULL << 63, 0, UINT64_MAX,
                                       9223372036854775807ULL, 1, 2};
        const uint8_t *r;
        size_t cl, o = 0;
        for (int k = 0; k < 10 && (o = next_rec((uint8_t *)mp, ml, o, &r, &cl)) != 0; k++) ng_epb(0, tss[k], r, cl);
        free(mp);
    }
    close_out();

    /* two interfaces of different link types in one pcapng */
    open_out("mixed-linktypes.pcapng");
    ng_shb(); ng_idb(101); ng_idb(1);
    {
        c = conn(0xC0000202, 41000, 5027);
        size_t len = tcp(b, &c, 1, 0x02, NULL, 0);
        ng_epb(0, ts_us, b, len);
        uint8_t e[600];
        memset(e, 2, 12); be16(e + 12, 0x0800);
        memcpy(e + 14, b, len);
        ng_epb(1, ts_us + 1, e, len + 14);
    }
    close_out();

    /* IPv4 headers that lie: IHL 4 and 0, total length below the header, an IHL past the
     * captured bytes, a TCP header length of 4; then the sound session */
    open_out("bad-ip-headers.pcap");
    pcap_global(0xA1B2C3D4, 262144, 101);
    c = conn(0xC0000203, 41001, 5027);
    for (int k = 0; k < 5; k++) {
        size_t len = tcp(b, &c, 1, 0x02, NULL, 0);
        if (k == 0) b[0] = 0x44;
        if (k == 1) b[0] = 0x40;
        if (k == 2) be16(b + 2, 12);
        if (k == 3) { b[0] = 0x4F; len = 40; }
        if (k == 4) b[20 + 12] = 0x10;
        pcap_rec(b, len);
    }
    c = conn(0xC0000202, 41000, 5027);
    teltonika(&c);
    close_out();

    /* IPv4 fragments: a UDP Teltonika datagram in overlapping fragments, one that never
     * completes, and fragments of a TCP segment with a hole; then the sound session */
    open_out("fragments.pcap");
    pcap_global(0xA1B2C3D4, 262144, 101);
    {
        uint8_t avl[128], udp[256];
        size_t an = unhex(AVL, avl);
        /* Teltonika UDP: length, packet id, not-used byte, avl id, imei length + imei, AVL data */
        size_t un = 8;
        uint8_t pay[200];
        size_t pn = 0;
        pay[pn++] = 0; pay[pn++] = 0;                    /* length, set below */
        pay[pn++] = 0xCA; pay[pn++] = 0xFE; pay[pn++] = 0x01; pay[pn++] = 0x05;
        pay[pn++] = 0x00; pay[pn++] = 0x0F;
        memcpy(pay + pn, "356307042441013", 15); pn += 15;
        memcpy(pay + pn, avl + 8, an - 12); pn += an - 12;   /* codec .. record count */
        be16(pay, (unsigned)(pn - 2));
        be16(udp, 41002); be16(udp + 2, 5027); be16(udp + 4, (unsigned)(un + pn)); be16(udp + 6, 0);
        memcpy(udp + 8, pay, pn);
        size_t total = un + pn;
        /* overlapping: [0,48) [40,total) [16,56): each fragment a multiple of 8 */
        const size_t fr[3][2] = {{0, 48}, {40, total}, {16, 56}};
        for (int k = 0; k < 3; k++) {
            size_t from = fr[k][0], to = fr[k][1];
            size_t h = ip4(b, 0xC0000204, 0xC0000201, 17, to - from);
            be16(b + 4, 77);
            be16(b + 6, (unsigned)((to < total ? 0x2000 : 0) | (from / 8)));
            memcpy(b + h, udp + from, to - from);
            pcap_rec(b, h + to - from);
        }
        /* never completed: the first fragment only */
        size_t h = ip4(b, 0xC0000205, 0xC0000201, 17, 48);
        be16(b + 4, 78);
        be16(b + 6, 0x2000);
        memcpy(b + h, udp, 48);
        pcap_rec(b, h + 48);
        /* a fragment at the end of the 64 KiB offset space (offset 8191*8 + 16 > 65535) */
        h = ip4(b, 0xC0000206, 0xC0000201, 17, 16);
        be16(b + 4, 79);
        be16(b + 6, 0x1FFF);
        memset(b + h, 0x55, 16);
        pcap_rec(b, h + 16);
    }
    c = conn(0xC0000202, 41000, 5027);
    teltonika(&c);
    close_out();
    free(s);
}

/* ---- streams on standard output ---- */

static void garbage(unsigned long mib, unsigned port, const char *kind)
{
    out = stdout;
    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    pcap_global(0xA1B2C3D4, 262144, 101);
    struct tcpconn a = conn(0xC0000202, 41000, 5027), g = conn(0xC0000209, 42000, (uint16_t)port),
                   z = conn(0xC0000203, 41001, 5027);
    handshake(&a);
    say(&a, 1, LOGIN);
    say(&a, 0, "01");
    handshake(&g);
    static uint8_t d[65000];
    int ktext = strcmp(kind, "text") == 0, kzero = strcmp(kind, "zeros") == 0, khuge = strcmp(kind, "hugelen") == 0;
    unsigned long long left = (unsigned long long)mib << 20;
    while (left) {
        size_t n = left < sizeof d ? (size_t)left : sizeof d;
        for (size_t i = 0; i < n; i += 4) {
            uint32_t r = rnd();
            if (kzero) r = 0;
            else if (ktext) r = 0x41414141u + (r & 0x0F0F0F0Fu);  /* letters, no line end */
            else if (khuge) r = (i % 16 == 0) ? 0 : (i % 16 == 4) ? 0x7FFFFFF0u : r;  /* "AVL of 2 GB" */
            memcpy(d + i, &r, n - i < 4 ? n - i : 4);
        }
        seg(&g, 1, 0x18, d, n);
        seg(&g, 0, 0x10, NULL, 0);
        left -= n;
    }
    finish(&g);
    say(&a, 1, AVL);
    say(&a, 0, "00000001");
    finish(&a);
    teltonika(&z);
    fflush(stdout);
}

static void synflood(unsigned long n)
{
    out = stdout;
    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    pcap_global(0xA1B2C3D4, 262144, 101);
    struct tcpconn a = conn(0xC0000202, 41000, 5027), g = conn(0xC0000203, 41001, 5023);
    handshake(&a);
    say(&a, 1, LOGIN);
    say(&a, 0, "01");
    handshake(&g);
    say(&g, 1, GT06_LOGIN);
    say(&g, 0, "787805010001D9DC0D0A");
    uint8_t b[64];
    unsigned long step = n / 10 ? n / 10 : 1;
    for (unsigned long i = 0; i < n; i++) {
        struct tcpconn f = {0x0A000000u | (rnd() & 0x00FFFFFFu), 0xC0000201u, (uint16_t)(1024 + rnd() % 60000),
                            (uint16_t)(i % 2 ? 5027 : 5023), rnd(), 0};
        size_t len = tcp(b, &f, 1, 0x02, NULL, 0);
        pcap_rec_hdr((uint32_t)(ts_us / 1000000), (uint32_t)(ts_us % 1000000), (uint32_t)len, (uint32_t)len);
        put(b, len);
        ts_us += 1;                                   /* 1,000,000 SYNs a second */
        if (i % step == step - 1) {                   /* the live sessions keep talking */
            say(&a, 1, AVL);
            say(&a, 0, "00000001");
            say(&g, 1, "78780a1346040400020004d5940d0a");
        }
    }
    say(&a, 1, AVL);
    say(&a, 0, "00000001");
    finish(&a);
    finish(&g);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "files") == 0) {
        snprintf(dir, sizeof dir, "%s", argv[2]);
        files();
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "garbage") == 0) {
        garbage(strtoul(argv[2], NULL, 10), (unsigned)strtoul(argv[3], NULL, 10), argv[4]);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "synflood") == 0) {
        synflood(strtoul(argv[2], NULL, 10));
        return 0;
    }
    fprintf(stderr, "usage: mkhostile files OUTDIR | garbage MIB PORT KIND | synflood N\n");
    return 2;
}
