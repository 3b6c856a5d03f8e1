/* mklinktypes.c: writes small capture files holding the same Teltonika session
 * (handshake, login, accept, one AVL packet, its ACK, FIN) in every link type
 * trackdump reads (ll_types: NAME.pcap over IPv4, NAME-ipv6.pcap over IPv6,
 * NAME from ll_name) and file format, plus broken files: a pcapng mixing link
 * types and a pcap truncated mid-packet.
 *   usage: mklinktypes OUTDIR */
#include <arpa/inet.h>
#include <ctype.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linklayer.h"

static const char *LOGIN = "000f333536333037303432343431303133";
static const char *AVL = "000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF";

static size_t unhex(const char *s, unsigned char *o)
{
    size_t n = 0;
    for (; s[0] && s[1]; s += 2) { unsigned v; sscanf(s, "%2x", &v); o[n++] = (unsigned char)v; }
    return n;
}

static void p16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static void p32(unsigned char *p, unsigned v) { p16(p, v >> 16); p16(p + 2, v & 0xffff); }

struct pkt { unsigned char b[400]; size_t n; int v6; };
static struct pkt pkts[16];
static int npkts;

/* IP packets of the session, IPv4 or IPv6 */
static void session(int v6)
{
    unsigned char login[17], avl[66], one = 1, cnt[4] = {0, 0, 0, 1};
    unhex(LOGIN, login);
    unhex(AVL, avl);
    struct { int cli; unsigned flags; const unsigned char *d; size_t n; } seg[] = {
        {1, 0x02, NULL, 0}, {0, 0x12, NULL, 0}, {1, 0x10, NULL, 0},
        {1, 0x18, login, 17}, {0, 0x18, &one, 1}, {1, 0x18, avl, 66}, {0, 0x18, cnt, 4},
        {1, 0x11, NULL, 0}, {0, 0x11, NULL, 0}, {1, 0x10, NULL, 0}};
    unsigned cseq = 100, sseq = 900;
    npkts = 0;
    for (size_t i = 0; i < sizeof seg / sizeof seg[0]; i++) {
        struct pkt *p = &pkts[npkts++];
        size_t ih = v6 ? 40 : 20;
        memset(p->b, 0, sizeof p->b);
        p->v6 = v6;
        if (v6) {
            p->b[0] = 0x60; p16(p->b + 4, (unsigned)(20 + seg[i].n)); p->b[6] = 6; p->b[7] = 64;
            inet_pton(AF_INET6, seg[i].cli ? "2001:db8::2" : "2001:db8::1", p->b + 8);
            inet_pton(AF_INET6, seg[i].cli ? "2001:db8::1" : "2001:db8::2", p->b + 24);
        } else {
            p->b[0] = 0x45; p16(p->b + 2, (unsigned)(40 + seg[i].n)); p->b[8] = 64; p->b[9] = 6;
            inet_pton(AF_INET, seg[i].cli ? "192.0.2.2" : "192.0.2.1", p->b + 12);
            inet_pton(AF_INET, seg[i].cli ? "192.0.2.1" : "192.0.2.2", p->b + 16);
            unsigned s = 0;
            for (int k = 0; k < 20; k += 2) s += (unsigned)(p->b[k] << 8 | p->b[k + 1]);
            while (s >> 16) s = (s & 0xffff) + (s >> 16);
            p16(p->b + 10, ~s & 0xffff);
        }
        unsigned char *t = p->b + ih;
        p16(t, seg[i].cli ? 41000 : 5027);
        p16(t + 2, seg[i].cli ? 5027 : 41000);
        unsigned *mine = seg[i].cli ? &cseq : &sseq, *theirs = seg[i].cli ? &sseq : &cseq;
        p32(t + 4, *mine);
        p32(t + 8, (seg[i].flags & 0x10) ? *theirs : 0);
        t[12] = 0x50; t[13] = (unsigned char)seg[i].flags; p16(t + 14, 65535);
        if (seg[i].n) memcpy(t + 20, seg[i].d, seg[i].n);
        *mine += (unsigned)seg[i].n + ((seg[i].flags & 0x03) ? 1u : 0u);
        p->n = ih + 20 + seg[i].n;
    }
}

/* link header for one packet */
static size_t frame(int dlt, int tags, const struct pkt *p, unsigned char *o)
{
    size_t h = 0;
    unsigned et = p->v6 ? 0x86dd : 0x0800;
    switch (dlt) {
    case DLT_EN10MB:
        memset(o, 0x02, 12); h = 12;
        if (tags >= 2) { p16(o + h, 0x88a8); p16(o + h + 2, 100); h += 4; }
        if (tags >= 1) { p16(o + h, 0x8100); p16(o + h + 2, 200); h += 4; }
        p16(o + h, et); h += 2;
        break;
    case DLT_LINUX_SLL:
        memset(o, 0, 16); p16(o + 2, 772); p16(o + 14, et); h = 16; break;
    case DLT_LINUX_SLL2:
        memset(o, 0, 20); p16(o, et); o[7] = 1; p16(o + 8, 772); h = 20; break;
    case DLT_NULL: {
        unsigned af = p->v6 ? 30 : 2;                                        /* AF_INET6 of macOS, FreeBSD */
        o[0] = (unsigned char)af; o[1] = o[2] = o[3] = 0; h = 4; break;     /* little-endian host */
    }
    case DLT_LOOP: p32(o, p->v6 ? 24 : 2); h = 4; break;
    case DLT_RAW: case DLT_IPV4: case DLT_IPV6: h = 0; break;
    default:
        fprintf(stderr, "mklinktypes: no link header for link type %d (%s)\n", dlt, ll_name(dlt));
        exit(1);
    }
    memcpy(o + h, p->b, p->n);
    return h + p->n;
}

