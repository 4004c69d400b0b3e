// zlib, for the test HTTP server's gzip and deflate bodies only.
#ifndef TIDINGS_CZLIB_SHIM_H
#define TIDINGS_CZLIB_SHIM_H
#include <zlib.h>
static inline int tdz_deflate_init2(z_streamp s, int level, int windowBits) {
    return deflateInit2(s, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
