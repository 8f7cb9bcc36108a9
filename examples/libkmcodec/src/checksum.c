#include "kmcodec.h"

#include <math.h>

uint16_t kmcodec_fletcher16(const uint8_t *data, size_t n) {
    uint32_t a = 0, b = 0;
    for (size_t i = 0; i < n; ++i) {
        a = (a + data[i]) % 255;
        b = (b + a) % 255;
    }
    return (uint16_t)((b << 8) | a);
}

double kmcodec_log2_mean_run(const uint8_t *data, size_t n) {
    if (n == 0)
        return 0.0;
    size_t runs = 1;
    for (size_t i = 1; i < n; ++i)
        runs += data[i] != data[i - 1];
    return log2((double)n / (double)runs);
}
