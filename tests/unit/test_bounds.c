/* test_bounds.c: the framer's per-direction cap on unparsed bytes.  A stream
 * that never completes a message (a dissector that always wants more, or a
 * length field of gigabytes) keeps at most FRAMER_MAX_PENDING bytes: past it
 * the framer resynchronises, one byte at a time, and every byte skipped is
 * counted and reported in a "garbage" message; the sound messages after the
 * flood all decode.  Fed in 1-byte and in 64 KiB pieces, in time linear in the
 * stream (each byte is moved a bounded number of times). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "dissect.h"
#include "framer.h"

/* a protocol of "<len:2 BE>payload" messages of up to 1000 bytes; a length of 0xFFFF
 * is a message that never ends (the framer's cap must end it), others are not a start */
static long fake_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    uint64_t len;
    rd_init(&r, p, n);
    if (!rd_peek_be(&r, 0, 2, &len)) return TRK_FRAME_MORE;
    if (len == 0xFFFF) return TRK_FRAME_MORE;
    if (len == 0 || len > 1000) return -1;
    return n >= len + 2 ? (long)(len + 2) : TRK_FRAME_MORE;
}

static void fake_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    m->type = "data";
    rd_skip(rd, rd_left(rd));
}

static const struct dissector fake = {"fake", "test protocol", NULL, NULL, TRK_TCP, NULL, fake_frame, fake_decode};
static struct trk_msg msg;

struct run { size_t max_cap, garbage_msgs, garbage_bytes, data_msgs; double secs; };

#define SOUND 60000          /* sound messages after the flood: 300,000 bytes, more than the cap */

/* `total` bytes of FF (a "never ends" header at every byte), then SOUND sound messages
 * "00 03 a b c", in pieces of `piece` bytes */
static void feed(size_t total, size_t piece, struct run *out)
{
    static uint8_t chunk[65536], sound[SOUND * 5];
    struct framer f;
    struct trk_state st;
    memset(&st, 0, sizeof st);
    st.transport = TRK_TCP;
    memset(out, 0, sizeof *out);
    framer_init(&f);
    memset(chunk, 0xFF, sizeof chunk);
    for (size_t i = 0; i < SOUND; i++) memcpy(sound + 5 * i, "\x00\x03" "abc", 5);
    clock_t t0 = clock();
    size_t all = total + sizeof sound;
    for (size_t off = 0; off < all;) {
        size_t n = all - off < piece ? all - off : piece;
        const uint8_t *p = chunk;
        if (off >= total) p = sound + (off - total);
        else if (n > total - off) n = total - off;
        framer_begin(&f, p, n);
        while (framer_next(&f, &fake, &st, TRK_UP, &msg)) {
            if (strcmp(msg.type, "garbage") == 0) {
                out->garbage_msgs++;
                CHECK(msg.status == TRK_MALFORMED);
                CHECK_CONTAINS(msg.problem, "bytes skipped: no fake frame start");
                CHECK(msg.rawlen <= FRAMER_GARBAGE_KEEP);
            } else {
                out->data_msgs++;
                CHECK_INT(msg.rawlen, 5);
            }
        }
        framer_end(&f);
        if (f.cap > out->max_cap) out->max_cap = f.cap;
        off += n;
    }
    while (framer_flush(&f, &fake, &st, TRK_UP, &msg)) {
        if (strcmp(msg.type, "garbage") == 0) out->garbage_msgs++;
        else out->data_msgs++;
        CHECK(msg.status == TRK_MALFORMED || msg.rawlen == 5);
    }
    out->garbage_bytes = (size_t)f.n_skipped;
    out->secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    framer_free(&f);
}

int main(void)
{
    struct run r;
    /* 64 MiB in 64 KiB pieces */
    feed((size_t)64 << 20, 65536, &r);
    CHECK(r.max_cap <= 2 * FRAMER_MAX_PENDING);
    CHECK_INT(r.data_msgs, SOUND);                   /* every sound message after the flood */
    CHECK_INT(r.garbage_msgs, 1);                    /* the flood, reported once */
    CHECK_INT(r.garbage_bytes, (size_t)64 << 20);    /* every byte of it counted */
    printf("64 MiB in 64 KiB pieces: peak buffer %zu bytes, %zu bytes skipped in %zu garbage messages, %.2f s\n",
           r.max_cap, r.garbage_bytes, r.garbage_msgs, r.secs);
    /* 8 MiB in 1-byte pieces: the same bound, and no quadratic copying */
    feed((size_t)8 << 20, 1, &r);
    CHECK(r.max_cap <= 2 * FRAMER_MAX_PENDING);
    CHECK_INT(r.data_msgs, SOUND);
    CHECK_INT(r.garbage_msgs, 1);
    CHECK_INT(r.garbage_bytes, (size_t)8 << 20);
    CHECK(r.secs < 5.0);
    printf("8 MiB in 1-byte pieces: peak buffer %zu bytes, %zu bytes skipped, %.2f s\n", r.max_cap, r.garbage_bytes, r.secs);
    return check_done("bounds");
}
