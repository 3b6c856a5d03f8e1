/* fuzz_wialon.c: libFuzzer target for the Wialon IPS dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_wialon, NULL)
