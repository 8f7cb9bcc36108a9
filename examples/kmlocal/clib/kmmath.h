#ifndef KMMATH_H
#define KMMATH_H
/* a.c: names deliberately identical to kmshared's src/common.c */
extern int counter;
int bump(void);
int count(void);
/* b.c: pulls a.o through bump() */
int kmm_bump_by(int n);
int kmm_square(int x);
extern const char kmm_name[];
/* unused.c: never linked (references an undefined symbol) */
int kmm_unused(void);
#endif
