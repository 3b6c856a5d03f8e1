/* fuzz_teltonika.c: libFuzzer target for the Teltonika dissector.  The input goes through
 * probe(), through a stream framer in each direction (fed in uneven chunks, then flushed)
 * with a fresh session state each, and through framer_decode as a UDP datagram both ways. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dissect.h"
#include "framer.h"

extern const struct dissector dissector_teltonika;

static struct trk_msg msg;

static void stream(const uint8_t *data, size_t size, enum trk_dir dir)
{
    const struct dissector *d = &dissector_teltonika;
    struct trk_state st;
    struct framer f;
    memset(&st, 0, sizeof st);
    st.transport = TRK_TCP;
    framer_init(&f);
    /* chunk sizes from the first byte, so splits vary with the input */
    size_t step = size ? (size_t)(data[0] % 23) + 1 : 1;
    for (size_t off = 0; off < size;) {
        size_t c = size - off < step ? size - off : step;
        framer_begin(&f, data + off, c);
        while (framer_next(&f, d, &st, dir, &msg)) {
            if (msg.rawlen > 0 && !msg.raw) __builtin_trap();
        }
        framer_end(&f);
        off += c;
        step = step * 3 % 31 + 1;
    }
    while (framer_flush(&f, d, &st, dir, &msg)) {
    }
    framer_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct dissector *d = &dissector_teltonika;
    int c = d->probe(data, size, TRK_TCP);
    if (c < 0 || c > 100) __builtin_trap();
    c = d->probe(data, size, TRK_UDP);
    if (c < 0 || c > 100) __builtin_trap();

    /* frame() never claims more than it was given */
    struct trk_state st;
    memset(&st, 0, sizeof st);
    st.transport = TRK_TCP;
    for (int dir = 0; dir < 2; dir++) {
        long r = d->frame(data, size, (enum trk_dir)dir, &st);
        if (r > 0 && (size_t)r > size) __builtin_trap();
        if (r < 0 && (size_t)(-r) > size) __builtin_trap();
    }
    st.flags = 0x3;
    long r = d->frame(data, size, TRK_DOWN, &st);
    if (r > 0 && (size_t)r > size) __builtin_trap();

    stream(data, size, TRK_UP);
    stream(data, size, TRK_DOWN);

    memset(&st, 0, sizeof st);
    st.transport = TRK_UDP;
    framer_decode(d, &st, TRK_UP, TRK_UDP, data, size, &msg);
    framer_decode(d, &st, TRK_DOWN, TRK_UDP, data, size, &msg);
    return 0;
}
