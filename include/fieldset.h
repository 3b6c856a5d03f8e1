/* fieldset.h: adding fields to a message the way every dissector does it.
 *
 * Each key is added at most once, and FIELD_SPARE field slots are always kept
 * free so a message never overflows on fields.  The helpers turn values, byte
 * strings and text into fields; bytes are read through rd.h. */
#ifndef TRK_FIELDSET_H
#define TRK_FIELDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define FIELD_SPARE 2        /* field slots kept free */
#define FIELD_STR_MAX 16384  /* longest text field_str() keeps */
#define FIELD_HEX_MAX 4096   /* most bytes field_hex() shows */

/* field_text() flags */
enum {
    FIELD_TEXT_TRIM = 1 << 0,    /* drop trailing NULs, blanks and line ends */
    FIELD_TEXT_TRIM_ALL = 1 << 1,/* drop everything after the last printable non-blank byte */
    FIELD_TEXT_NONNULL = 1 << 2, /* no field at all when p is NULL */
    FIELD_TEXT_KEEP_HIGH = 1 << 3,/* bytes 0x80..0xff kept as they are, not '.' */
};

/* true when key is not there yet and a field slot beyond the spare ones is free */
bool field_room(const struct trk_msg *m, const char *key);

void field_int(struct trk_msg *m, const char *key, int64_t v);
void field_num(struct trk_msg *m, const char *key, double v);
void field_bool(struct trk_msg *m, const char *key, bool v);

/* printf into a field, cut to at most max characters (max <= FIELD_STR_MAX) */
void field_str(struct trk_msg *m, const char *key, size_t max, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* bytes as lowercase hex: at most max_bytes bytes (<= FIELD_HEX_MAX), then "..."
 * when there are more.  A NULL p gives an empty field. */
void field_hex(struct trk_msg *m, const char *key, const uint8_t *p, size_t n, size_t max_bytes);

/* bytes as text, at most max characters (<= FIELD_STR_MAX): bytes outside
 * 0x20..0x7e become '.' (see FIELD_TEXT_KEEP_HIGH); flags FIELD_TEXT_* */
void field_text(struct trk_msg *m, const char *key, const uint8_t *p, size_t n, size_t max, unsigned flags);

#endif
