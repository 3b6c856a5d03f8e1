/* fuzz_h02.c: libFuzzer target for the H02 dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_h02, NULL)
