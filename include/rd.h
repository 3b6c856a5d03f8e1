/* rd.h: the bounds-checked reader every dissector reads bytes through.
 *
 * A reader is a window [p, p+n) and a cursor.  Reading past the end sets the
 * sticky `err` flag, records where it happened and returns 0, so a decoder can
 * read a whole structure and test `rd->err` once.  No dissector indexes raw
 * pointers; the only way to a byte is through these accessors. */
#ifndef TRK_RD_H
#define TRK_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct trk_rd {
    const uint8_t *p;   /* first byte of the window */
    size_t n;           /* bytes in the window */
    size_t off;         /* cursor */
    bool err;           /* sticky: a read went past the end */
    size_t err_off;     /* cursor when the first failed read happened */
    size_t base;        /* offset of p within the outermost message (for problem texts) */
};

static inline void rd_init(struct trk_rd *r, const uint8_t *p, size_t n)
{
    r->p = p; r->n = p ? n : 0; r->off = 0; r->err = false; r->err_off = 0; r->base = 0;
}

static inline size_t rd_left(const struct trk_rd *r) { return r->err ? 0 : r->n - r->off; }
static inline size_t rd_pos(const struct trk_rd *r) { return r->base + r->off; }
static inline bool rd_ok(const struct trk_rd *r) { return !r->err; }

/* Mark the reader failed at the current offset (first failure wins). */
static inline void rd_fail(struct trk_rd *r)
{
    if (!r->err) { r->err = true; r->err_off = r->base + r->off; }
}

/* True when k more bytes can be read; otherwise fails the reader. */
static inline bool rd_need(struct trk_rd *r, size_t k)
{
    if (r->err) return false;
    if (k > r->n - r->off) { rd_fail(r); return false; }
    return true;
}

/* Pointer to the next k bytes and advance; NULL (and err) if they are not all there. */
static inline const uint8_t *rd_span(struct trk_rd *r, size_t k)
{
    if (!rd_need(r, k)) return NULL;
    const uint8_t *s = r->p + r->off;
    r->off += k;
    return s;
}

static inline void rd_skip(struct trk_rd *r, size_t k) { (void)rd_span(r, k); }

static inline bool rd_bytes(struct trk_rd *r, void *dst, size_t k)
{
    const uint8_t *s = rd_span(r, k);
    if (!s) { memset(dst, 0, k); return false; }
    memcpy(dst, s, k);
    return true;
}

static inline uint8_t rd_u8(struct trk_rd *r)
{
    const uint8_t *s = rd_span(r, 1);
    return s ? s[0] : 0;
}

static inline uint64_t rd_be(struct trk_rd *r, size_t k)
{
    const uint8_t *s = rd_span(r, k);
    uint64_t v = 0;
    if (!s) return 0;
    for (size_t i = 0; i < k; i++) v = (v << 8) | s[i];
    return v;
}

static inline uint64_t rd_le(struct trk_rd *r, size_t k)
{
    const uint8_t *s = rd_span(r, k);
    uint64_t v = 0;
    if (!s) return 0;
    for (size_t i = k; i-- > 0;) v = (v << 8) | s[i];
    return v;
}

static inline uint16_t rd_be16(struct trk_rd *r) { return (uint16_t)rd_be(r, 2); }
static inline uint32_t rd_be24(struct trk_rd *r) { return (uint32_t)rd_be(r, 3); }
static inline uint32_t rd_be32(struct trk_rd *r) { return (uint32_t)rd_be(r, 4); }
static inline uint64_t rd_be64(struct trk_rd *r) { return rd_be(r, 8); }
static inline uint16_t rd_le16(struct trk_rd *r) { return (uint16_t)rd_le(r, 2); }
static inline uint32_t rd_le32(struct trk_rd *r) { return (uint32_t)rd_le(r, 4); }
static inline uint64_t rd_le64(struct trk_rd *r) { return rd_le(r, 8); }
static inline int8_t  rd_i8(struct trk_rd *r)    { return (int8_t)rd_u8(r); }
static inline int16_t rd_bei16(struct trk_rd *r) { return (int16_t)rd_be16(r); }
static inline int32_t rd_bei32(struct trk_rd *r) { return (int32_t)rd_be32(r); }
static inline int16_t rd_lei16(struct trk_rd *r) { return (int16_t)rd_le16(r); }
static inline int32_t rd_lei32(struct trk_rd *r) { return (int32_t)rd_le32(r); }

