// The ELF/archive reading path: "!<arch>\n" input goes through
// kmpack::read_archive and then read_object on every member (as
// collect_inputs does); anything else through read_object on the bytes and
// read_shared_object and read_versioned_exports on a per-process file
// (fuzz_file.h); archives also through for_each_archive_member. Each call either
// returns or throws kmpack::Error.
#include "fuzz_file.h"
#include "kmpack/elf_symbols.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string_view bytes(reinterpret_cast<const char *>(data), size);
    const std::string &path = kmpack_fuzz::input_file().write(data, size);
    if (bytes.substr(0, 8) == "!<arch>\n") {
        std::vector<kmpack::ArchiveMember> members;
        kmpack_fuzz::run_guarded("fuzz_elf (read_archive)", [&] { members = kmpack::read_archive(path); });
        for (const auto &member : members)
            kmpack_fuzz::run_guarded("fuzz_elf (read_object on an archive member)", [&] {
                (void)kmpack::read_object(member.bytes, "fuzz.a(" + member.name + ")");
            });
        // The mapped reading the weak-reference scan and the libc table use.
        kmpack_fuzz::run_guarded("fuzz_elf (for_each_archive_member)", [&] {
            kmpack::for_each_archive_member(path, [](const std::string &, std::string_view member) {
                (void)member.size();
            });
        });
        return 0;
    }
    kmpack_fuzz::run_guarded("fuzz_elf (read_object)", [&] {
        kmpack::ObjectSymbols s = kmpack::read_object(bytes, "fuzz.o");
        (void)kmpack::machine_name(s.machine);
    });
    kmpack_fuzz::run_guarded("fuzz_elf (read_shared_object)", [&] {
        kmpack::SharedObjectSymbols s = kmpack::read_shared_object(path);
        (void)kmpack::machine_name(s.machine);
    });
    kmpack_fuzz::run_guarded("fuzz_elf (read_versioned_exports)", [&] {
        (void)kmpack::read_versioned_exports(path);
    });
    return 0;
}
