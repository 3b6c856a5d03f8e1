/* dtest.h: the helpers the per-protocol unit tests (test_<proto>.c) share.
 *
 * Feed a stream through the framer whole, byte by byte or in chunks and keep
 * the messages in msgs[]; decode one message or datagram without framing;
 * probe text or hex; compare raw bytes; read a field.  Every helper takes the
 * dissector, and the direction and transport where they matter.  Static
 * inline, since each test is one translation unit linked with libtrackdump.a. */
#ifndef TRK_DTEST_H
#define TRK_DTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "dissect.h"
#include "framer.h"

#define DT_MAX_MSGS 8          /* messages kept per feed; later ones are dropped */
#define DT_RAW_MAX  16384      /* raw bytes kept per message */
#define DT_HEX_MAX  8192       /* bytes of one hex input */

/* How the framer treats the end of the input.  DT_STREAM: as a capture, where
 * a message without its end is incomplete.  DT_WHOLE: the input holds whole
 * messages (framer whole_input), so the dissector judges what is left. */
enum dt_input { DT_STREAM = 0, DT_WHOLE = 1 };

static struct trk_msg msgs[DT_MAX_MSGS];   /* the messages of the last feed */
static size_t nmsgs;
static struct trk_msg scratch;             /* the framer's output; the last decode */
static unsigned char dt_raws[DT_MAX_MSGS][DT_RAW_MAX];

/* a zeroed session state on `transport` (TRK_TCP or TRK_UDP) */
static inline struct trk_state dt_state(unsigned transport)
{
    struct trk_state st;
    memset(&st, 0, sizeof st);
    st.transport = transport;
    return st;
}

/* where p points into the arena of `from`, the same place in the arena of `to` */
static inline const char *dt_rebase(const char *p, const struct trk_msg *from, struct trk_msg *to)
{
    uintptr_t a = (uintptr_t)from->arena, q = (uintptr_t)p;
    return p && q >= a && q < a + TRK_ARENA ? to->arena + (q - a) : p;
}

/* Keep a copy of m in msgs[] (up to DT_MAX_MSGS): its raw bytes are copied and
 * its arena strings (field values, long IO values) point into the copy, so they
 * stay valid after the framer and the scratch message move on. */
static inline void dt_keep(const struct trk_msg *m)
{
    if (nmsgs >= DT_MAX_MSGS) return;
    struct trk_msg *c = &msgs[nmsgs];
    *c = *m;
    for (size_t i = 0; i < c->nfield && i < TRK_MAX_FIELDS; i++)
        c->field[i].val = dt_rebase(c->field[i].val, m, c);
    for (size_t i = 0; i < c->nio && i < TRK_MAX_IO; i++)
        c->io[i].hex = dt_rebase(c->io[i].hex, m, c);
    size_t k = m->rawlen < DT_RAW_MAX ? m->rawlen : DT_RAW_MAX;
    if (m->raw) memcpy(dt_raws[nmsgs], m->raw, k);
    c->raw = dt_raws[nmsgs];
    c->rawlen = k;
    nmsgs++;
}

/* Feed n bytes as one direction of a stream on session state st, through a
 * fresh framer in chunks of `step` bytes (0 = all at once), then flush.  The
 * messages land in msgs[]; returns how many were kept. */
static inline size_t dt_feed_state(const struct dissector *d, struct trk_state *st, enum dt_input in,
                                   const void *p, size_t n, size_t step, enum trk_dir dir)
{
    const uint8_t *buf = p;
    struct framer f;
    framer_init(&f);
    f.whole_input = in == DT_WHOLE;
    nmsgs = 0;
    if (step == 0) step = n ? n : 1;
    for (size_t o = 0; o < n; o += step) {
        size_t k = n - o < step ? n - o : step;
        framer_begin(&f, buf + o, k);
        while (framer_next(&f, d, st, dir, &scratch)) dt_keep(&scratch);
        framer_end(&f);
    }
    while (framer_flush(&f, d, st, dir, &scratch)) dt_keep(&scratch);
    framer_free(&f);
    return nmsgs;
}

/* the same on a fresh TCP session */
static inline size_t dt_feed_bytes(const struct dissector *d, enum dt_input in,
                                   const void *p, size_t n, size_t step, enum trk_dir dir)
{
    struct trk_state st = dt_state(TRK_TCP);
    return dt_feed_state(d, &st, in, p, n, step, dir);
}

