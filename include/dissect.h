/* dissect.h: the interface every tracker protocol dissector implements.
 *
 * Dissectors are pure functions of bytes: no I/O, no globals, no printing.
 * Adding a protocol is one file in dissectors/, one line in registry.c and its
 * tests. */
#ifndef TRK_DISSECT_H
#define TRK_DISSECT_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "rd.h"

/* Per-session scratch a dissector may use between messages of one connection
 * (or one UDP peer pair).  Zeroed when the session starts. */
/* where a frame() that scans for its end stopped looking, in the bytes it was
 * last given, so that the next call (the same bytes and more) resumes there
 * instead of scanning them again: owned by the framer, which forgets it when
 * the bytes' start moves */
struct trk_scan { size_t pos; uint32_t acc; };

struct trk_state {
    unsigned transport;    /* TRK_TCP or TRK_UDP */
    uint32_t flags;        /* dissector-defined bits */
    uint32_t last[4];      /* dissector-defined small values (last codec, serial, ...) */
    struct trk_scan *scan; /* set by the framer around frame(); NULL elsewhere */
};

/* frame() results besides a positive message length */
#define TRK_FRAME_MORE 0   /* need more bytes */

struct dissector {
    const char *name;             /* CLI and JSON name: "teltonika" */
    const char *title;            /* one line for `trackdump protocols` */
    const char *const *aliases;   /* other accepted names (Traccar's), NULL-terminated, may be NULL */
    const uint16_t *ports;        /* default ports, 0-terminated */
    unsigned transports;          /* TRK_TCP | TRK_UDP */

    /* 0..100: confidence that a stream (or datagram) starting with these bytes is
     * this protocol.  Never high on weak evidence (printable ASCII alone is none). */
    int (*probe)(const uint8_t *p, size_t n, unsigned transport);

    /* TCP framing: >0 length of the next message, 0 need more bytes, <0 number of
     * bytes to skip to resynchronise (reported).  Reads through a trk_rd. */
    long (*frame)(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st);

    /* Decode one framed message (TCP) or one datagram (UDP; st->transport says which).
     * Sets m->type, m->status/problem, records, fields, m->imei when the message
     * carries the identity, and want_reply/is_reply. */
    void (*decode)(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m);
};

/* registry.c */
extern const struct dissector *const trk_dissectors[];   /* NULL-terminated */
const struct dissector *dissector_find(const char *name); /* by name or alias, case-insensitive */
/* Best probe over all dissectors allowing `transport`; returns NULL if none reaches `min_conf`. */
const struct dissector *dissector_probe(const uint8_t *p, size_t n, unsigned transport,
                                        int min_conf, int *conf);

#endif
