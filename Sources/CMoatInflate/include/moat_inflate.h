#ifndef MOAT_INFLATE_H
#define MOAT_INFLATE_H

#include <stddef.h>
#include <stdint.h>

/// A gzip inflater backed by Intel ISA-L when libisal is loadable, else by zlib.
typedef struct moat_inflater moat_inflater;

typedef enum {
    MOAT_INFLATE_OK = 0,          /* progress made; call again with more input or more output room */
    MOAT_INFLATE_MEMBER_END = 1,  /* one gzip member ended (trailer checked); more members may follow */
    MOAT_INFLATE_CORRUPT = -1,    /* invalid deflate data or gzip header */
    MOAT_INFLATE_CHECKSUM = -2,   /* gzip CRC or length trailer mismatch */
    MOAT_INFLATE_NOMEM = -3
} moat_inflate_status;

/// Creates an inflater for gzip streams. `allow_isal` = 0 forces zlib (tests, benchmarks).
moat_inflater *moat_inflater_create(int allow_isal);
/// 1 when this inflater runs on ISA-L, 0 on zlib.
int moat_inflater_uses_isal(const moat_inflater *inflater);
/// Starts a new gzip member (after MOAT_INFLATE_MEMBER_END).
int moat_inflater_reset(moat_inflater *inflater);
void moat_inflater_destroy(moat_inflater *inflater);

/// Inflates from `input` into `output`; reports how much of each was used.
int moat_inflate(moat_inflater *inflater,
                 const uint8_t *input, size_t input_length, size_t *input_used,
                 uint8_t *output, size_t output_capacity, size_t *output_produced);

/// 1 when libisal could be loaded on this machine.
int moat_isal_available(void);

/// Gzip-compresses `input` in one call with zlib (test support and image writers).
/// Returns a malloc'd buffer the caller frees with moat_free, or NULL.
uint8_t *moat_gzip(const uint8_t *input, size_t input_length, int level, size_t *output_length);
void moat_free(void *pointer);

/// glibc's memmem (SIMD-accelerated), which Swift's Glibc module does not export.
const void *moat_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

#endif