static inline size_t dt_feed_text(const struct dissector *d, enum dt_input in,
                                  const char *text, size_t step, enum trk_dir dir)
{
    return dt_feed_bytes(d, in, text, strlen(text), step, dir);
}

/* hex (spaces ignored) on state st / on a fresh TCP session */
static inline size_t dt_feed_hex_state(const struct dissector *d, struct trk_state *st, enum dt_input in,
                                       const char *hex, size_t step, enum trk_dir dir)
{
    static unsigned char buf[DT_HEX_MAX];
    size_t n = check_unhex(hex, buf, sizeof buf);
    return dt_feed_state(d, st, in, buf, n, step, dir);
}

static inline size_t dt_feed_hex(const struct dissector *d, enum dt_input in,
                                 const char *hex, size_t step, enum trk_dir dir)
{
    struct trk_state st = dt_state(TRK_TCP);
    return dt_feed_hex_state(d, &st, in, hex, step, dir);
}

/* Decode one complete message or datagram (no framing) into m (&scratch or
 * the test's own) on state st, which is set to `transport`; also kept as
 * msgs[0] (nmsgs 1).  Returns m. */
static inline struct trk_msg *dt_decode(const struct dissector *d, struct trk_msg *m, struct trk_state *st,
                                        enum trk_dir dir, unsigned transport, const void *p, size_t n)
{
    st->transport = transport;
    framer_decode(d, st, dir, transport, p, n, m);
    nmsgs = 0;
    dt_keep(m);
    return m;
}

/* one UDP datagram on a fresh session, into scratch: bytes, text, hex */
static inline struct trk_msg *dt_udp_bytes(const struct dissector *d, const void *p, size_t n, enum trk_dir dir)
{
    struct trk_state st = dt_state(TRK_UDP);
    return dt_decode(d, &scratch, &st, dir, TRK_UDP, p, n);
}

static inline struct trk_msg *dt_udp_text(const struct dissector *d, const char *text, enum trk_dir dir)
{
    return dt_udp_bytes(d, text, strlen(text), dir);
}

static inline struct trk_msg *dt_udp_hex(const struct dissector *d, const char *hex, enum trk_dir dir)
{
    static unsigned char buf[DT_HEX_MAX];
    size_t n = check_unhex(hex, buf, sizeof buf);
    return dt_udp_bytes(d, buf, n, dir);
}

/* the dissector's probe on text / on hex */
static inline int dt_probe_text(const struct dissector *d, const char *s, unsigned transport)
{
    return d->probe((const uint8_t *)s, strlen(s), transport);
}

static inline int dt_probe_hex(const struct dissector *d, const char *hex, unsigned transport)
{
    static unsigned char buf[DT_HEX_MAX];
    size_t n = check_unhex(hex, buf, sizeof buf);
    return d->probe(buf, n, transport);
}

/* the message's raw bytes are exactly `text` */
static inline bool dt_raw_is(const struct trk_msg *m, const char *text)
{
    return m->rawlen == strlen(text) && memcmp(m->raw, text, m->rawlen) == 0;
}

/* bytes as lowercase hex into out (cap > 2 * n), NUL-terminated; returns out */
static inline const char *dt_hex(const unsigned char *b, size_t n, char *out, size_t cap)
{
    static const char digits[] = "0123456789abcdef";
    size_t i = 0;
    for (; i < n && 2 * i + 2 < cap; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    if (cap) out[2 * i] = 0;
    return out;
}

/* the message names `len` problem bytes at offset `off` of its raw bytes (len
 * 0: it names none) */
#define CHECK_SPAN(m, off, len) do { const struct trk_msg *m_ = (m); \
    CHECK_INT(m_->has_problem_span, (len) > 0); \
    if ((len) > 0) { CHECK_INT(m_->problem_off, (off)); CHECK_INT(m_->problem_len, (len)); \
        CHECK(m_->problem_off + m_->problem_len <= m_->rawlen); } } while (0)

/* the problem bytes of m as lowercase hex ("" when it names none) */
static inline const char *dt_span_hex(const struct trk_msg *m)
{
    static char out[2 * 64 + 1];
    if (!m->has_problem_span || m->problem_off + m->problem_len > m->rawlen) return "";
    return dt_hex(m->raw + m->problem_off, m->problem_len < 64 ? m->problem_len : 64, out, sizeof out);
}

/* a field's value, or NULL */
static inline const char *F(const struct trk_msg *m, const char *key) { return msg_field_get(m, key); }

#endif
