/* fuzz_gt06.c: libFuzzer target for the GT06 dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_gt06, NULL)
