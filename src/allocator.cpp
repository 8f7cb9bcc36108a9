#include "kmpack/allocator.h"

#include <climits>
#include <malloc.h>

namespace kmpack {

void keep_freed_memory() {
    // Blocks up to 32 MiB (glibc's largest mmap threshold on 64-bit) come
    // from the heap, and the heap is never trimmed. A refusal is harmless:
    // the defaults stay.
    ::mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    ::mallopt(M_TRIM_THRESHOLD, INT_MAX);
}

} // namespace kmpack
