// libFuzzer's driver entry point (LLVM 11+). Declared here, linked only when
// building with -sanitize=fuzzer: SwiftPM owns `main`, so the fuzz target's
// own main hands control to libFuzzer through this call.
#ifndef TIDINGS_CFUZZER_SHIM_H
#define TIDINGS_CFUZZER_SHIM_H
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