/* Byte at absolute window offset `at` without moving the cursor; -1 if outside.
 * Does not fail the reader: for probing and framing decisions. */
static inline int rd_peek(const struct trk_rd *r, size_t at)
{
    return at < r->n ? r->p[at] : -1;   /* NOLINT(clang-analyzer-core.NullDereference): n is 0 without p */
}

/* Big-endian value of k bytes at absolute offset `at`, without moving the cursor.
 * Returns false if the bytes are not all inside the window. */
static inline bool rd_peek_be(const struct trk_rd *r, size_t at, size_t k, uint64_t *out)
{
    uint64_t v = 0;
    if (at > r->n || k > r->n - at) return false;
    for (size_t i = 0; i < k; i++) v = (v << 8) | r->p[at + i];
    *out = v;
    return true;
}

static inline bool rd_peek_le(const struct trk_rd *r, size_t at, size_t k, uint64_t *out)
{
    uint64_t v = 0;
    if (at > r->n || k > r->n - at) return false;
    for (size_t i = k; i-- > 0;) v = (v << 8) | r->p[at + i];
    *out = v;
    return true;
}

/* Big-endian u16 at absolute offset `at` (no cursor move); false if outside. */
static inline bool rd_peek_be16(const struct trk_rd *r, size_t at, unsigned *out)
{
    uint64_t v;
    if (!rd_peek_be(r, at, 2, &v)) return false;
    *out = (unsigned)v;
    return true;
}

/* Pointer to k bytes at absolute offset `at` (no cursor move); NULL if outside. */
static inline const uint8_t *rd_peek_span(const struct trk_rd *r, size_t at, size_t k)
{
    if (at > r->n || k > r->n - at) return NULL;
    return r->p + at;
}

/* A sub-reader over the next k bytes (a length-prefixed structure); the parent
 * advances past them.  If they are not all there the sub-reader holds what
 * there is and the parent fails, so truncation is reported from either. */
static inline struct trk_rd rd_sub(struct trk_rd *r, size_t k)
{
    struct trk_rd s;
    size_t have = rd_left(r);
    size_t take = k <= have ? k : have;
    rd_init(&s, r->err ? NULL : r->p + r->off, take);
    s.base = r->base + r->off;
    if (!r->err) r->off += take;
    if (take < k) rd_fail(r);
    return s;
}

/* k bytes of packed BCD as digits into out (2k digits + NUL, outsz >= 2k+1).
 * Nibbles above 9 stop the string (F-padding).  Returns digits written. */
static inline size_t rd_bcd(struct trk_rd *r, size_t k, char *out, size_t outsz)
{
    const uint8_t *s = rd_span(r, k);
    size_t o = 0;
    if (outsz == 0) return 0;
    out[0] = 0;
    if (!s) return 0;
    for (size_t i = 0; i < k && o + 2 < outsz + 1; i++) {
        unsigned hi = s[i] >> 4, lo = s[i] & 15;
        if (hi > 9 || o + 1 >= outsz) break;
        out[o++] = (char)('0' + hi);
        if (lo > 9 || o + 1 >= outsz) break;
        out[o++] = (char)('0' + lo);
    }
    out[o] = 0;
    return o;
}

/* Up to k bytes as a NUL-terminated string (printable ASCII kept, others as '.').
 * Fails the reader if fewer than k bytes remain. */
static inline bool rd_str(struct trk_rd *r, size_t k, char *out, size_t outsz)
{
    const uint8_t *s = rd_span(r, k);
    size_t o = 0;
    if (outsz == 0) return false;
    if (s)
        for (size_t i = 0; i < k && o + 1 < outsz; i++)
            out[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '.';
    out[o] = 0;
    return s != NULL;
}

#endif
