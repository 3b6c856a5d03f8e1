/* fuzz_tk103.c: libFuzzer target for the TK103 dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_tk103, NULL)
