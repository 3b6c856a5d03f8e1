/* noise.h: names the non-tracker traffic that reaches tracker ports (scanners,
 * HTTP probes, TLS, SSH, empty keepalive lines), so it is reported as noise
 * rather than as a broken device. */
#ifndef TRK_NOISE_H
#define TRK_NOISE_H

#include <stddef.h>
#include <stdint.h>

/* A short name ("TLS handshake", "HTTP request", ...) or NULL when the bytes
 * look like nothing in particular. */
const char *noise_kind(const uint8_t *p, size_t n);

#endif
