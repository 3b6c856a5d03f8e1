/* cmd_decode.c: `trackdump decode`: decode messages pasted from a ticket or a
 * server log.  The inputs are decoded in order as one connection, so a login
 * binds the IMEI to the messages after it. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "color.h"
#include "commands.h"
#include "dissect.h"
#include "framer.h"
#include "output.h"
#include "session.h"

static void usage(FILE *f)
{
    fputs(
"Usage: trackdump decode [-P PROTO] [options] [HEX ... | -]\n"
"\n"
"Decode tracker messages given as hex: arguments, or one per line on standard\n"
"input (with - or no arguments).  Spaces, 0x and : are ignored; a log line\n"
"'... HEX: 7878...' is taken from its HEX: part.  The inputs are decoded in\n"
"order as one connection; one input may hold several messages.\n"
"\n"
"  -P, --proto PROTO     the protocol (default: recognised from the first input)\n"
"  --down                the messages go server to device (default: device to server)\n"
"  --udp                 each input is one UDP datagram (default: a TCP stream)\n"
"  --text                inputs are text as is, not hex (for text protocols)\n"
"  -j, --json            JSON Lines (with \"input\": the 1-based input index)\n"
"  -x                    hex dump under each message\n"
"  -v                    every record and IO element\n"
"  --no-color            no colour (default: colour on a terminal, unless NO_COLOR)\n"
"  -h, --help            this help\n"
"\n"
"Exit status: 0 done, 1 the protocol cannot be recognised, 2 usage error.\n", f);
}

struct input { unsigned char *p; size_t n; };

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* hex text to bytes; -1 with the offending column in *bad */
static long unhex(const char *s, unsigned char *out, size_t *bad)
{
    const char *h = strstr(s, "HEX:");
    if (h) s = h + 4;
    size_t n = 0;
    int hi = -1;
    for (const char *q = s; *q; q++) {
        if (isspace((unsigned char)*q) || *q == ':') continue;
        if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X') && hi < 0) { q++; continue; }
        int v = hexval((unsigned char)*q);
        if (v < 0) { *bad = (size_t)(q - s) + 1; return -1; }
        if (hi < 0) hi = v;
        else { out[n++] = (unsigned char)(hi << 4 | v); hi = -1; }
    }
    if (hi >= 0) { *bad = 0; return -2; }
    return (long)n;
}

static int add_input(struct input **in, size_t *nin, const char *text, bool as_text, size_t index)
{
    size_t len = strlen(text);
    unsigned char *buf = malloc(len + 1);
    if (!buf) { fprintf(stderr, "trackdump: out of memory\n"); exit(1); }
    long n;
    if (as_text) {
        memcpy(buf, text, len);   /* NOLINT(bugprone-not-null-terminated-result): bytes, with their length */
        n = (long)len;
    } else {
        size_t bad = 0;
        n = unhex(text, buf, &bad);
        if (n == -1) {
            fprintf(stderr, "trackdump: input %zu is not hex (character %zu); use --text for text\n", index, bad);
            free(buf);
            return -1;
        }
        if (n == -2) {
            fprintf(stderr, "trackdump: input %zu has an odd number of hex digits\n", index);
            free(buf);
            return -1;
        }
    }
    struct input *ni = realloc(*in, (*nin + 1) * sizeof **in);
    if (!ni) { fprintf(stderr, "trackdump: out of memory\n"); exit(1); }
    *in = ni;
    (*in)[*nin].p = buf;
    (*in)[*nin].n = (size_t)n;
    (*nin)++;
    return 0;
}

