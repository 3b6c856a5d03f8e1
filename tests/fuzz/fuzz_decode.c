/* fuzz_decode.c: libFuzzer target for `trackdump decode`: the hex (or text)
 * inputs of a ticket or a log, parsed, recognised and decoded as one connection.
 * Input: [options][protocol] then the inputs, one per line.
 *   options: 1 -j, 2 -x, 4 -v, 8 --down, 16 --udp, 32 --text, 64 -P with the
 *   protocol byte (else the protocol is recognised from the first input).
 * Run it with -close_fd_mask=3: decode prints to stdout and stderr. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "dissect.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    static size_t ndissectors;
    if (!ndissectors) while (trk_dissectors[ndissectors]) ndissectors++;
    uint8_t o = data[0];
    const char *proto = trk_dissectors[data[1] % ndissectors]->name;
    data += 2;
    size -= 2;

    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    char *argv[MAX_ARGS + 12];
    int argc = 0;
    argv[argc++] = "decode";
    if (o & 1) argv[argc++] = "-j";
    if (o & 2) argv[argc++] = "-x";
    if (o & 4) argv[argc++] = "-v";
    if (o & 8) argv[argc++] = "--down";
    if (o & 16) argv[argc++] = "--udp";
    if (o & 32) argv[argc++] = "--text";
    if (o & 64) { argv[argc++] = "-P"; argv[argc++] = (char *)proto; }
    argv[argc++] = "--";
    int first = argc;
    for (char *line = text, *nl; line && argc < first + MAX_ARGS; line = nl) {
        nl = strchr(line, '\n');
        if (nl) *nl++ = 0;
        if (line[0] && strcmp(line, "-") != 0) argv[argc++] = line;   /* "-" alone: standard input */
    }
    if (argc == first) argv[argc++] = "00";
    argv[argc] = NULL;
    int rc = cmd_decode(argc, argv);
    if (rc != 0 && rc != 1 && rc != 2) __builtin_trap();
    free(text);
    return 0;
}
