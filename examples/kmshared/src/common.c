#include "common.h"

int counter;                 /* tentative/common-style global (bss) */
const char *owner_name = "unset";

int bump(void) { return ++counter; }
int count(void) { return counter; }
void set_owner(const char *name) { owner_name = name; }
const char *common_owner(void) { return owner_name; }
