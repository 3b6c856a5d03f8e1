/* fuzzseeds.c: seed corpora for the fuzz targets that do not take one
 * dissector's messages as they are (tests/fuzz/fuzz_{linklayer,session,decode}.c
 * and the per-dissector targets from capture payloads).
 *   fuzzseeds linklayer OUTDIR PCAP...   every frame, after its link-type byte
 *   fuzzseeds session TSV OUTDIR         corpus rows, and each protocol's rows as one stream
 *   fuzzseeds decode TSV OUTDIR          corpus rows as hex lines, three to an input
 *   fuzzseeds hex OUTDIR PREFIX          hex lines of standard input, one file each */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect.h"
#include "linklayer.h"

static int nfiles;

static void put(const char *dir, const char *name, const void *head, size_t hn, const void *p, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.bin", dir, name);
    FILE *o = fopen(path, "wb");
    if (!o) { perror(path); exit(1); }
    if ((hn && fwrite(head, 1, hn, o) != hn) || (n && fwrite(p, 1, n, o) != n) || fclose(o)) {
        perror(path);
        exit(1);
    }
    nfiles++;
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (; s[0] && s[1] && n < cap; s += 2) {
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1) break;
        out[n++] = (uint8_t)v;
    }
    return n;
}

static int index_of(const struct dissector *d)
{
    for (int i = 0; trk_dissectors[i]; i++)
        if (trk_dissectors[i] == d) return i;
    return -1;
}

static int linklayer(const char *dir, int n, char **files)
{
    for (int i = 0; i < n; i++) {
        char eb[PCAP_ERRBUF_SIZE];
        pcap_t *p = pcap_open_offline(files[i], eb);
        if (!p) { fprintf(stderr, "fuzzseeds: %s\n", eb); return 1; }
        int dlt = pcap_datalink(p), ix = -1;
        for (size_t k = 0; k < ll_ntypes; k++)      /* the byte fuzz_linklayer reads */
            if (ll_types[k] == dlt) ix = (int)k;
        struct pcap_pkthdr *h;
        const u_char *d;
        uint8_t b = (uint8_t)ix;
        for (int k = 0; ix >= 0 && k < 40 && pcap_next_ex(p, &h, &d) == 1; k++) {
            char name[256];
            const char *base = strrchr(files[i], '/');
            snprintf(name, sizeof name, "%s-%d", base ? base + 1 : files[i], k);
            put(dir, name, &b, 1, d, h->caplen);
        }
        pcap_close(p);
    }
    return 0;
}

struct row { char id[128]; const struct dissector *d; int udp; uint8_t *b; size_t n; char *hex; };

static struct row *rows;
static size_t nrows;

static int read_tsv(const char *tsv)
{
    FILE *f = fopen(tsv, "r");
    if (!f) { perror(tsv); return 1; }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        char *id = strtok(line, "\t"), *proto = strtok(NULL, "\t"), *tr = strtok(NULL, "\t");
        strtok(NULL, "\t");
        char *hex = strtok(NULL, "\t");
        const struct dissector *d = proto ? dissector_find(proto) : NULL;
        if (!id || !tr || !hex || !d) continue;
        struct row *nr = realloc(rows, (nrows + 1) * sizeof *rows);
        if (!nr) return 1;
        rows = nr;
        struct row *r = &rows[nrows++];
        snprintf(r->id, sizeof r->id, "%s", id);
        r->d = d;
        r->udp = strcmp(tr, "UDP") == 0;
        r->hex = strdup(hex);
        r->b = malloc(strlen(hex) / 2 + 1);
        if (!r->hex || !r->b) return 1;
        r->n = unhex(hex, r->b, strlen(hex) / 2);
    }
    free(line);
    fclose(f);
    return 0;
}

static int session(const char *dir)
{
    static uint8_t stream[65536];
    for (size_t i = 0; i < nrows; i++) {
        struct row *r = &rows[i];
        uint8_t head[4] = {(uint8_t)index_of(r->d), (uint8_t)(r->udp ? 1 : 0), (uint8_t)i, (uint8_t)(i >> 8)};
        put(dir, r->id, head, 4, r->b, r->n);
    }
    for (int k = 0; trk_dissectors[k]; k++) {       /* each protocol's rows as one connection */
        size_t n = 0;
        for (size_t i = 0; i < nrows; i++)
            if (rows[i].d == trk_dissectors[k] && !rows[i].udp && n + rows[i].n <= sizeof stream) {
                memcpy(stream + n, rows[i].b, rows[i].n);
                n += rows[i].n;
            }
        if (!n) continue;
        uint8_t head[4] = {(uint8_t)k, 2 | 4, (uint8_t)k, 7};
        char name[64];
        snprintf(name, sizeof name, "stream-%s", trk_dissectors[k]->name);
        put(dir, name, head, 4, stream, n);
    }
    return 0;
}

static int decode(const char *dir)
{
    static char text[1 << 20];
    for (size_t i = 0; i < nrows; i += 3) {
        size_t n = 0;
        for (size_t j = i; j < i + 3 && j < nrows && rows[j].d == rows[i].d; j++)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s\n", rows[j].hex);
        if (n >= sizeof text) continue;
        uint8_t head[2] = {(uint8_t)((i % 2 ? 64 : 0) | (rows[i].udp ? 16 : 0) | (i % 4 == 1 ? 1 : 0)),
                           (uint8_t)index_of(rows[i].d)};
        put(dir, rows[i].id, head, 2, text, n);
    }
    return 0;
}

static int hexlines(const char *dir, const char *prefix)
{
    char *line = NULL;
    size_t cap = 0;
    int k = 0;
    while (getline(&line, &cap, stdin) > 0) {
        uint8_t *b = malloc(strlen(line) / 2 + 1);
        if (!b) return 1;
        size_t n = unhex(line, b, strlen(line) / 2);
        char name[256];
        snprintf(name, sizeof name, "%s-%d", prefix, k++);
        if (n) put(dir, name, NULL, 0, b, n);
        free(b);
    }
    free(line);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;
    if (argc >= 3 && strcmp(argv[1], "linklayer") == 0) rc = linklayer(argv[2], argc - 3, argv + 3);
    else if (argc == 4 && strcmp(argv[1], "session") == 0) rc = read_tsv(argv[2]) ? 1 : session(argv[3]);
    else if (argc == 4 && strcmp(argv[1], "decode") == 0) rc = read_tsv(argv[2]) ? 1 : decode(argv[3]);
    else if (argc == 4 && strcmp(argv[1], "hex") == 0) rc = hexlines(argv[2], argv[3]);
    else fprintf(stderr, "usage: fuzzseeds linklayer|session|decode|hex ...\n");
    for (size_t i = 0; i < nrows; i++) { free(rows[i].b); free(rows[i].hex); }
    free(rows);
    if (rc == 0) printf("%d seeds\n", nfiles);
    return rc;
}
