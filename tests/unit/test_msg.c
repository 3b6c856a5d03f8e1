/* test_msg.c: a message's problem and the byte range it names.  The first
 * problem stays and its range (or its lack of one) with it; malformed replaces
 * unsupported, range included; a truncation names the bytes from where the read
 * failed to the end of the reader's window, in offsets of the frame; a reset
 * forgets the range. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "msg.h"
#include "rd.h"

static struct trk_msg M;

#define SPAN(off, len) do { CHECK(M.has_problem_span); CHECK_INT(M.problem_off, off); \
    CHECK_INT(M.problem_len, len); } while (0)

static void test_first_problem_wins(void)
{
    msg_reset(&M);
    msg_unsupported_at(&M, 8, 1, "unsupported codec 0x%02X", 0x77);
    msg_unsupported_at(&M, 20, 4, "unsupported type 0x%02X", 3);     /* later: ignored, range too */
    CHECK_STR(M.problem, "unsupported codec 0x77");
    SPAN(8, 1);

    /* a malformed frame outranks it: its text and its range */
    msg_crc_mismatch(&M, "crc", 0x507A, 0x507B, 4, 35, 2);
    CHECK_INT(M.status, TRK_MALFORMED);
    CHECK_STR(M.problem, "crc mismatch: field 0x507A, computed 0x507B");
    SPAN(35, 2);

    /* a later malformed problem naming other bytes changes nothing */
    msg_length_mismatch(&M, 10, 12, 2, 1);
    CHECK_STR(M.problem, "crc mismatch: field 0x507A, computed 0x507B");
    SPAN(35, 2);

    /* the first problem names no bytes: a later one's range is not taken */
    msg_reset(&M);
    CHECK(!M.has_problem_span);
    msg_malformed(&M, "record count mismatch: N1=%u, N2=%u", 1u, 2u);
    msg_crc_mismatch(&M, "crc", 1, 2, 4, 62, 4);
    CHECK_STR(M.problem, "record count mismatch: N1=1, N2=2");
    CHECK(!M.has_problem_span);

    /* unsupported with a range, then malformed without: no range */
    msg_reset(&M);
    msg_unsupported_at(&M, 3, 1, "unsupported protocol number 0x%02X", 0x9C);
    msg_malformed(&M, "incomplete at end of stream: %d bytes", 9);
    CHECK_STR(M.problem, "incomplete at end of stream: 9 bytes");
    CHECK(!M.has_problem_span);

    /* a length of 0: no range */
    msg_reset(&M);
    msg_length_mismatch(&M, 12, 0, 0, 0);
    CHECK_STR(M.problem, "length field says 12, frame has 0");
    CHECK(!M.has_problem_span);
}

static void test_truncated(void)
{
    static const uint8_t frame[20];
    struct trk_rd rd, sub;

    /* the frame's reader: from the failed read to the frame's end */
    msg_reset(&M);
    rd_init(&rd, frame, sizeof frame);
    rd_skip(&rd, 15);
    (void)rd_be64(&rd);                              /* needs 8, 5 left */
    msg_truncated(&M, &rd);
    CHECK_STR(M.problem, "truncated at offset 15");
    SPAN(15, 5);

    /* a sub-reader over [4, 12): frame offsets, up to the end of its window */
    msg_reset(&M);
    rd_init(&rd, frame, sizeof frame);
    rd_skip(&rd, 4);
    sub = rd_sub(&rd, 8);
    rd_skip(&sub, 6);
    (void)rd_be32(&sub);                             /* fails at 4 + 6 */
    msg_truncated(&M, &sub);
    CHECK_STR(M.problem, "truncated at offset 10");
    SPAN(10, 2);

    /* a read that fails at the very end: nothing of it is there, no range */
    msg_reset(&M);
    rd_init(&rd, frame, sizeof frame);
    rd_skip(&rd, 20);
    (void)rd_u8(&rd);
    msg_truncated(&M, &rd);
    CHECK_STR(M.problem, "truncated at offset 20");
    CHECK(!M.has_problem_span);
}

int main(void)
{
    test_first_problem_wins();
    test_truncated();
    return check_done("msg");
}
