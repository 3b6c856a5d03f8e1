/* main.c: trackdump's entry point: picks the command from the first word. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "filter.h"
#include "flows.h"

#ifndef TRK_VERSION
#define TRK_VERSION "0.0.0"
#endif

void print_version(FILE *f)
{
    fprintf(f, "trackdump %s\n%s\n%s\n%s\n", TRK_VERSION, pcap_lib_version(), flows_engine_version(),
            regex_version());
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "decode") == 0) return cmd_decode(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "protocols") == 0) return cmd_protocols(argc - 1, argv + 1);
    return cmd_sniff(argc, argv);
}
