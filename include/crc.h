/* crc.h: the checksums tracker protocols use, in one place.
 * Each is tested against its catalogue check value over "123456789". */
#ifndef TRK_CRC_H
#define TRK_CRC_H

#include <stddef.h>
#include <stdint.h>

uint16_t crc16_arc(const uint8_t *p, size_t n);          /* 0x8005 refl, init 0,      check 0xBB3D */
uint16_t crc16_x25(const uint8_t *p, size_t n);          /* 0x1021 refl, init FFFF^FFFF, check 0x906E */
uint16_t crc16_modbus(const uint8_t *p, size_t n);       /* 0x8005 refl, init FFFF,   check 0x4B37 */
uint16_t crc16_kermit(const uint8_t *p, size_t n);       /* 0x1021 refl, init 0,      check 0x2189 */
uint16_t crc16_ccitt_false(const uint8_t *p, size_t n);  /* 0x1021, init FFFF,        check 0x29B1 */
uint8_t  crc8_egts(const uint8_t *p, size_t n);          /* 0x31, init FF,            check 0xF7 */
uint8_t  crc8_egts_next(uint8_t c, uint8_t byte);        /* one more byte of a running crc8_egts */
uint8_t  xor8(const uint8_t *p, size_t n);
uint8_t  sum8(const uint8_t *p, size_t n);

#endif
