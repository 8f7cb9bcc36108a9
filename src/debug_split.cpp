#include "kmpack/debug_split.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"

#include <cstring>
#include <llvm/BinaryFormat/ELF.h>
#include <llvm/ObjCopy/ConfigManager.h>
#include <llvm/ObjCopy/ObjCopy.h>
#include <llvm/Object/Binary.h>
#include <llvm/Object/ELF.h>
#include <llvm/Support/CRC.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

namespace kmpack {

namespace {

std::string objcopy(const std::string &bytes, const fs::path &name, llvm::objcopy::ConfigManager &config) {
    std::string input = name.string(); // the config holds StringRefs
    config.Common.InputFilename = input;
    llvm::MemoryBufferRef buffer(llvm::StringRef(bytes.data(), bytes.size()), name.string());
    auto binary = llvm::object::createBinary(buffer);
    if (!binary)
        throw Error(name.string() + ": cannot read: " + llvm::toString(binary.takeError()));
    llvm::SmallVector<char, 0> out;
    llvm::raw_svector_ostream stream(out);
    if (llvm::Error e = llvm::objcopy::executeObjcopyOnBinary(config, **binary, stream))
        throw Error(name.string() + ": " + llvm::toString(std::move(e)));
    return std::string(out.data(), out.size());
}

// GNU ld links a static program's IRELATIVE relocations (.rela.plt, which
// name no symbol) to .symtab; LLVM's ObjCopy refuses an allocated
// relocation section linked to anything but a dynamic symbol table. Such a
// link is set to 0, as lld writes it, before the copy.
void unlink_static_relocations(std::string &bytes, const fs::path &name) {
    auto file = llvm::object::ELF64LEFile::create(llvm::StringRef(bytes.data(), bytes.size()));
    if (!file)
        throw Error(name.string() + ": cannot read: " + llvm::toString(file.takeError()));
    auto sections = file->sections();
    if (!sections)
        throw Error(name.string() + ": cannot read its sections: " + llvm::toString(sections.takeError()));
    for (const auto &s : *sections) {
        bool relocations = s.sh_type == llvm::ELF::SHT_RELA || s.sh_type == llvm::ELF::SHT_REL;
        if (!relocations || !(s.sh_flags & llvm::ELF::SHF_ALLOC) || s.sh_link == 0 || s.sh_link >= sections->size())
            continue;
        if ((*sections)[s.sh_link].sh_type != llvm::ELF::SHT_SYMTAB)
            continue;
        size_t at = reinterpret_cast<const char *>(&s.sh_link) - bytes.data();
        std::memset(bytes.data() + at, 0, sizeof s.sh_link);
    }
}

} // namespace

void split_debug_info(const fs::path &program, const fs::path &debug_file) {
    std::string bytes = read_file(program);
    unlink_static_relocations(bytes, program);
    llvm::objcopy::ConfigManager keep;
    keep.Common.OnlyKeepDebug = true;
    std::string debug = objcopy(bytes, program, keep);
    write_file_atomic(debug_file, debug);

    llvm::objcopy::ConfigManager strip;
    strip.Common.StripAll = true;
    // As strip does, .comment stays: it names the compilers and the linker.
    if (llvm::Error e = strip.Common.KeepSection.addMatcher(llvm::objcopy::NameOrPattern::create(
            ".comment", llvm::objcopy::MatchStyle::Literal, [](llvm::Error err) { return err; })))
        throw Error(llvm::toString(std::move(e)));
    std::string link = debug_file.filename().string();
    strip.Common.AddGnuDebugLink = link;
    strip.Common.GnuDebugLinkCRC32 =
        llvm::crc32(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(debug.data()), debug.size()));
    std::string stripped = objcopy(bytes, program, strip);
    write_file_atomic(program, stripped);
    fs::permissions(program, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec);
}

} // namespace kmpack
