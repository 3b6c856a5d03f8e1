/* fuzz_teltonika.c: libFuzzer target for the Teltonika dissector; besides the
 * shared runs (fuzz_dissector.h), one with the session flags (login answer
 * pending, login seen) taken from the input. */
#include "fuzz_dissector.h"

static void session_flags(struct trk_state *st, const uint8_t *data, size_t size)
{
    struct trk_rd r;
    rd_init(&r, data, size);
    st->flags = size ? (uint32_t)rd_peek(&r, size - 1) & 0x3u : 0;
}

FUZZ_DISSECTOR(dissector_teltonika, session_flags)
