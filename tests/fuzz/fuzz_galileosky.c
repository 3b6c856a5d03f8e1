/* fuzz_galileosky.c: libFuzzer target for the Galileosky dissector: probe(), then the input
 * as a TCP stream through the framer in both directions, whole and in two
 * pieces split at a point taken from the input, each on a fresh session state. */
#include <stdint.h>
#include <string.h>

#include "dissect.h"
#include "framer.h"

extern const struct dissector dissector_galileosky;

static struct trk_msg msg;

static void run(const uint8_t *data, size_t size, enum trk_dir dir, size_t split, bool whole)
{
    struct trk_state st;
    struct framer f;
    memset(&st, 0, sizeof st);
    st.transport = TRK_TCP;
    framer_init(&f);
    f.whole_input = whole;
    framer_begin(&f, data, split);
    while (framer_next(&f, &dissector_galileosky, &st, dir, &msg)) {}
    framer_end(&f);
    if (split < size) {
        framer_begin(&f, data + split, size - split);
        while (framer_next(&f, &dissector_galileosky, &st, dir, &msg)) {}
        framer_end(&f);
    }
    while (framer_flush(&f, &dissector_galileosky, &st, dir, &msg)) {}
    framer_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)dissector_galileosky.probe(data, size, TRK_TCP);
    (void)dissector_galileosky.probe(data, size, TRK_UDP);
    size_t split = size ? (size_t)(data[0] * 7u) % (size + 1) : 0;
    run(data, size, TRK_UP, size, false);
    run(data, size, TRK_DOWN, size, false);
    run(data, size, TRK_UP, split, true);
    run(data, size, TRK_DOWN, split, true);
    return 0;
}
