/* framer.c: stream framing driver around a dissector's frame() and decode():
 * zero-copy while messages fall on segment boundaries, buffered otherwise;
 * garbage is gathered and reported as one message, never dropped silently. */
#include <stdlib.h>
#include <string.h>

#include "framer.h"

void framer_init(struct framer *f)
{
    memset(f, 0, sizeof *f);
    f->max_pending = FRAMER_MAX_PENDING;
}

void framer_free(struct framer *f)
{
    free(f->buf);
    f->buf = NULL;
    f->start = f->len = f->cap = 0;
}

static void buf_append(struct framer *f, const uint8_t *p, size_t n)
{
    if (n == 0) return;
    /* compact (consumed bytes go) once they are as many as the pending ones: every byte
     * is moved a bounded number of times, whatever the segment sizes */
    if (f->start && f->start >= f->len - f->start) {
        memmove(f->buf, f->buf + f->start, f->len - f->start);
        f->len -= f->start;
        f->start = 0;
    }
    if (f->len + n > f->cap) {
        size_t cap = f->cap ? f->cap : 256;
        while (cap < f->len + n) cap *= 2;
        uint8_t *nb = realloc(f->buf, cap);
        if (!nb) abort();
        f->buf = nb;
        f->cap = cap;
    }
    memcpy(f->buf + f->len, p, n);
    f->len += n;
}

void framer_begin(struct framer *f, const uint8_t *p, size_t n)
{
    if (f->len > f->start) {              /* a partial message is pending: continue in the buffer */
        buf_append(f, p, n);
        f->in = NULL; f->in_len = f->in_off = 0;
    } else {
        f->start = f->len = 0;
        f->in = p; f->in_len = n; f->in_off = 0;
    }
}

void framer_end(struct framer *f)
{
    if (f->in) {
        buf_append(f, f->in + f->in_off, f->in_len - f->in_off);
        f->in = NULL; f->in_len = f->in_off = 0;
    }
    if (f->start == f->len) f->start = f->len = 0;
    if (f->cap > 65536 && f->len - f->start < 4096) {   /* give back a burst's memory */
        uint8_t *nb = malloc(4096);
        if (nb) {
            memcpy(nb, f->buf + f->start, f->len - f->start);
            free(f->buf);
            f->buf = nb; f->len -= f->start; f->start = 0; f->cap = 4096;
        }
    }
}

/* the bytes being framed right now */
static const uint8_t *cur(const struct framer *f, size_t *n)
{
    if (f->in) { *n = f->in_len - f->in_off; return f->in + f->in_off; }
    *n = f->len - f->start;
    return f->buf ? f->buf + f->start : NULL;
}

static void consume(struct framer *f, size_t k)
{
    if (f->in) f->in_off += k;
    else f->start += k;
    f->scan.pos = 0;                 /* the bytes frame() looked at are not the first ones now */
}

static void add_garbage(struct framer *f, const uint8_t *p, size_t k)
{
    size_t keep = f->garbage < FRAMER_GARBAGE_KEEP ? FRAMER_GARBAGE_KEEP - f->garbage : 0;
    if (keep > k) keep = k;
    if (keep) memcpy(f->gbuf + f->garbage, p, keep);
    if (f->garbage == 0) f->n_resyncs++;
    f->garbage += k;
    f->n_skipped += k;
}

static void emit_garbage(struct framer *f, const struct dissector *d, enum trk_dir dir,
                         unsigned transport, struct trk_msg *m)
{
    size_t shown = f->garbage < FRAMER_GARBAGE_KEEP ? f->garbage : FRAMER_GARBAGE_KEEP;
    msg_reset(m);
    m->proto = d ? d->name : "unknown";
    m->dir = dir;
    m->transport = transport;
    m->type = "garbage";
    /* the problem is every byte shown */
    if (f->after_gap)
        msg_malformed_at(m, 0, shown, "%zu bytes skipped after a capture gap: no %s frame start",
                         f->garbage, m->proto);
    else
        msg_malformed_at(m, 0, shown, "%zu bytes skipped: no %s frame start", f->garbage, m->proto);
    m->raw = f->gbuf;
    m->rawlen = shown;
    f->garbage = 0;
    f->after_gap = false;
}

void framer_decode(const struct dissector *d, struct trk_state *st, enum trk_dir dir,
                   unsigned transport, const uint8_t *p, size_t n, struct trk_msg *m)
{
    struct trk_rd rd;
    msg_reset(m);
    m->proto = d->name;
    m->dir = dir;
    m->transport = transport;
    m->raw = p;
    m->rawlen = n;
    rd_init(&rd, p, n);
    d->decode(&rd, dir, st, m);
    if (rd.err && m->status == TRK_OK) msg_truncated(m, &rd);
    if (m->overflow && m->status == TRK_OK)
        msg_unsupported(m, "message exceeds decoder capacity: some records or fields not shown");
}

bool framer_next(struct framer *f, const struct dissector *d, struct trk_state *st,
                 enum trk_dir dir, struct trk_msg *m)
{
    for (;;) {
        size_t n;
        const uint8_t *p = cur(f, &n);
        if (n == 0) return false;
        st->scan = &f->scan;
        long r = d->frame(p, n, dir, st);
        st->scan = NULL;
        /* never wait forever: past max_pending no frame starts in the first half (it
         * would be that long and unfinished); skipping half keeps the cost linear */
        if (r == TRK_FRAME_MORE && n >= f->max_pending) r = -(long)(n / 2);
        if (r == TRK_FRAME_MORE) return false;
        if (r < 0) {
            size_t k = (size_t)(-r) > n ? n : (size_t)(-r);
            add_garbage(f, p, k);
            consume(f, k);
            continue;
        }
        if (f->garbage) {        /* report the skipped bytes first; the frame comes next call */
            emit_garbage(f, d, dir, st->transport, m);
            return true;
        }
        size_t k = (size_t)r > n ? n : (size_t)r;
        framer_decode(d, st, dir, st->transport, p, k, m);
        consume(f, k);           /* only moves an offset: m->raw stays valid */
        return true;
    }
}

bool framer_flush(struct framer *f, const struct dissector *d, struct trk_state *st,
                  enum trk_dir dir, struct trk_msg *m)
{
    if (framer_next(f, d, st, dir, m)) return true;
    if (f->garbage) {
        emit_garbage(f, d, dir, st->transport, m);
        return true;
    }
    size_t n;
    const uint8_t *p = cur(f, &n);
    if (n == 0) return false;
    /* an incomplete message at the end of the stream: decode what is there so the
     * dissector names the truncation, and never report it as ok */
    framer_decode(d, st, dir, st->transport, p, n, m);
    if (m->status != TRK_MALFORMED && !f->whole_input)
        msg_malformed_at(m, 0, n, "incomplete at end of stream: %zu bytes", n);
    consume(f, n);
    return true;
}

bool framer_gap(struct framer *f, const struct dissector *d, enum trk_dir dir, unsigned transport,
                size_t gap, struct trk_msg *m)
{
    size_t n;
    const uint8_t *p = cur(f, &n);
    f->gap_dropped += n;
    if (f->in) f->in_off = f->in_len;
    f->start = f->len = 0;           /* the bytes stay in place until the next append */
    f->after_gap = true;
    f->scan.pos = 0;
    if (n == 0) return false;
    msg_reset(m);
    m->proto = d ? d->name : "unknown";
    m->dir = dir;
    m->transport = transport;
    m->type = "fragment";
    msg_malformed_at(m, 0, n, "incomplete message: %zu bytes, then %zu bytes lost in the capture", n, gap);
    m->raw = p;
    m->rawlen = n;
    return true;
}
