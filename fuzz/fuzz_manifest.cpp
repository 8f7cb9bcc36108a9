// kmpack::parse_manifest on arbitrary text (check_paths=false: nothing is
// looked up on disk). A parse either returns modules or throws kmpack::Error.
#include "fuzz_file.h"
#include "kmpack/manifest.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string_view text(reinterpret_cast<const char *>(data), size);
    kmpack_fuzz::run_guarded("fuzz_manifest", [&] {
        kmpack::Manifest manifest = kmpack::parse_manifest(text, "modules.txt", "/fuzz/base", false);
        // What a successful parse promises.
        for (const auto &m : manifest.modules) {
            if (m.name.empty() || m.source.empty() || m.origin.empty())
                __builtin_trap();
            if (m.kind != kmpack::SourceKind::Git && !m.local_path.is_absolute())
                __builtin_trap();
            for (const auto &pattern : m.skip)
                (void)kmpack::glob_match(pattern, m.name);
        }
    });
    return 0;
}
