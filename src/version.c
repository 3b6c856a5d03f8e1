/* version.c: --version: trackdump's version and those of the libraries it runs on. */
#include <curses.h>
#include <pcap/pcap.h>
#include <stdio.h>

#include "commands.h"
#include "filter.h"
#include "flows.h"

#ifndef TRK_VERSION
#define TRK_VERSION "0.0.0"
#endif

void print_version(FILE *f)
{
    fprintf(f, "trackdump %s\n%s\n%s\n%s\n%s\n", TRK_VERSION, pcap_lib_version(), flows_engine_version(),
            curses_version(), regex_version());
}
