#define _GNU_SOURCE
#include "moat_inflate.h"
#include "moat_zlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#if __has_include(<isa-l/igzip_lib.h>)
#include <isa-l/igzip_lib.h>
#define MOAT_HAVE_ISAL_HEADERS 1
#else
#define MOAT_HAVE_ISAL_HEADERS 0
#endif

#if MOAT_HAVE_ISAL_HEADERS
typedef void (*isal_inflate_init_fn)(struct inflate_state *);
typedef void (*isal_inflate_reset_fn)(struct inflate_state *);
typedef int (*isal_inflate_fn)(struct inflate_state *);

static pthread_once_t isal_once = PTHREAD_ONCE_INIT;
static isal_inflate_init_fn p_isal_inflate_init;
static isal_inflate_reset_fn p_isal_inflate_reset;
static isal_inflate_fn p_isal_inflate;

static void load_isal(void) {
    const char *names[] = {"libisal.so.2", "libisal.so", NULL};
    for (int i = 0; names[i]; i++) {
        void *handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (!handle) continue;
        p_isal_inflate_init = (isal_inflate_init_fn)dlsym(handle, "isal_inflate_init");
        p_isal_inflate_reset = (isal_inflate_reset_fn)dlsym(handle, "isal_inflate_reset");
        p_isal_inflate = (isal_inflate_fn)dlsym(handle, "isal_inflate");
        if (p_isal_inflate_init && p_isal_inflate_reset && p_isal_inflate) return;
        p_isal_inflate_init = NULL;
        p_isal_inflate_reset = NULL;
        p_isal_inflate = NULL;
        dlclose(handle);
    }
}
#endif

int moat_isal_available(void) {
#if MOAT_HAVE_ISAL_HEADERS
    if (getenv("MOAT_NO_ISAL")) return 0;
    pthread_once(&isal_once, load_isal);
    return p_isal_inflate != NULL;
#else
    return 0;
#endif
}

struct moat_inflater {
    int uses_isal;
    z_stream zs;
#if MOAT_HAVE_ISAL_HEADERS
    struct inflate_state *isal;
#endif
};

moat_inflater *moat_inflater_create(int allow_isal) {
    moat_inflater *inflater = calloc(1, sizeof(moat_inflater));
    if (!inflater) return NULL;
#if MOAT_HAVE_ISAL_HEADERS
    if (allow_isal && moat_isal_available()) {
        inflater->isal = malloc(sizeof(struct inflate_state));
        if (inflater->isal) {
            p_isal_inflate_init(inflater->isal);
            inflater->isal->crc_flag = ISAL_GZIP;
            inflater->uses_isal = 1;
            return inflater;
        }
    }
#endif
    if (inflateInit2(&inflater->zs, 15 + 16) != Z_OK) {
        free(inflater);
        return NULL;
    }
    return inflater;
}

int moat_inflater_uses_isal(const moat_inflater *inflater) { return inflater->uses_isal; }

int moat_inflater_reset(moat_inflater *inflater) {
#if MOAT_HAVE_ISAL_HEADERS
    if (inflater->uses_isal) {
        p_isal_inflate_reset(inflater->isal);
        inflater->isal->crc_flag = ISAL_GZIP;
        return MOAT_INFLATE_OK;
    }
#endif
    return inflateReset(&inflater->zs) == Z_OK ? MOAT_INFLATE_OK : MOAT_INFLATE_CORRUPT;
}

void moat_inflater_destroy(moat_inflater *inflater) {
    if (!inflater) return;
#if MOAT_HAVE_ISAL_HEADERS
    if (inflater->uses_isal) {
        free(inflater->isal);
        free(inflater);
        return;
    }
#endif
    inflateEnd(&inflater->zs);
    free(inflater);
}

int moat_inflate(moat_inflater *inflater,
                 const uint8_t *input, size_t input_length, size_t *input_used,
                 uint8_t *output, size_t output_capacity, size_t *output_produced) {
    /* Both libraries count in 32 bits; larger buffers are simply used partially. */
    uint32_t in_len = input_length > UINT32_MAX ? UINT32_MAX : (uint32_t)input_length;
    uint32_t out_cap = output_capacity > UINT32_MAX ? UINT32_MAX : (uint32_t)output_capacity;
#if MOAT_HAVE_ISAL_HEADERS
    if (inflater->uses_isal) {
        struct inflate_state *st = inflater->isal;
        st->next_in = (uint8_t *)input;
        st->avail_in = in_len;
        st->next_out = output;
        st->avail_out = out_cap;
        int rc = p_isal_inflate(st);
        *input_used = in_len - st->avail_in;
        *output_produced = out_cap - st->avail_out;
        if (rc == ISAL_INCORRECT_CHECKSUM) return MOAT_INFLATE_CHECKSUM;
        if (rc < 0) return MOAT_INFLATE_CORRUPT;
        if (st->block_state == ISAL_BLOCK_FINISH) return MOAT_INFLATE_MEMBER_END;
        return MOAT_INFLATE_OK;
    }
#endif
    z_stream *zs = &inflater->zs;
    zs->next_in = (Bytef *)input;
    zs->avail_in = in_len;
    zs->next_out = output;
    zs->avail_out = out_cap;
    int rc = inflate(zs, Z_NO_FLUSH);
    *input_used = in_len - zs->avail_in;
    *output_produced = out_cap - zs->avail_out;
    switch (rc) {
    case Z_STREAM_END: return MOAT_INFLATE_MEMBER_END;
    case Z_OK: return MOAT_INFLATE_OK;
    case Z_BUF_ERROR: return MOAT_INFLATE_OK; /* no progress possible: caller supplies more */
    case Z_MEM_ERROR: return MOAT_INFLATE_NOMEM;
    case Z_DATA_ERROR:
        /* Only the trailer checks ("incorrect data check", "incorrect length check") are checksum errors;
           "incorrect header check" means the input is not gzip at all. */
        return (zs->msg && (strstr(zs->msg, "data check") || strstr(zs->msg, "length check"))) ? MOAT_INFLATE_CHECKSUM
                                                                                                : MOAT_INFLATE_CORRUPT;
    default: return MOAT_INFLATE_CORRUPT;
    }
}

uint8_t *moat_gzip(const uint8_t *input, size_t input_length, int level, size_t *output_length) {
    return moat_zlib_compress(input, input_length, level, MOAT_ZLIB_FORMAT_GZIP, output_length);
}

void moat_free(void *pointer) { free(pointer); }

const void *moat_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}
