/* fuzz_navtelecom.c: libFuzzer target for the Navtelecom NTCB/FLEX dissector;
 * besides the shared runs (fuzz_dissector.h), one with a FLEX record layout in
 * the state, as if negotiated, taken from the input. */
#include "fuzz_dissector.h"

static void flex_layout(struct trk_state *st, const uint8_t *data, size_t size)
{
    struct trk_rd r;
    rd_init(&r, data, size);
    if (size < 5) return;
    st->last[0] = (uint32_t)(1 + rd_peek(&r, 1) % 200) | 0x0A0A0000u;
    st->last[1] = (uint32_t)rd_peek(&r, 2) << 24 | (uint32_t)rd_peek(&r, 3) << 16 | (uint32_t)rd_peek(&r, 4) << 8;
}

FUZZ_DISSECTOR(dissector_navtelecom, flex_layout)
