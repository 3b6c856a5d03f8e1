/* fuzz_suntech.c: libFuzzer target for the Suntech dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_suntech, NULL)
