/* fuzz_calamp.c: libFuzzer target for the CalAmp LM Direct dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_calamp, NULL)