static int write_pcap(const char *dir, const char *name, int dlt, int tags, int v6, int nano)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    pcap_t *d = pcap_open_dead_with_tstamp_precision(dlt, 262144, nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
    pcap_dumper_t *w = pcap_dump_open(d, path);
    if (!w) { fprintf(stderr, "%s: %s\n", path, pcap_geterr(d)); return 1; }
    session(v6);
    for (int i = 0; i < npkts; i++) {
        unsigned char b[512];
        struct pcap_pkthdr h;
        h.caplen = h.len = (bpf_u_int32)frame(dlt, tags, &pkts[i], b);
        h.ts.tv_sec = 1700000000 + i;
        h.ts.tv_usec = nano ? 123456789 : 123456;
        pcap_dump((u_char *)w, &h, b);
    }
    pcap_dump_close(w);
    pcap_close(d);
    return 0;
}

static void w32(FILE *f, unsigned v) { fwrite(&v, 4, 1, f); }
static void w16(FILE *f, unsigned v) { unsigned short s = (unsigned short)v; fwrite(&s, 2, 1, f); }

/* pcapng: one section, one interface per entry of dlts, packets alternate between them */
static int write_pcapng(const char *dir, const char *name, const int *dlts, int nif)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); return 1; }
    w32(f, 0x0A0D0D0A); w32(f, 28); w32(f, 0x1A2B3C4D); w16(f, 1); w16(f, 0);
    w32(f, 0xffffffff); w32(f, 0xffffffff); w32(f, 28);
    for (int i = 0; i < nif; i++) {
        w32(f, 1); w32(f, 20); w16(f, (unsigned)dlts[i]); w16(f, 0); w32(f, 262144); w32(f, 20);
    }
    session(0);
    for (int i = 0; i < npkts; i++) {
        unsigned char b[512];
        int ifx = i % nif;
        size_t n = frame(dlts[ifx], 0, &pkts[i], b);
        size_t pad = (4 - n % 4) % 4;
        unsigned total = (unsigned)(32 + n + pad);
        unsigned long long ts = (1700000000ULL + (unsigned)i) * 1000000ULL;
        w32(f, 6); w32(f, total); w32(f, (unsigned)ifx);
        w32(f, (unsigned)(ts >> 32)); w32(f, (unsigned)ts);
        w32(f, (unsigned)n); w32(f, (unsigned)n);
        fwrite(b, 1, n, f);
        static const unsigned char zero[4];
        fwrite(zero, 1, pad, f);
        w32(f, total);
    }
    return fclose(f) ? 1 : 0;
}

/* the IP versions a link type carries: IPV4 and IPV6 one each, the others both */
static int carries(int dlt, int v6) { return dlt == DLT_IPV4 ? !v6 : dlt == DLT_IPV6 ? v6 : 1; }

/* "linux_sll2-ipv6.pcap": the link type's name (ll_name up to the first space) in
 * lower case, "-ipv6" for its IPv6 file when it also carries IPv4 */
static void type_file(int dlt, int v6, char *out, size_t n)
{
    const char *name = ll_name(dlt);
    snprintf(out, n, "%.*s%s.pcap", (int)strcspn(name, " "), name, v6 && carries(dlt, 0) ? "-ipv6" : "");
    for (char *c = out; *c; c++) *c = (char)tolower((unsigned char)*c);
}

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: mklinktypes OUTDIR\n"); return 2; }
    const char *o = argv[1];
    int rc = 0;
    for (size_t i = 0; i < ll_ntypes; i++)
        for (int v6 = 0; v6 <= 1; v6++) {
            char name[64];
            if (!carries(ll_types[i], v6)) continue;
            type_file(ll_types[i], v6, name, sizeof name);
            rc |= write_pcap(o, name, ll_types[i], 0, v6, 0);
        }
    rc |= write_pcap(o, "vlan.pcap", DLT_EN10MB, 1, 0, 0);
    rc |= write_pcap(o, "qinq.pcap", DLT_EN10MB, 2, 0, 0);
    rc |= write_pcap(o, "vlan6.pcap", DLT_EN10MB, 1, 1, 0);
    rc |= write_pcap(o, "nano.pcap", DLT_EN10MB, 0, 0, 1);
    int one[1] = {DLT_EN10MB}, two[2] = {DLT_EN10MB, DLT_LINUX_SLL};
    rc |= write_pcapng(o, "single.pcapng", one, 1);
    rc |= write_pcapng(o, "mixed.pcapng", two, 2);
    /* a pcap cut in the middle of its sixth packet */
    char src[512], dst[512];
    snprintf(src, sizeof src, "%s/en10mb.pcap", o);
    snprintf(dst, sizeof dst, "%s/truncated.pcap", o);
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    if (!in || !out) return 1;
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, in);
    size_t keep = 24, i = 0;
    while (i < 5 && keep + 16 <= n) {
        unsigned cl = (unsigned)(buf[keep + 8] | buf[keep + 9] << 8 | buf[keep + 10] << 16 | (unsigned)buf[keep + 11] << 24);
        keep += 16 + cl;
        i++;
    }
    fwrite(buf, 1, keep + 16 + 10 <= n ? keep + 16 + 10 : n, out);
    fclose(in);
    if (fclose(out)) rc = 1;
    return rc;
}
