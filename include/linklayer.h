/* linklayer.h: turns a captured frame of any supported link type into an IP packet. */
#ifndef TRK_LINKLAYER_H
#define TRK_LINKLAYER_H

#include <pcap/dlt.h>
#include <stddef.h>
#include <stdint.h>

/* link types some libpcap headers do not name yet */
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

struct l3pkt {
    const uint8_t *ip;     /* first byte of the IPv4 or IPv6 header */
    size_t len;            /* bytes captured of it, clipped to the IP total length */
    size_t wire_len;       /* IP length on the wire (may exceed len when snapped) */
    int family;            /* 4 or 6 */
};

enum ll_result {
    LL_IP = 0,           /* out holds an IP packet */
    LL_NOT_IP,           /* ARP, LLDP, ...: not for us */
    LL_TRUNCATED,        /* the link header or IP header is cut short */
    LL_BAD_IP,           /* IP header inconsistent (IHL < 5, length < header) */
};

/* the link types ll_normalise reads, in a fixed order (the fuzz target and its
 * seeds choose a type by its index here) */
extern const int ll_types[];
extern const size_t ll_ntypes;

/* Is this DLT one we can normalise? */
int ll_supported(int dlt);
const char *ll_name(int dlt);
enum ll_result ll_normalise(int dlt, const uint8_t *frame, size_t caplen, struct l3pkt *out);

#endif
