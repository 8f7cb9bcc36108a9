/* Archive member a.o: state + globals that clash with kmshared's common.c. */
#include "kmmath.h"

int counter;

int bump(void) { return ++counter; }
int count(void) { return counter; }
