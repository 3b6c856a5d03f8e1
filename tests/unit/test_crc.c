/* test_crc.c: every checksum routine against its catalogue check value over
 * "123456789", and against worked examples from vendor documents. */
#include "check.h"
#include "crc.h"

int main(void)
{
    const unsigned char *s = (const unsigned char *)"123456789";
    CHECK_INT(crc16_arc(s, 9), 0xBB3D);
    CHECK_INT(crc16_x25(s, 9), 0x906E);
    CHECK_INT(crc16_modbus(s, 9), 0x4B37);
    CHECK_INT(crc16_kermit(s, 9), 0x2189);
    CHECK_INT(crc16_ccitt_false(s, 9), 0x29B1);
    CHECK_INT(crc8_egts(s, 9), 0xF7);
    CHECK_INT(xor8(s, 9), 0x31);   /* '1'^'2'^...^'9' */
    CHECK_INT(sum8(s, 9), 0xDD);   /* 477 mod 256 */
    CHECK_INT(crc16_arc(s, 0), 0x0000);

    unsigned char b[128];
    /* Teltonika codec 8 example: CRC-16/ARC over codec..N2 is 0xC7CF */
    size_t n = check_unhex("08010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E000000000000000001", b, sizeof b);
    CHECK_INT(crc16_arc(b, n), 0xC7CF);
    /* GT06 login example: X-25 over length..serial is 0x8CDD; the reply's is 0xD9DC */
    n = check_unhex("0D01012345678901234500 01", b, sizeof b);
    CHECK_INT(crc16_x25(b, n), 0x8CDD);
    n = check_unhex("05010001", b, sizeof b);
    CHECK_INT(crc16_x25(b, n), 0xD9DC);
    return check_done("crc");
}
