// How kmpack's process uses the C allocator.
#pragma once

namespace kmpack {

// The post-processing allocates and frees buffers the size of objects, .so
// files and archives (hundreds of kilobytes to megabytes) on every thread.
// glibc's defaults hand large freed blocks back to the kernel (mmap'd
// blocks, and trimming the heap's top), so the next buffer is faulted in
// again, page by page, zeroed: about a fifth of kmpack's CPU time on a large
// package (bench/RESULTS.md). This keeps freed memory in the process for
// reuse instead; the peak stays what the largest moment needs. Call once, at
// the start of main, before any thread starts.
void keep_freed_memory();

} // namespace kmpack
