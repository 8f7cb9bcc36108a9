// kmpack::read_capture_log on arbitrary bytes, written to a per-process file
// (fuzz_file.h). A read either returns records or throws kmpack::Error.
#include "fuzz_file.h"
#include "kmpack/capture.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string &path = kmpack_fuzz::input_file().write(data, size);
    kmpack_fuzz::run_guarded("fuzz_capture_log", [&] {
        for (const auto &record : kmpack::read_capture_log(path)) {
            // What a successful read promises.
            if (record.argv.empty() || !record.cwd.is_absolute())
                __builtin_trap();
            (void)kmpack::is_shared_link(record.argv);
        }
    });
    return 0;
}
