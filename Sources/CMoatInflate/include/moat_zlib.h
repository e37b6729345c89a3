#ifndef MOAT_ZLIB_H
#define MOAT_ZLIB_H

#include <stddef.h>
#include <stdint.h>

/// A streaming inflater over the system zlib for raw deflate (zip entries) and zlib-wrapped streams
/// (ELF `.dep-v0` sections). Unlike moat_inflater it never uses ISA-L and never expects gzip framing.
typedef struct moat_zlib_stream moat_zlib_stream;

typedef enum {
    MOAT_ZLIB_FORMAT_RAW = 0,   /* bare deflate, as in zip entries (method 8) */
    MOAT_ZLIB_FORMAT_ZLIB = 1,  /* RFC 1950: 2-byte header, deflate, Adler-32 trailer */
    MOAT_ZLIB_FORMAT_GZIP = 2   /* RFC 1952, for writing test fixtures (reading gzip goes through moat_inflate) */
} moat_zlib_format;

typedef enum {
    MOAT_ZLIB_OK = 0,           /* progress made (or none possible): supply more input or more output room */
    MOAT_ZLIB_STREAM_END = 1,   /* the deflate stream ended; input past `input_used` is not part of it */
    MOAT_ZLIB_CORRUPT = -1,     /* invalid deflate data, bad zlib header or Adler-32 mismatch */
    MOAT_ZLIB_NOMEM = -3
} moat_zlib_status;

/// Creates an inflater for one stream of the given format; NULL when out of memory or the format is unknown.
moat_zlib_stream *moat_zlib_create(int format);
/// Makes the inflater ready for a new stream of the same format.
int moat_zlib_reset(moat_zlib_stream *stream);
void moat_zlib_destroy(moat_zlib_stream *stream);

/// Inflates from `input` into `output`; reports how much of each was used. Buffers above 4 GiB are used partially.
int moat_zlib_inflate(moat_zlib_stream *stream,
                      const uint8_t *input, size_t input_length, size_t *input_used,
                      uint8_t *output, size_t output_capacity, size_t *output_produced);

/// Total bytes consumed and produced since the last create/reset.
uint64_t moat_zlib_total_in(const moat_zlib_stream *stream);
uint64_t moat_zlib_total_out(const moat_zlib_stream *stream);

/// Compresses `input` in one call (test fixtures and writers). Returns a malloc'd buffer freed with
/// moat_zlib_free, or NULL.
uint8_t *moat_zlib_compress(const uint8_t *input, size_t input_length, int level, int format, size_t *output_length);
void moat_zlib_free(void *pointer);

#endif
