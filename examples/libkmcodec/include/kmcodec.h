/* libkmcodec: run-length coding and a Fletcher-16 checksum.
 * A kmpack example of a C library built from source by a modules.txt line. */
#ifndef KMCODEC_H
#define KMCODEC_H

#include <stddef.h>
#include <stdint.h>

#define KMCODEC_VERSION "1.2.0"

#if defined(__GNUC__)
#define KMCODEC_API __attribute__((visibility("default")))
#else
#define KMCODEC_API
#endif

/* The library's version, as it was built: equal to KMCODEC_VERSION when
 * the header and the library are the same release. */
KMCODEC_API const char *kmcodec_version(void);

/* Encodes `n` bytes of `in` as (count, byte) pairs, runs of at most 255,
 * into `out` (room for 2 * n bytes). Returns the encoded length. */
KMCODEC_API size_t kmcodec_rle_encode(const uint8_t *in, size_t n, uint8_t *out);

/* Decodes `n` bytes of pairs into `out` (room for `cap` bytes). Returns
 * the decoded length, or (size_t)-1 for an odd length, a zero count or
 * too little room. */
KMCODEC_API size_t kmcodec_rle_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);

/* Fletcher-16 of `n` bytes. */
KMCODEC_API uint16_t kmcodec_fletcher16(const uint8_t *data, size_t n);

/* log2 of the mean run length of `n` bytes (uses libm: Libs.private). */
KMCODEC_API double kmcodec_log2_mean_run(const uint8_t *data, size_t n);

#endif
