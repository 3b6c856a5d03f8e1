/* fuzz_galileosky.c: libFuzzer target for the Galileosky dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_galileosky, NULL)
