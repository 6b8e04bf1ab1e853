// LLVMFuzzerRunDriver is defined by libFuzzer's runtime; this target only declares it.
#include "CLibFuzzer.h"
