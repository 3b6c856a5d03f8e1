/* fuzz_meitrack.c: libFuzzer target for the Meitrack dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_meitrack, NULL)
