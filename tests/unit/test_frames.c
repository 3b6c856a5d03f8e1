/* test_frames.c: framing conformance.  Every row of the corpus's frame table
 * (tests/corpus/traccar-frames.tsv) for a protocol we dissect must give exactly
 * the expected frames, in order, when its input is fed as one whole stream (so
 * the end of the input ends the stream): at once, byte by byte, and in random
 * chunkings.  A row expecting no frame must give none before the end of input.
 * Skipped bytes are not frames.  The corpus's frames are its framer's output,
 * which strips some delimiters and undoes escapes (corpus README): our frames,
 * raw wire bytes, are compared after the same transformation.
 *   usage: test_frames TSV */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dissect.h"
#include "framer.h"

#define MAXF 64
static unsigned char frames[MAXF][4096];
static size_t flen[MAXF];
static int nframes;
static struct trk_msg msg;

static int nnext;          /* frames before the end of input */
static const char *proto;

static size_t strip_tail(const uint8_t *p, size_t n, const char *tail)
{
    size_t k = strlen(tail);
    return n >= k && memcmp(p + n - k, tail, k) == 0 ? n - k : n;
}

/* the corpus framer's transformation of a wire frame (corpus README, traccar-frames.tsv) */
static size_t normalise(const uint8_t *p, size_t n, uint8_t *out)
{
    size_t o = 0;
    if (strcmp(proto, "jt808") == 0 || strcmp(proto, "watch") == 0 || strcmp(proto, "gosafe") == 0) {
        bool jt = proto[0] == 'j', watch = proto[0] == 'w';
        uint8_t esc = (jt || watch) ? 0x7d : 0x1b;
        for (size_t i = 0; i < n; i++) {
            if (p[i] == esc && i + 1 < n && i > 0 && i + 1 < n - 1) {
                uint8_t x = p[i + 1];
                if (jt && (x == 1 || x == 2)) { out[o++] = x == 1 ? 0x7d : 0x7e; i++; continue; }
                if (watch && x >= 1 && x <= 5) { static const uint8_t w[] = {0, 0x7d, 0x5b, 0x5d, 0x2c, 0x2a};
                                                 out[o++] = w[x]; i++; continue; }
                if (!jt && !watch && x == 0) { out[o++] = 0x1b; i++; continue; }
                if (!jt && !watch && x == 0xe3) { out[o++] = 0xf8; i++; continue; }
            }
            out[o++] = p[i];
        }
        return o;
    }
    if (strcmp(proto, "suntech") == 0) n = strip_tail(p, n, "\r");
    else if (strcmp(proto, "h02") == 0) while (n && (p[n - 1] == '\r' || p[n - 1] == '\n')) n--;
    else if (strcmp(proto, "queclink") == 0 && n && p[0] == '+' && n > 1 && p[1] >= 'A' && p[1] <= 'Z')
        n = strip_tail(p, n, "$");
    else if (strcmp(proto, "arnavi") == 0 && n && p[0] == '$') n = strip_tail(p, n, "\r\n");
    memcpy(out, p, n);
    return n;
}

static void take(const struct trk_msg *m)
{
    if (strcmp(m->type, "garbage") == 0) return;     /* skipped bytes are not a frame */
    if (nframes < MAXF && m->raw && m->rawlen <= sizeof frames[0])
        flen[nframes] = normalise(m->raw, m->rawlen, frames[nframes]);
    nframes++;
}

/* feed `in` in chunks (chunk 0 = whole, 1 = byte by byte, else random sizes up to chunk) */
static void run(const struct dissector *d, const unsigned char *in, size_t n, size_t chunk, unsigned seed)
{
    struct framer fr;
    struct trk_state st;
    memset(&st, 0, sizeof st);
    st.transport = TRK_TCP;
    framer_init(&fr);
    nframes = 0;
    srand(seed);
    for (size_t off = 0; off < n;) {
        size_t k = chunk == 0 ? n : chunk == 1 ? 1 : 1 + (size_t)rand() % chunk;
        if (k > n - off) k = n - off;
        framer_begin(&fr, in + off, k);
        while (framer_next(&fr, d, &st, TRK_UP, &msg)) take(&msg);
        framer_end(&fr);
        off += k;
    }
    nnext = nframes;
    while (framer_flush(&fr, d, &st, TRK_UP, &msg)) take(&msg);   /* the input is the whole stream */
    framer_free(&fr);
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: test_frames TSV\n"); return 2; }
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror(argv[1]); return 1; }
    char *line = NULL;
    size_t cap = 0;
    static unsigned char in[1 << 16], want[MAXF][4096];
    size_t wlen[MAXF];
    int rows = 0;
    while (getline(&line, &cap, f) > 0) {
        char *id = strtok(line, "\t"), *pname = strtok(NULL, "\t"), *hex = strtok(NULL, "\t"),
             *exp = strtok(NULL, "\t");
        if (!id || !pname || !hex || !exp || strcmp(id, "id") == 0) continue;
        const struct dissector *d = dissector_find(pname);
        if (!d) continue;
        proto = d->name;
        size_t n = check_unhex(hex, in, sizeof in);
        int nwant = 0;
        for (char *q = strchr(exp, '"'); q && nwant < MAXF; q = strchr(q + 1, '"')) {
            char *e = strchr(q + 1, '"');
            if (!e) break;
            *e = 0;
            wlen[nwant] = check_unhex(q + 1, want[nwant], sizeof want[0]);
            nwant++;
            q = e;
        }
        rows++;
        static const size_t chunks[] = {0, 1, 3, 7, 16, 64};
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++)
            for (unsigned seed = 1; seed <= (chunks[c] > 1 ? 5u : 1u); seed++) {
                run(d, in, n, chunks[c], seed);
                bool ok = nwant == 0 ? nnext == 0 : nframes >= nwant;
                for (int i = 0; ok && i < nwant; i++)
                    ok = flen[i] == wlen[i] && memcmp(frames[i], want[i], wlen[i]) == 0;
                if (ok) check_pass++;
                else {
                    check_fail++;
                    printf("FAIL %s (chunk %zu, seed %u): %d frames, expected %d", id, chunks[c], seed, nframes, nwant);
                    for (int i = 0; i < nframes && i < nwant; i++)
                        if (flen[i] != wlen[i] || memcmp(frames[i], want[i], wlen[i]) != 0)
                            { printf("; frame %d is %zu bytes, expected %zu", i + 1, flen[i], wlen[i]); break; }
                    printf("\n");
                }
            }
    }
    free(line);
    fclose(f);
    printf("%d frame rows checked\n", rows);
    return check_done("frames");
}
