#ifndef KMSHARED_COMMON_H
#define KMSHARED_COMMON_H
/* Deliberately clash-prone global names, defined in common.c which is
 * linked into both kmshared.alpha and kmshared.beta. */
extern int counter;
extern const char *owner_name;
int bump(void);
int count(void);
void set_owner(const char *name);
const char *common_owner(void);
#endif
