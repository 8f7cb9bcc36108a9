/* Archive member b.o: used only by kmlocal.m1; depends on a.o. */
#include "kmmath.h"

const char kmm_name[] = "kmmath-b";

int kmm_bump_by(int n) {
    int r = count();
    while (n-- > 0) r = bump();
    return r;
}

int kmm_square(int x) { return x * x; }
