/* fuzz_dissector.h: the body shared by every dissector's libFuzzer target.
 * For one input: probe() on both transports stays within 0..100; frame() never
 * claims more bytes than it was given; the input runs as a TCP stream through
 * the framer in both directions, whole, in two pieces split at a point taken
 * from the input, and in varying chunks, as a capture and as a whole input; and
 * as UDP datagrams where the protocol uses UDP.  Every message's problem bytes
 * lie within its frame.  Each run starts from a fresh session state, which a
 * target may prepare (e.g. a negotiated record layout). */
#ifndef TRK_FUZZ_DISSECTOR_H
#define TRK_FUZZ_DISSECTOR_H

#include <stdint.h>
#include <string.h>

#include "dissect.h"
#include "framer.h"

typedef void (*fz_prepare_fn)(struct trk_state *st, const uint8_t *data, size_t size);

static struct trk_msg fz_msg;

static void fz_state(struct trk_state *st, unsigned transport, fz_prepare_fn prep, const uint8_t *data,
                     size_t size)
{
    memset(st, 0, sizeof *st);
    st->transport = transport;
    if (prep) prep(st, data, size);
}

/* a message as the framer hands it on: its raw bytes are there, and the
 * problem's byte range, when one is named, lies within them and goes with a
 * problem */
static void fz_take(void)
{
    const struct trk_msg *m = &fz_msg;
    if (m->rawlen > 0 && !m->raw) __builtin_trap();
    if (m->has_problem_span) {
        if (m->status == TRK_OK || m->problem_len == 0) __builtin_trap();
        if (m->problem_off > m->rawlen || m->problem_len > m->rawlen - m->problem_off) __builtin_trap();
    }
}

/* the stream in pieces: `step` 0 = two pieces split at `split`, else chunks of varying size */
static void fz_stream(const struct dissector *d, fz_prepare_fn prep, const uint8_t *data, size_t size,
                      enum trk_dir dir, size_t split, size_t step, bool whole)
{
    struct trk_state st;
    struct framer f;
    fz_state(&st, TRK_TCP, prep, data, size);
    framer_init(&f);
    f.whole_input = whole;
    for (size_t off = 0; off < size;) {
        size_t c = step ? (size - off < step ? size - off : step) : (off == 0 ? split : size - off);
        if (c == 0) c = size - off;
        framer_begin(&f, data + off, c);
        while (framer_next(&f, d, &st, dir, &fz_msg)) fz_take();
        framer_end(&f);
        off += c;
        if (step) step = step * 3 % 31 + 1;
    }
    while (framer_flush(&f, d, &st, dir, &fz_msg)) fz_take();
    framer_free(&f);
}

static int fz_dissector(const struct dissector *d, fz_prepare_fn prep, const uint8_t *data, size_t size)
{
    for (unsigned t = TRK_TCP; t <= TRK_UDP; t++) {
        int c = d->probe ? d->probe(data, size, t) : 0;
        if (c < 0 || c > 100) __builtin_trap();
    }
    size_t split = size ? (size_t)(data[0] * 7u) % (size + 1) : 0;
    size_t step = size ? (size_t)(data[0] % 23) + 1 : 1;
    for (int dir = 0; dir < 2 && (d->transports & TRK_TCP); dir++) {
        struct trk_state st;
        fz_state(&st, TRK_TCP, prep, data, size);
        long r = d->frame(data, size, (enum trk_dir)dir, &st);
        if ((r > 0 && (size_t)r > size) || (r < 0 && (size_t)(-r) > size)) __builtin_trap();
        fz_stream(d, NULL, data, size, (enum trk_dir)dir, size, 0, false);
        fz_stream(d, NULL, data, size, (enum trk_dir)dir, split, 0, false);
        fz_stream(d, NULL, data, size, (enum trk_dir)dir, split, 0, true);
        fz_stream(d, NULL, data, size, (enum trk_dir)dir, 0, step, false);
        if (prep) fz_stream(d, prep, data, size, (enum trk_dir)dir, split, 0, false);
    }
    for (int dir = 0; dir < 2 && (d->transports & TRK_UDP); dir++) {
        struct trk_state st;
        fz_state(&st, TRK_UDP, prep, data, size);
        framer_decode(d, &st, (enum trk_dir)dir, TRK_UDP, data, size, &fz_msg);
        fz_take();
        framer_decode(d, &st, (enum trk_dir)dir, TRK_UDP, data + split, size - split, &fz_msg);
        fz_take();
    }
    return 0;
}

/* a target: FUZZ_DISSECTOR(dissector_gt06, NULL) */
#define FUZZ_DISSECTOR(sym, prep)                                               \
    extern const struct dissector sym;                                          \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);               \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                \
    {                                                                           \
        return fz_dissector(&sym, prep, data, size);                            \
    }

#endif
