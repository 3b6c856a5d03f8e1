/* filter.h: PCRE2 regular expressions for --imei and --grep. */
#ifndef TRK_FILTER_H
#define TRK_FILTER_H

#include <stdbool.h>
#include <stddef.h>

struct regex;
/* NULL with err naming the position when the pattern does not compile */
struct regex *regex_compile(const char *pattern, char *err, size_t errlen);
bool regex_match(const struct regex *re, const char *s, size_t n);
void regex_free(struct regex *re);
const char *regex_version(void);

#endif
