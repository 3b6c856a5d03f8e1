/* fuzz_cellocator.c: libFuzzer target for the Cellocator dissector: probe(), then the input
 * as a TCP stream through the framer in both directions, whole and in two
 * pieces split at a point taken from the input, and as UDP datagrams, each on a
 * fresh session state. */
#include <stdint.h>
#include <string.h>

#include "dissect.h"
#include "framer.h"

extern const struct dissector dissector_cellocator;

static struct trk_msg msg;

static void run(const uint8_t *data, size_t size, enum trk_dir dir, size_t split)
{
    struct trk_state st;
    struct framer f;
    memset(&st, 0, sizeof st);
    st.transport = TRK_TCP;
    framer_init(&f);
    framer_begin(&f, data, split);
    while (framer_next(&f, &dissector_cellocator, &st, dir, &msg)) {}
    framer_end(&f);
    if (split < size) {
        framer_begin(&f, data + split, size - split);
        while (framer_next(&f, &dissector_cellocator, &st, dir, &msg)) {}
        framer_end(&f);
    }
    while (framer_flush(&f, &dissector_cellocator, &st, dir, &msg)) {}
    framer_free(&f);
}

static void run_udp(const uint8_t *data, size_t size, enum trk_dir dir)
{
    struct trk_state st;
    memset(&st, 0, sizeof st);
    st.transport = TRK_UDP;
    framer_decode(&dissector_cellocator, &st, dir, TRK_UDP, data, size, &msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)dissector_cellocator.probe(data, size, TRK_TCP);
    (void)dissector_cellocator.probe(data, size, TRK_UDP);
    size_t split = size ? (size_t)(data[0] * 7u) % (size + 1) : 0;
    if (dissector_cellocator.transports & TRK_TCP) {
        run(data, size, TRK_UP, size);
        run(data, size, TRK_DOWN, size);
        run(data, size, TRK_UP, split);
        run(data, size, TRK_DOWN, split);
    }
    if (dissector_cellocator.transports & TRK_UDP) {
        run_udp(data, size, TRK_UP);
        run_udp(data, size, TRK_DOWN);
    }
    return 0;
}
