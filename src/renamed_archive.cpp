#include "kmpack/renamed_archive.h"

#include "kmpack/conventions.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"

#include <cstdio>
#include <llvm/BinaryFormat/ELF.h>
#include <llvm/ObjCopy/ConfigManager.h>
#include <llvm/ObjCopy/ObjCopy.h>
#include <llvm/Object/ArchiveWriter.h>
#include <llvm/Object/Binary.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

namespace kmpack {

namespace {

// The objcopy configuration of a plan: the same for every object of the .so,
// so renamed_archive() builds it once instead of once per object.
void fill_config(llvm::objcopy::ConfigManager &config, const SoPlan &plan) {
    llvm::objcopy::CommonConfig &common = config.Common;
    for (const auto &[old_name, new_name] : plan.symmap)
        common.SymbolsToRename[old_name] = new_name;
    for (const auto &[old_name, new_name] : plan.imports)
        common.SymbolsToRename[old_name] = new_name;
    // Bitcode a compiler embedded beside the code (Rust's standard library
    // is built so): it still says the original names, and a linker plugin
    // (LLVMgold, which nm and GNU ld load by themselves) reads it as the object.
    for (const char *section : {".llvmbc", ".llvmcmd"})
        llvm::cantFail(common.ToRemove.addMatcher(llvm::objcopy::NameOrPattern::create(
            section, llvm::objcopy::MatchStyle::Literal, [](llvm::Error e) { return e; })));
    for (const auto &[old_name, new_name] : plan.section_renames) {
        common.SectionsToRename.try_emplace(old_name, llvm::objcopy::SectionRename{old_name, new_name, std::nullopt});
        // A moved constructor table must be plain data: linkers that gather
        // sections by type (mold) would still run an SHT_INIT_ARRAY before main.
        common.SetSectionType[old_name] = llvm::ELF::SHT_PROGBITS;
        common.SetSectionType[new_name] = llvm::ELF::SHT_PROGBITS;
    }
}

std::string rename_with(llvm::objcopy::ConfigManager &config, const InputObject &input) {
    config.Common.InputFilename = input.display;
    llvm::MemoryBufferRef buffer(llvm::StringRef(input.bytes.data(), input.bytes.size()), input.display);
    auto binary = llvm::object::createBinary(buffer);
    if (!binary)
        throw Error(input.display + ": cannot read: " + llvm::toString(binary.takeError()));
    llvm::SmallVector<char, 0> out;
    llvm::raw_svector_ostream stream(out);
    if (llvm::Error e = llvm::objcopy::executeObjcopyOnBinary(config, **binary, stream))
        throw Error(input.display + ": renaming failed: " + llvm::toString(std::move(e)));
    return std::string(out.data(), out.size());
}

} // namespace

std::string rename_object(const InputObject &input, const SoPlan &plan) {
    llvm::objcopy::ConfigManager config;
    fill_config(config, plan);
    return rename_with(config, input);
}

std::string renamed_archive(const SoPlan &plan) {
    std::vector<std::string> names;
    std::vector<std::string> contents;
    names.reserve(plan.inputs.size());
    contents.reserve(plan.inputs.size());
    llvm::objcopy::ConfigManager config;
    fill_config(config, plan);
    for (size_t i = 0; i < plan.inputs.size(); ++i) {
        const InputObject &in = plan.inputs[i];
        std::string file = in.member.empty() ? in.path.filename().string() : in.member;
        char prefix[32];
        std::snprintf(prefix, sizeof prefix, "%03zu-", i);
        names.push_back(prefix + file);
        contents.push_back(rename_with(config, in));
    }
    std::vector<llvm::NewArchiveMember> members;
    for (size_t i = 0; i < names.size(); ++i) {
        llvm::NewArchiveMember m;
        m.Buf = llvm::MemoryBuffer::getMemBuffer(contents[i], names[i], /*RequiresNullTerminator=*/false);
        m.MemberName = names[i];
        members.push_back(std::move(m));
    }
    auto archive = llvm::writeArchiveToBuffer(members, llvm::SymtabWritingMode::NormalSymtab,
                                              llvm::object::Archive::K_GNU, /*Deterministic=*/true,
                                              /*Thin=*/false);
    if (!archive)
        throw Error(plan.rel_path + ": cannot write archive: " + llvm::toString(archive.takeError()));
    return std::string((*archive)->getBuffer());
}

void write_renamed_archive(const SoPlan &plan) {
    write_file_atomic(artifact_path(plan.so_path, Artifact::Archive), renamed_archive(plan));
}

} // namespace kmpack
