/* noise.c: recognises common non-tracker traffic from its first bytes. */
#include <string.h>

#include "noise.h"
#include "rd.h"

static int starts(const struct trk_rd *r, const char *s)
{
    size_t k = strlen(s);
    const uint8_t *p = rd_peek_span(r, 0, k);
    return p && memcmp(p, s, k) == 0;
}

const char *noise_kind(const uint8_t *p, size_t n)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    int b0 = rd_peek(&r, 0), b1 = rd_peek(&r, 1), b2 = rd_peek(&r, 2), b5 = rd_peek(&r, 5);
    if (b0 == 0x16 && b1 == 0x03 && b2 >= 0 && b2 <= 0x04 && (b5 == 1 || b5 < 0)) return "TLS handshake";
    static const char *const http[] = {"GET ", "POST ", "HEAD ", "PUT ", "OPTIONS ", "CONNECT ", "DELETE ",
                                       "PRI * HTTP/2", "HTTP/1.", NULL};
    for (size_t i = 0; http[i]; i++) if (starts(&r, http[i])) return "HTTP request";
    if (starts(&r, "SSH-")) return "SSH banner";
    if (b0 == 0x03 && b1 == 0x00) return "RDP connection request";
    if (starts(&r, "\x05\x01") || starts(&r, "\x04\x01")) return "SOCKS proxy probe";
    /* only line ends and blanks: a keepalive or a scanner's empty line */
    size_t blank = 0;
    for (size_t i = 0; i < n; i++) {
        int c = rd_peek(&r, i);
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == 0) blank++;
    }
    if (n && blank == n) return "empty lines";
    return NULL;
}
