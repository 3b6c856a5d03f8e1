/* framer.h: turns one direction of a byte stream into messages with a dissector.
 *
 * Shared by the session layer, `trackdump decode`, the corpus tests and the
 * fuzzers, so every path frames, resynchronises and reports garbage the same way. */
#ifndef TRK_FRAMER_H
#define TRK_FRAMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dissect.h"

#define FRAMER_GARBAGE_KEEP 512          /* bytes of skipped garbage kept for the hex dump */
#define FRAMER_MAX_PENDING  (256 * 1024) /* unparsed bytes kept before forcing a resync */

struct framer {
    uint8_t *buf;            /* pending bytes not yet framed (owned): buf[start..len) */
    size_t start, len, cap;
    const uint8_t *in;       /* borrowed input between framer_begin and framer_end */
    size_t in_len, in_off;
    size_t garbage;          /* bytes skipped since the last message */
    uint8_t gbuf[FRAMER_GARBAGE_KEEP];
    bool after_gap;          /* the skipped bytes follow a capture gap */
    struct trk_scan scan;    /* frame()'s place in buf[start..], for a long scan */
    size_t max_pending;
    bool whole_input;        /* the input holds whole messages (decode, tests): at the end,
                                a message without its terminator is not "incomplete" */
    /* counters */
    uint64_t n_skipped, n_resyncs, gap_dropped;
};

void framer_init(struct framer *f);
void framer_free(struct framer *f);

/* New bytes of the stream; borrowed until framer_end(). */
void framer_begin(struct framer *f, const uint8_t *p, size_t n);
/* Next message into m; false when more bytes are needed.  m->raw points into
 * the framer's or the caller's bytes and is valid until the next call. */
bool framer_next(struct framer *f, const struct dissector *d, struct trk_state *st,
                 enum trk_dir dir, struct trk_msg *m);
/* Keep what was not consumed (copied) for the next framer_begin(). */
void framer_end(struct framer *f);
/* End of stream: leftover bytes become messages; call until false.  In a capture the
 * leftover is an incomplete message (malformed); with whole_input it is decoded as is
 * and the dissector judges it (a pasted text line may lack its line end). */
bool framer_flush(struct framer *f, const struct dissector *d, struct trk_state *st,
                  enum trk_dir dir, struct trk_msg *m);
/* The capture lost `gap` bytes here: framing restarts after them.  Returns true when
 * bytes of an incomplete message were pending: m then reports them (type
 * "fragment", malformed), raw bytes included, valid until the next framer call. */
bool framer_gap(struct framer *f, const struct dissector *d, enum trk_dir dir, unsigned transport,
                size_t gap, struct trk_msg *m);

/* Decode one complete message or datagram (no framing). */
void framer_decode(const struct dissector *d, struct trk_state *st, enum trk_dir dir,
                   unsigned transport, const uint8_t *p, size_t n, struct trk_msg *m);

#endif
