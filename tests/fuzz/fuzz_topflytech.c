/* fuzz_topflytech.c: libFuzzer target for the Topflytech dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_topflytech, NULL)
