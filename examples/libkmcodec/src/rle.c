#include "kmcodec.h"

const char *kmcodec_version(void) { return KMCODEC_BUILD_VERSION; }

size_t kmcodec_rle_encode(const uint8_t *in, size_t n, uint8_t *out) {
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t run = 1;
        while (i + run < n && in[i + run] == in[i] && run < 255)
            ++run;
        out[o++] = (uint8_t)run;
        out[o++] = in[i];
        i += run;
    }
    return o;
}

size_t kmcodec_rle_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
    if (n % 2)
        return (size_t)-1;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 2) {
        if (in[i] == 0 || o + in[i] > cap)
            return (size_t)-1;
        for (size_t k = 0; k < in[i]; ++k)
            out[o++] = in[i + 1];
    }
    return o;
}
