/* fuzz_gps103.c: libFuzzer target for the GPS103 dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_gps103, NULL)
