/* mkfleet.c: writes a capture of a large GT06 fleet, for measuring `top` and
 * the pipeline on many devices: N devices, each on its own connection from
 * its own address (10.x.y.z), a login then ROUNDS positions INTERVAL seconds
 * apart, each answered by the server; every 1000th device sends its last
 * position with a wrong CRC.  Raw IPv4 packets (LINKTYPE_RAW).
 *   usage: mkfleet N ROUNDS INTERVAL_S OUT.pcap */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc.h"

static FILE *out;

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }

static void le32(uint32_t v) { fwrite(&v, 4, 1, out); }

static void packet(int64_t us, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, unsigned flags,
                   uint32_t seq, uint32_t ack, const uint8_t *data, size_t n)
{
    uint8_t p[40 + 256];
    memset(p, 0, 40);
    p[0] = 0x45;
    put16(p + 2, (unsigned)(40 + n));
    p[8] = 64;
    p[9] = 6;
    put32(p + 12, src);
    put32(p + 16, dst);
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    put16(p + 10, ~sum & 0xffff);
    put16(p + 20, sport);
    put16(p + 22, dport);
    put32(p + 24, seq);
    put32(p + 28, ack);
    p[32] = 5 << 4;
    p[33] = (uint8_t)flags;
    put16(p + 34, 65535);
    if (n) memcpy(p + 40, data, n);
    le32((uint32_t)(us / 1000000));
    le32((uint32_t)(us % 1000000));
    le32((uint32_t)(40 + n));
    le32((uint32_t)(40 + n));
    fwrite(p, 1, 40 + n, out);
}

static size_t frame(uint8_t *o, unsigned proto, const uint8_t *c, size_t n, unsigned serial, int bad_crc)
{
    size_t k = 0;
    o[k++] = 0x78;
    o[k++] = 0x78;
    o[k++] = (uint8_t)(n + 5);
    o[k++] = (uint8_t)proto;
    if (n) memcpy(o + k, c, n);
    k += n;
    put16(o + k, serial);
    k += 2;
    put16(o + k, (unsigned)(crc16_x25(o + 2, k - 2) ^ (bad_crc ? 0x5a5a : 0)));
    k += 2;
    o[k++] = 0x0d;
    o[k++] = 0x0a;
    return k;
}

enum { SYN = 2, ACK = 16, PSH = 8 };

int main(int argc, char **argv)
{
    if (argc != 5) { fprintf(stderr, "usage: mkfleet N ROUNDS INTERVAL_S OUT.pcap\n"); return 2; }
    long n = atol(argv[1]), rounds = atol(argv[2]), interval = atol(argv[3]);
    if (n < 1 || n > 4000000 || rounds < 0 || interval < 1) { fprintf(stderr, "mkfleet: bad numbers\n"); return 2; }
    out = fopen(argv[4], "wb");
    if (!out) { perror(argv[4]); return 1; }
    le32(0xa1b2c3d4);
    fwrite("\x02\x00\x04\x00", 1, 4, out);
    le32(0);
    le32(0);
    le32(65535);
    le32(101);                                       /* LINKTYPE_RAW */
    const uint32_t srv = 0xC0000201;                 /* 192.0.2.1 */
    const int64_t t0 = 1795000000LL * 1000000;       /* capture time, us */
    uint32_t *cseq = calloc((size_t)n, sizeof *cseq), *sseq = calloc((size_t)n, sizeof *sseq);
    if (!cseq || !sseq) return 1;
    uint8_t buf[128], c[64];
    for (long r = 0; r <= rounds; r++) {
        for (long i = 0; i < n; i++) {
            int64_t us = t0 + r * interval * 1000000LL + i * (interval * 1000000LL / n);
            uint32_t cli = 0x0A000000u | (uint32_t)(i + 1);
            uint16_t cport = (uint16_t)(20000 + i % 40000);
            size_t k;
            if (r == 0) {
                cseq[i] = 1000;
                sseq[i] = 5000;
                packet(us, cli, cport, srv, 5023, SYN, cseq[i]++, 0, NULL, 0);
                packet(us + 100, srv, 5023, cli, cport, SYN | ACK, sseq[i]++, cseq[i], NULL, 0);
                packet(us + 200, cli, cport, srv, 5023, ACK, cseq[i], sseq[i], NULL, 0);
                char imei[17];
                snprintf(imei, sizeof imei, "0%015ld", 860000000000000L + i);
                for (int b = 0; b < 8; b++) c[b] = (uint8_t)((imei[2 * b] - '0') << 4 | (imei[2 * b + 1] - '0'));
                k = frame(buf, 0x01, c, 8, 1, 0);
            } else {
                memset(c, 0, 26);
                c[0] = 26; c[1] = 11; c[2] = 18;         /* 2026-11-18 */
                c[3] = (uint8_t)(r % 24); c[4] = (uint8_t)(i % 60); c[5] = 0;
                c[6] = 0xC8;
                put32(c + 7, (uint32_t)((40.0 + (double)(i % 1000) / 1000) * 1800000.0));
                put32(c + 11, (uint32_t)((20.0 + (double)(i / 1000 % 1000) / 1000) * 1800000.0));
                c[15] = 30;
                put16(c + 16, (1u << 12) | (1u << 10) | 90);
                k = frame(buf, 0x12, c, 26, (unsigned)(r + 1), r == rounds && i % 1000 == 999);
            }
            packet(us + 1000, cli, cport, srv, 5023, PSH | ACK, cseq[i], sseq[i], buf, k);
            cseq[i] += (uint32_t)k;
            unsigned proto = r == 0 ? 0x01 : 0x12;
            k = frame(buf, proto, NULL, 0, (unsigned)(r + 1), 0);
            packet(us + 6000, srv, 5023, cli, cport, PSH | ACK, sseq[i], cseq[i], buf, k);
            sseq[i] += (uint32_t)k;
        }
    }
    free(cseq);
    free(sseq);
    if (fclose(out) != 0) { perror(argv[4]); return 1; }
    return 0;
}
