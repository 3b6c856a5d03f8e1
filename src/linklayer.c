/* linklayer.c: the normaliser.  Every link type we read (Ethernet with any stack
 * of 802.1Q/802.1ad tags, Linux cooked v1 and v2, BSD NULL/LOOP, raw IP) becomes
 * an IP packet pointer clipped to the IP total length. */
#include "linklayer.h"
#include "rd.h"

const int ll_types[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP, DLT_RAW, DLT_IPV4, DLT_IPV6};
const size_t ll_ntypes = sizeof ll_types / sizeof ll_types[0];

int ll_supported(int dlt)
{
    for (size_t i = 0; i < ll_ntypes; i++)
        if (ll_types[i] == dlt) return 1;
    return 0;
}

const char *ll_name(int dlt)
{
    switch (dlt) {
    case DLT_EN10MB: return "EN10MB (Ethernet)";
    case DLT_LINUX_SLL: return "LINUX_SLL (Linux cooked v1)";
    case DLT_LINUX_SLL2: return "LINUX_SLL2 (Linux cooked v2)";
    case DLT_NULL: return "NULL (BSD loopback)";
    case DLT_LOOP: return "LOOP (OpenBSD loopback)";
    case DLT_RAW: return "RAW (raw IP)";
    case DLT_IPV4: return "IPV4";
    case DLT_IPV6: return "IPV6";
    default: return "unsupported";
    }
}

/* the IP packet at the reader's cursor, by ethertype-like family hint (0 = by version) */
static enum ll_result ip_at(struct trk_rd *r, int family_hint, struct l3pkt *out)
{
    size_t left = rd_left(r);
    const uint8_t *ip = rd_peek_span(r, r->off, left);
    int v = rd_peek(r, r->off);
    if (v < 0) return LL_TRUNCATED;
    int version = v >> 4;
    if (family_hint && family_hint != version) return LL_BAD_IP;
    if (version == 4) {
        uint64_t tot;
        if (left < 20 || !rd_peek_be(r, r->off + 2, 2, &tot)) return LL_TRUNCATED;
        size_t ihl = (size_t)(v & 15) * 4;
        if (ihl < 20 || tot < ihl) return LL_BAD_IP;
        out->family = 4;
        out->wire_len = (size_t)tot;
        out->len = left < tot ? left : (size_t)tot;
    } else if (version == 6) {
        uint64_t plen;
        if (left < 40 || !rd_peek_be(r, r->off + 4, 2, &plen)) return LL_TRUNCATED;
        out->family = 6;
        out->wire_len = 40 + (size_t)plen;
        out->len = left < out->wire_len ? left : out->wire_len;
    } else {
        return LL_NOT_IP;
    }
    out->ip = ip;
    return LL_IP;
}

static enum ll_result by_ethertype(struct trk_rd *r, unsigned et, struct l3pkt *out)
{
    if (et == 0x0800) return ip_at(r, 4, out);
    if (et == 0x86DD) return ip_at(r, 6, out);
    return LL_NOT_IP;
}

/* BSD address family values for IPv4 and the several IPv6 ones */
static enum ll_result by_af(struct trk_rd *r, uint32_t af, struct l3pkt *out)
{
    if (af == 2) return ip_at(r, 4, out);
    if (af == 10 || af == 24 || af == 28 || af == 30) return ip_at(r, 6, out);
    return LL_NOT_IP;
}

enum ll_result ll_normalise(int dlt, const uint8_t *frame, size_t caplen, struct l3pkt *out)
{
    struct trk_rd r;
    rd_init(&r, frame, caplen);
    switch (dlt) {
    case DLT_EN10MB: {
        rd_skip(&r, 12);
        unsigned et = rd_be16(&r);
        for (int tags = 0; (et == 0x8100 || et == 0x88A8 || et == 0x9100) && tags < 8; tags++) {
            rd_skip(&r, 2);
            et = rd_be16(&r);
        }
        if (r.err) return LL_TRUNCATED;
        return by_ethertype(&r, et, out);
    }
    case DLT_LINUX_SLL: {
        rd_skip(&r, 14);
        unsigned et = rd_be16(&r);
        if (r.err) return LL_TRUNCATED;
        return by_ethertype(&r, et, out);
    }
    case DLT_LINUX_SLL2: {
        unsigned et = rd_be16(&r);
        rd_skip(&r, 18);
        if (r.err) return LL_TRUNCATED;
        return by_ethertype(&r, et, out);
    }
    case DLT_NULL: {           /* host byte order of the capturing machine: accept both */
        uint32_t le = rd_le32(&r);
        if (r.err) return LL_TRUNCATED;
        uint32_t be = ((le & 0xFF) << 24) | ((le & 0xFF00) << 8) | ((le >> 8) & 0xFF00) | (le >> 24);
        return by_af(&r, le < 256 ? le : be, out);
    }
    case DLT_LOOP: {
        uint32_t af = rd_be32(&r);
        if (r.err) return LL_TRUNCATED;
        return by_af(&r, af, out);
    }
    case DLT_RAW: case DLT_IPV4: case DLT_IPV6:
        return ip_at(&r, dlt == DLT_IPV4 ? 4 : dlt == DLT_IPV6 ? 6 : 0, out);
    default:
        return LL_NOT_IP;
    }
}
