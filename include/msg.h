/* msg.h: one decoded tracker message, as dissectors fill it and sinks read it.
 *
 * A message is reused (the session layer owns one scratch message), so it has
 * fixed-capacity arrays and a small string arena instead of allocations. */
#ifndef TRK_MSG_H
#define TRK_MSG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum trk_dir { TRK_UP = 0, TRK_DOWN = 1 };         /* device->server, server->device */
enum { TRK_TCP = 1, TRK_UDP = 2 };                  /* transports (bit mask) */

enum trk_status {
    TRK_OK = 0,
    TRK_MALFORMED,    /* the bytes break the protocol: CRC, length, truncation, framing */
    TRK_UNSUPPORTED,  /* well-formed but not understood: unknown codec, type, field */
    TRK_UNKNOWN,      /* no protocol recognised on this flow */
};

/* which record fields are present */
enum {
    TRK_R_TIME = 1 << 0, TRK_R_POS = 1 << 1, TRK_R_ALT = 1 << 2, TRK_R_SPEED = 1 << 3,
    TRK_R_COURSE = 1 << 4, TRK_R_SATS = 1 << 5, TRK_R_VALID = 1 << 6,
};

struct trk_io {
    uint32_t id;
    uint16_t len;          /* value width in bytes */
    uint64_t u;            /* value when len <= 8 */
    const char *hex;       /* value as hex (arena) when len > 8, else NULL */
};

struct trk_record {
    unsigned has;          /* TRK_R_* */
    int64_t time_ms;       /* device time, ms since the Unix epoch, UTC */
    bool valid;            /* fix valid */
    double lat, lon;       /* degrees */
    double alt;            /* metres */
    double speed;          /* km/h */
    double course;         /* degrees */
    int sats;
    uint16_t io_first, io_count;   /* slice of msg.io */
};

enum trk_vkind { TRK_V_STR = 0, TRK_V_NUM, TRK_V_BOOL };

struct trk_field {
    const char *key;       /* static string of the dissector */
    const char *val;       /* in the arena */
    uint8_t kind;          /* enum trk_vkind: how JSON prints it */
};

#define TRK_MAX_REC    256
#define TRK_MAX_IO     4096
#define TRK_MAX_FIELDS 48
#define TRK_ARENA      16384
#define TRK_IMEI_MAX   32
#define TRK_PROBLEM_MAX 200

/* What the server must answer (set by a dissector on an up message) or what an
 * answer acknowledges (set on a down message).  Used to pair requests and ACKs. */
struct trk_reply {
    bool set;
    uint32_t key;          /* protocol-defined: serial, protocol number, ... */
    uint32_t count;        /* records sent / records acknowledged */
    bool accept;           /* on an ACK: accepted (false = rejected) */
    bool counted;          /* on an ACK: `count` comes from the wire (compare it) */
};

/* How the server answered a request (filled by the session layer; see acks.h). */
enum trk_ack_verdict { TRK_ACK_NONE = 0, TRK_ACK_OK, TRK_ACK_WRONG, TRK_ACK_REJECTED, TRK_ACK_MISSING };

/* why a request counts as unanswered */
enum trk_ack_cause {
    TRK_MISS_RESENT = 1,   /* the device sent the same bytes again */
    TRK_MISS_TIMEOUT,      /* no answer within the timeout */
    TRK_MISS_CLOSED,       /* the connection closed (FIN, RST, idle, reuse) */
    TRK_MISS_OVERFLOW,     /* too many requests waiting */
    TRK_MISS_END,          /* the capture ended: the answer may have come later */
};

struct trk_ack {
    uint8_t verdict;       /* enum trk_ack_verdict */
    uint8_t cause;         /* missing: enum trk_ack_cause */
    uint32_t req_seq;      /* the request's message number in its connection */
    int64_t req_ts_ns;     /* the request's capture time */
    int64_t latency_ns;    /* reply time - request time (OK, WRONG, REJECTED) */
    const char *req_type;  /* the request's type */
    char detail[96];       /* WRONG: what is wrong; MISSING: why it is considered missing */
};

