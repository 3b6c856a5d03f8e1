/* crc.c: CRC and checksum routines shared by the dissectors (parameters in
 * include/crc.h).  The CRC-16s run a byte at a time from 256-entry tables built
 * on first use from the same bitwise definition. */
#include <stdbool.h>

#include "crc.h"

static uint16_t refl_step(uint16_t c, uint16_t poly_refl)
{
    for (int b = 0; b < 8; b++)
        c = (c & 1) ? (uint16_t)((c >> 1) ^ poly_refl) : (uint16_t)(c >> 1);
    return c;
}

static uint16_t tab_a001[256], tab_8408[256], tab_1021[256];

static void tables(void)
{
    static bool built;
    if (built) return;
    for (unsigned i = 0; i < 256; i++) {
        tab_a001[i] = refl_step((uint16_t)i, 0xA001);
        tab_8408[i] = refl_step((uint16_t)i, 0x8408);
        uint16_t c = (uint16_t)(i << 8);
        for (int b = 0; b < 8; b++) c = (c & 0x8000) ? (uint16_t)((c << 1) ^ 0x1021) : (uint16_t)(c << 1);
        tab_1021[i] = c;
    }
    built = true;
}

static uint16_t crc16_refl(const uint8_t *p, size_t n, const uint16_t *tab, uint16_t init)
{
    uint16_t c = init;
    tables();
    for (size_t i = 0; i < n; i++) c = (uint16_t)((c >> 8) ^ tab[(c ^ p[i]) & 0xFF]);
    return c;
}

uint16_t crc16_arc(const uint8_t *p, size_t n)    { return crc16_refl(p, n, tab_a001, 0x0000); }
uint16_t crc16_modbus(const uint8_t *p, size_t n) { return crc16_refl(p, n, tab_a001, 0xFFFF); }
uint16_t crc16_kermit(const uint8_t *p, size_t n) { return crc16_refl(p, n, tab_8408, 0x0000); }
uint16_t crc16_x25(const uint8_t *p, size_t n)    { return (uint16_t)~crc16_refl(p, n, tab_8408, 0xFFFF); }

uint16_t crc16_ccitt_false(const uint8_t *p, size_t n)
{
    uint16_t c = 0xFFFF;
    tables();
    for (size_t i = 0; i < n; i++) c = (uint16_t)((c << 8) ^ tab_1021[((c >> 8) ^ p[i]) & 0xFF]);
    return c;
}

uint8_t crc8_egts_next(uint8_t c, uint8_t byte)
{
    c ^= byte;
    for (int b = 0; b < 8; b++)
        c = (c & 0x80) ? (uint8_t)((c << 1) ^ 0x31) : (uint8_t)(c << 1);
    return c;
}

uint8_t crc8_egts(const uint8_t *p, size_t n)
{
    uint8_t c = 0xFF;
    for (size_t i = 0; i < n; i++) c = crc8_egts_next(c, p[i]);
    return c;
}

uint8_t xor8(const uint8_t *p, size_t n)
{
    uint8_t c = 0;
    for (size_t i = 0; i < n; i++) c ^= p[i];
    return c;
}

uint8_t sum8(const uint8_t *p, size_t n)
{
    uint8_t c = 0;
    for (size_t i = 0; i < n; i++) c = (uint8_t)(c + p[i]);
    return c;
}