int cmd_decode(int argc, char **argv)
{
    enum { O_DOWN = 256, O_UDP, O_TEXT, O_NOCOLOR };
    static const struct option lo[] = {
        {"proto", required_argument, 0, 'P'}, {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'},
        {"down", no_argument, 0, O_DOWN}, {"udp", no_argument, 0, O_UDP}, {"text", no_argument, 0, O_TEXT},
        {"no-color", no_argument, 0, O_NOCOLOR}, {0, 0, 0, 0}};
    const struct dissector *d = NULL;
    struct output_cfg oc = {0};
    bool down = false, udp = false, as_text = false, no_color = false;
    int c;
    oc.out = stdout;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+P:jxvh", lo, NULL)) != -1) {
        switch (c) {
        case 'P':
            d = dissector_find(optarg);
            if (!d) { fprintf(stderr, "trackdump: unknown protocol '%s' (see 'trackdump protocols')\n", optarg); return 2; }
            break;
        case 'j': oc.json = true; break;
        case 'x': oc.hex = true; break;
        case 'v': oc.verbose = true; break;
        case 'h': usage(stdout); return 0;
        case O_DOWN: down = true; break;
        case O_UDP: udp = true; break;
        case O_TEXT: as_text = true; break;
        case O_NOCOLOR: no_color = true; break;
        default:
            if (optopt == 'P') fprintf(stderr, "trackdump: option -P needs a protocol name\n");
            else if (optopt) fprintf(stderr, "trackdump: unknown option -%c\n", optopt);
            else fprintf(stderr, "trackdump: unknown option '%s'\n", argv[optind - 1]);
            fprintf(stderr, "Try 'trackdump decode --help'.\n");
            return 2;
        }
    }
    struct input *in = NULL;
    size_t nin = 0;
    int rc = 0;
    if (optind >= argc || (optind == argc - 1 && strcmp(argv[optind], "-") == 0)) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while ((len = getline(&line, &cap, stdin)) > 0) {
            while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
            if (len == 0) continue;
            if (add_input(&in, &nin, line, as_text, nin + 1) < 0) { rc = 2; break; }
        }
        free(line);
    } else {
        for (int i = optind; i < argc && rc == 0; i++)
            if (add_input(&in, &nin, argv[i], as_text, nin + 1) < 0) rc = 2;
    }
    if (rc == 0 && nin == 0) { fprintf(stderr, "trackdump: nothing to decode\n"); rc = 2; }
    unsigned transport = udp ? TRK_UDP : TRK_TCP;
    if (rc == 0 && !d) {
        int conf = 0;
        d = dissector_probe(in[0].p, in[0].n, transport, 50, &conf);
        if (!d) {
            fprintf(stderr, "trackdump: cannot recognise the protocol of input 1; name it with -P "
                    "(see 'trackdump protocols')\n");
            rc = 1;
        }
    }
    if (rc == 0) {
        static struct trk_msg m;
        struct trk_state st;
        struct framer fr;
        char imei[TRK_IMEI_MAX] = "";
        enum trk_dir dir = down ? TRK_DOWN : TRK_UP;
        memset(&st, 0, sizeof st);
        st.transport = transport;
        color_setup(stdout, no_color || oc.json);
        output_setup(&oc);
        for (size_t i = 0; i < nin; i++) {
            output_set_input((int)i + 1);
            if (udp) {
                framer_decode(d, &st, dir, TRK_UDP, in[i].p, in[i].n, &m);
                session_bind_identity(imei, sizeof imei, &m);
                output_message(NULL, &m, NULL);
                continue;
            }
            framer_init(&fr);
            fr.whole_input = true;
            framer_begin(&fr, in[i].p, in[i].n);
            while (framer_next(&fr, d, &st, dir, &m)) {
                session_bind_identity(imei, sizeof imei, &m);
                output_message(NULL, &m, NULL);
            }
            framer_end(&fr);
            while (framer_flush(&fr, d, &st, dir, &m)) {
                session_bind_identity(imei, sizeof imei, &m);
                output_message(NULL, &m, NULL);
            }
            framer_free(&fr);
        }
        if (output_flush() < 0) {
            if (errno != EPIPE) fprintf(stderr, "trackdump: cannot write the output: %s\n", strerror(errno));
            rc = 1;
        }
        output_finish();
    }
    for (size_t i = 0; i < nin; i++) free(in[i].p);
    free(in);
    return rc;
}