struct trk_msg {
    const char *proto;     /* dissector name */
    enum trk_dir dir;
    unsigned transport;    /* TRK_TCP or TRK_UDP */
    const char *type;      /* "login", "position", "heartbeat", "alarm", "ack", ... (static) */
    char imei[TRK_IMEI_MAX];   /* device identifier from this message, or from the session */
    bool imei_from_session;
    enum trk_status status;
    char problem[TRK_PROBLEM_MAX];
    /* the problem's bytes: [problem_off, problem_off + problem_len) of the frame the
     * dissector decoded (m->raw), when has_problem_span; set with the problem's text */
    bool has_problem_span;
    size_t problem_off, problem_len;

    size_t nrec;
    struct trk_record rec[TRK_MAX_REC];
    size_t nio;
    struct trk_io io[TRK_MAX_IO];
    size_t nfield;
    struct trk_field field[TRK_MAX_FIELDS];
    bool overflow;         /* a capacity above was reached: fields were dropped (said in problem) */

    struct trk_reply want_reply;   /* up: the reply this message asks for */
    struct trk_reply is_reply;     /* down: what this reply acknowledges */

    /* filled by the session layer, not by dissectors */
    const uint8_t *raw;
    size_t rawlen;
    int64_t ts_ns;         /* capture time */
    uint64_t conn_id;
    uint32_t seq;          /* message number in its connection, from 1 */
    struct trk_ack ack;    /* on a reply: the request it answers and the verdict */
    size_t arena_len;
    char arena[TRK_ARENA];
};

void msg_reset(struct trk_msg *m);

/* status setters: the first problem stays (it is the cause); later ones are ignored.
 * Its byte range goes with it: a problem set without one has none, even if an
 * ignored later call names bytes. */
void msg_malformed(struct trk_msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void msg_unsupported(struct trk_msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* the same with the problem's bytes: `len` bytes at offset `off` of the frame the
 * dissector was given (len 0: no byte range) */
void msg_malformed_at(struct trk_msg *m, size_t off, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void msg_unsupported_at(struct trk_msg *m, size_t off, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "truncated at offset N" from a failed reader (offset where the read failed); the
 * bytes from there to the end of the reader's window, which must be in frame
 * offsets (rd_sub keeps them; a reader over a copy must not be passed) */
struct trk_rd;
void msg_truncated(struct trk_msg *m, const struct trk_rd *rd);
/* "crc mismatch: field 0x1234, computed 0xC7CF" with the width in hex digits; the
 * checksum field is `len` bytes at frame offset `off` (as sent: hex text, escaped) */
void msg_crc_mismatch(struct trk_msg *m, const char *what, uint32_t field, uint32_t computed, int digits,
                      size_t off, size_t len);
/* "length field says N, frame has M"; the length field is `len` bytes at frame
 * offset `off` (len 0: not known) */
void msg_length_mismatch(struct trk_msg *m, size_t says, size_t has, size_t off, size_t len);

/* arena strings (NULL when the arena is full; m->overflow is set) */
const char *msg_strdup(struct trk_msg *m, const char *s, size_t n);
const char *msg_printf(struct trk_msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *msg_hex(struct trk_msg *m, const uint8_t *p, size_t n);

/* fields, in order */
void msg_field_str(struct trk_msg *m, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void msg_field_num(struct trk_msg *m, const char *key, double v);
void msg_field_int(struct trk_msg *m, const char *key, int64_t v);
void msg_field_bool(struct trk_msg *m, const char *key, bool v);
const char *msg_field_get(const struct trk_msg *m, const char *key);

/* records: a new zeroed record (NULL when full; m->overflow is set) */
struct trk_record *msg_add_record(struct trk_msg *m);
/* IO element of the last record */
void msg_add_io(struct trk_msg *m, uint32_t id, uint16_t len, uint64_t u, const uint8_t *bytes);

void msg_set_imei(struct trk_msg *m, const char *s);

/* timestamps: seconds since the epoch from a UTC calendar date (no time zone, no libc state) */
int64_t trk_timegm(int year, int mon, int day, int h, int mi, int s);

#endif
