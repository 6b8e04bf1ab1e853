#ifndef TIDE_CLIBFUZZER_H
#define TIDE_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links): parses libFuzzer's options from
/// argv and runs `callback` on each input. The fuzz targets call it from their own `main`,
/// because SwiftPM gives every executable a `main` of its own, which keeps libFuzzer's out.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
