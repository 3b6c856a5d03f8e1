/* filter.c: PCRE2 matching for --imei and --grep, JIT-compiled when available. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

#include "filter.h"

struct regex {
    pcre2_code *code;
    pcre2_match_data *md;
};

struct regex *regex_compile(const char *pattern, char *err, size_t errlen)
{
    int ec;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        snprintf(err, errlen, "bad regular expression '%s' at offset %zu: %s", pattern, (size_t)off, msg);
        return NULL;
    }
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);   /* falls back to the interpreter */
    struct regex *re = malloc(sizeof *re);
    if (!re) { pcre2_code_free(code); snprintf(err, errlen, "out of memory"); return NULL; }
    re->code = code;
    re->md = pcre2_match_data_create_from_pattern(code, NULL);
    return re;
}

bool regex_match(const struct regex *re, const char *s, size_t n)
{
    return pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, 0, re->md, NULL) >= 0;
}

void regex_free(struct regex *re)
{
    if (!re) return;
    pcre2_match_data_free(re->md);
    pcre2_code_free(re->code);
    free(re);
}

const char *regex_version(void)
{
    static char v[64] = "PCRE2 ";
    pcre2_config(PCRE2_CONFIG_VERSION, v + 6);
    return v;
}
