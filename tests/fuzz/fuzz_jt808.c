/* fuzz_jt808.c: libFuzzer target for the JT/T 808 dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_jt808, NULL)
