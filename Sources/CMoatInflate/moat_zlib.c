#include "moat_zlib.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct moat_zlib_stream {
    z_stream zs;
    int format;
};

static int window_bits(int format) {
    switch (format) {
    case MOAT_ZLIB_FORMAT_RAW: return -15;
    case MOAT_ZLIB_FORMAT_ZLIB: return 15;
    case MOAT_ZLIB_FORMAT_GZIP: return 15 + 16;
    default: return 0;
    }
}

moat_zlib_stream *moat_zlib_create(int format) {
    int bits = window_bits(format);
    if (bits == 0) return NULL;
    moat_zlib_stream *stream = calloc(1, sizeof(moat_zlib_stream));
    if (!stream) return NULL;
    stream->format = format;
    if (inflateInit2(&stream->zs, bits) != Z_OK) {
        free(stream);
        return NULL;
    }
    return stream;
}

int moat_zlib_reset(moat_zlib_stream *stream) {
    return inflateReset(&stream->zs) == Z_OK ? MOAT_ZLIB_OK : MOAT_ZLIB_CORRUPT;
}

void moat_zlib_destroy(moat_zlib_stream *stream) {
    if (!stream) return;
    inflateEnd(&stream->zs);
    free(stream);
}

int moat_zlib_inflate(moat_zlib_stream *stream,
                      const uint8_t *input, size_t input_length, size_t *input_used,
                      uint8_t *output, size_t output_capacity, size_t *output_produced) {
    uint32_t in_len = input_length > UINT32_MAX ? UINT32_MAX : (uint32_t)input_length;
    uint32_t out_cap = output_capacity > UINT32_MAX ? UINT32_MAX : (uint32_t)output_capacity;
    z_stream *zs = &stream->zs;
    zs->next_in = (Bytef *)input;
    zs->avail_in = in_len;
    zs->next_out = output;
    zs->avail_out = out_cap;
    int rc = inflate(zs, Z_NO_FLUSH);
    *input_used = in_len - zs->avail_in;
    *output_produced = out_cap - zs->avail_out;
    switch (rc) {
    case Z_STREAM_END: return MOAT_ZLIB_STREAM_END;
    case Z_OK: return MOAT_ZLIB_OK;
    case Z_BUF_ERROR: return MOAT_ZLIB_OK; /* no progress possible: the caller supplies more */
    case Z_MEM_ERROR: return MOAT_ZLIB_NOMEM;
    default: return MOAT_ZLIB_CORRUPT;   /* Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR */
    }
}

uint64_t moat_zlib_total_in(const moat_zlib_stream *stream) { return stream->zs.total_in; }
uint64_t moat_zlib_total_out(const moat_zlib_stream *stream) { return stream->zs.total_out; }

uint8_t *moat_zlib_compress(const uint8_t *input, size_t input_length, int level, int format, size_t *output_length) {
    int bits = window_bits(format);
    if (bits == 0 || input_length > UINT32_MAX) return NULL;
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, level, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) return NULL;
    uLong bound = deflateBound(&zs, (uLong)input_length) + 64;
    uint8_t *out = malloc(bound);
    if (!out) { deflateEnd(&zs); return NULL; }
    zs.next_in = (Bytef *)input;
    zs.avail_in = (uInt)input_length;
    zs.next_out = out;
    zs.avail_out = (uInt)bound;
    int rc = deflate(&zs, Z_FINISH);
    *output_length = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) { free(out); return NULL; }
    return out;
}

void moat_zlib_free(void *pointer) { free(pointer); }
