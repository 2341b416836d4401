// SHA-256 compression with the x86 SHA extensions (SHA-NI): the part of hashing uploads at memory
// speed that Swift cannot express (it has no intrinsics for these instructions). Shared's
// SHA256State uses it when the CPU has them and keeps its own Swift compression otherwise.
#ifndef ROOST_CSHA256_H
#define ROOST_CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU executes the SHA extensions (CPUID leaf 7, EBX bit 29) and SSE4.1, else 0.
int roost_sha256_hw_available(void);

/// Runs the SHA-256 compression function over `blocks` consecutive 64-byte blocks at `data`,
/// updating `state` (the eight working words a..h, native byte order). Call only when
/// roost_sha256_hw_available() returned 1.
void roost_sha256_hw_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
