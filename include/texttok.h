/* texttok.h: tokens of text protocols (comma-separated fields and the like).
 *
 * A token is a view (pointer and length) into a local text buffer the
 * dissector has already copied out of the frame; nothing here allocates. */
#ifndef TRK_TEXTTOK_H
#define TRK_TEXTTOK_H

#include <stdbool.h>
#include <stddef.h>

struct tok { const char *s; size_t n; };
struct trk_msg;
struct trk_rd;

/* split s[0..n) at sep into at most max tokens (empty ones kept); returns the count stored */
size_t tok_split(const char *s, size_t n, char sep, struct tok *t, size_t max);
/* split in at sep, storing at most max tokens; returns how many there are (may exceed max) */
size_t tok_split_all(struct tok in, char sep, struct tok *out, size_t max);

/* a number a field can hold: the whole token parses (strtod), finite, |v| < 2e9 */
bool tok_num(struct tok t, double *v);
/* a plain decimal, the whole token, summed digit by digit (no strtod): optional
 * sign, digits, optional '.' and digits, at least one digit, magnitude not above limit */
bool tok_decimal(struct tok t, double limit, double *v);
/* 1..16 hex digits, the whole token */
bool tok_hex(struct tok t, unsigned long long *v);
/* the first want characters are decimal digits: their value */
bool tok_digits(struct tok t, size_t want, int *out);
/* every byte printable ASCII (0x20..0x7e); true for an empty token */
bool tok_printable(struct tok t);
/* the token is exactly the string s */
bool tok_is(struct tok t, const char *s);
/* at least one character, all decimal digits */
bool tok_all_digits(struct tok t);
/* a plain decimal checked then read with strtod: optional leading sign, digits,
 * at most one dot (a dot required when need_dot), fewer than 40 characters */
bool tok_dec(struct tok t, double *v, bool need_dot);

/* the token as a text field: field_text() of its bytes (max, FIELD_TEXT_* flags) */
void tok_field(struct trk_msg *m, const char *key, struct tok t, size_t max, unsigned flags);

/* ---- NUL-terminated fields (split in place) */

/* the rest of the reader as text in buf (NULs as '.'), at most sz-1 bytes;
 * the reader is consumed; returns the length */
size_t text_copy(struct trk_rd *rd, char *buf, size_t sz);

/* split a NUL-terminated s in place at sep into at most maxf fields (empty ones
 * kept); returns the number of fields (at least 1) */
int split_inplace(char *s, char sep, char **f, int maxf);
/* s has lo..hi characters, all decimal digits */
bool str_all_digits(const char *s, size_t lo, size_t hi);
/* s past its leading blanks */
const char *str_skip_blanks(const char *s);
/* the decimal integer s starts with (strtol), clamped to +-1e9; 0 when there is none */
int str_int_clamped(const char *s);
/* f[from..nf) joined with ',' (cut at a whole field, at most max characters) as
 * a string field; no field when that is empty */
void join_field(struct trk_msg *m, const char *key, char **f, int from, int nf, size_t max);

#endif
