/* fuzz_egts.c: libFuzzer target for the EGTS dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_egts, NULL)
