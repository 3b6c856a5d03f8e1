/* fuzz_queclink.c: libFuzzer target for the Queclink dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_queclink, NULL)
