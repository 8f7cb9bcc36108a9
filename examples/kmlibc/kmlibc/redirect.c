/* Plain C, without Python.h: as C99 code does, a call of fscanf here is
 * redirected by glibc's <stdio.h> to __isoc99_fscanf. */
#include <stdint.h>
#include <stdio.h>

uintptr_t kmlibc_fscanf_as_compiled(void) { return (uintptr_t)&fscanf; }
