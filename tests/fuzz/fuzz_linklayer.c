/* fuzz_linklayer.c: libFuzzer target for the link-layer normaliser.
 * Input: one byte choosing the link type, then the captured frame.  An IP
 * packet handed on must lie inside the frame, be no longer than its wire
 * length, start with its family's version nibble, and hold a whole header. */
#include <stdint.h>
#include <stdlib.h>

#include "linklayer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t k = data[0] % (ll_ntypes + 1);
    int dlt = k < ll_ntypes ? ll_types[k] : DLT_PPP;   /* every type read, then one that is not */
    const uint8_t *frame = data + 1;
    size_t caplen = size - 1;
    struct l3pkt ip;
    enum ll_result r = ll_normalise(dlt, frame, caplen, &ip);
    if (r == LL_IP) {
        if (!ll_supported(dlt)) __builtin_trap();
        if (ip.ip < frame || ip.ip + ip.len > frame + caplen || ip.len > ip.wire_len) __builtin_trap();
        if (ip.family == 4 && (ip.len < 20 || ip.ip[0] >> 4 != 4 || (size_t)(ip.ip[0] & 15) * 4 > ip.wire_len))
            __builtin_trap();
        if (ip.family == 6 && (ip.len < 40 || ip.ip[0] >> 4 != 6)) __builtin_trap();
        if (ip.family != 4 && ip.family != 6) __builtin_trap();
        volatile uint8_t sum = 0;              /* every byte handed on is readable */
        for (size_t i = 0; i < ip.len; i++) sum ^= ip.ip[i];
        (void)sum;
    } else if (r != LL_NOT_IP && r != LL_TRUNCATED && r != LL_BAD_IP) {
        __builtin_trap();
    }
    (void)ll_name(dlt);
    return 0;
}
