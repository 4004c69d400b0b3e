// OpenSSL's libcrypto, for one thing: SHA-256 of whole fetched bodies, where
// it uses the CPU's SHA extensions (or AVX2). libcurl already loads it.
#ifndef TIDINGS_CCRYPTO_SHIM_H
#define TIDINGS_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
