/* fuzz_navtelecom.c: libFuzzer target for the Navtelecom NTCB/FLEX dissector:
 * probe(), then the input as a TCP stream through the framer in both
 * directions, whole and in two pieces split at a point taken from the input,
 * each on a fresh session state, and once more with a FLEX record layout in
 * the state. */
#include <stdint.h>
#include <string.h>

#include "dissect.h"
#include "framer.h"

extern const struct dissector dissector_navtelecom;

static struct trk_msg msg;

static void run(const uint8_t *data, size_t size, enum trk_dir dir, size_t split, int flex)
{
    struct trk_state st;
    struct framer f;
    memset(&st, 0, sizeof st);
    st.transport = TRK_TCP;
    /* a FLEX session: the record layout as if negotiated, taken from the input */
    if (flex && size >= 5) {
        st.last[0] = (uint32_t)(1 + data[1] % 200) | 0x0A0A0000u;
        st.last[1] = (uint32_t)data[2] << 24 | (uint32_t)data[3] << 16 | (uint32_t)data[4] << 8;
    }
    framer_init(&f);
    framer_begin(&f, data, split);
    while (framer_next(&f, &dissector_navtelecom, &st, dir, &msg)) {}
    framer_end(&f);
    if (split < size) {
        framer_begin(&f, data + split, size - split);
        while (framer_next(&f, &dissector_navtelecom, &st, dir, &msg)) {}
        framer_end(&f);
    }
    while (framer_flush(&f, &dissector_navtelecom, &st, dir, &msg)) {}
    framer_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)dissector_navtelecom.probe(data, size, TRK_TCP);
    (void)dissector_navtelecom.probe(data, size, TRK_UDP);
    size_t split = size ? (size_t)(data[0] * 7u) % (size + 1) : 0;
    run(data, size, TRK_UP, size, 0);
    run(data, size, TRK_DOWN, size, 0);
    run(data, size, TRK_UP, split, 0);
    run(data, size, TRK_DOWN, split, 0);
    run(data, size, TRK_UP, split, 1);
    return 0;
}
