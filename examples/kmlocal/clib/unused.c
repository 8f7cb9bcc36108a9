/* Archive member unused.o: no extension references anything in here.
 * kmlocal_does_not_exist is defined nowhere, so linking this member into
 * any final binary fails -- only members actually pulled must be taken. */
#include "kmmath.h"

extern int kmlocal_does_not_exist(void);

int counter_unused_shadow = 99;

int kmm_unused(void) { return kmlocal_does_not_exist() + counter_unused_shadow; }
