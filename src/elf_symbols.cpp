#include "kmpack/elf_symbols.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"

#include <algorithm>
#include <map>
#include <optional>
#include <llvm/BinaryFormat/ELF.h>
#include <llvm/Object/Archive.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/MemoryBuffer.h>

namespace kmpack {

namespace {

std::string message(llvm::Error e) { return llvm::toString(std::move(e)); }

SymbolKind kind_of(uint8_t elf_type, bool common) {
    if (common)
        return SymbolKind::Common;
    switch (elf_type) {
    case llvm::ELF::STT_FUNC:
        return SymbolKind::Function;
    case llvm::ELF::STT_OBJECT:
        return SymbolKind::Data;
    case llvm::ELF::STT_TLS:
        return SymbolKind::Tls;
    case llvm::ELF::STT_GNU_IFUNC:
        return SymbolKind::Ifunc;
    case llvm::ELF::STT_COMMON:
        return SymbolKind::Common;
    default:
        return SymbolKind::NoType;
    }
}

// Global, weak or unique; nullopt for local symbols.
std::optional<SymbolBinding> binding_of(uint8_t binding) {
    switch (binding) {
    case llvm::ELF::STB_GLOBAL:
        return SymbolBinding::Global;
    case llvm::ELF::STB_WEAK:
        return SymbolBinding::Weak;
    case llvm::ELF::STB_GNU_UNIQUE:
        return SymbolBinding::Unique;
    default:
        return std::nullopt;
    }
}

std::unique_ptr<llvm::object::ELFObjectFileBase> open_elf(llvm::MemoryBufferRef buffer, const std::string &name) {
    auto object = llvm::object::ObjectFile::createObjectFile(buffer);
    if (!object)
        throw Error(name + ": not a valid object file: " + message(object.takeError()));
    auto *elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(object->get());
    if (!elf)
        throw Error(name + ": not an ELF file");
    object->release();
    return std::unique_ptr<llvm::object::ELFObjectFileBase>(elf);
}

// Reads the properties of one symbol; false for symbols that are not wanted.
template <class SymbolRef>
bool describe(const SymbolRef &sym, const std::string &file, ElfSymbol &out, bool &undefined) {
    auto flags = sym.getFlags();
    if (!flags)
        throw Error(file + ": bad symbol: " + message(flags.takeError()));
    auto binding = binding_of(sym.getBinding());
    if (!binding)
        return false;
    auto name = sym.getName();
    if (!name)
        throw Error(file + ": bad symbol name: " + message(name.takeError()));
    out.name = name->str();
    if (out.name.empty())
        return false;
    bool common = *flags & llvm::object::SymbolRef::SF_Common;
    undefined = (*flags & llvm::object::SymbolRef::SF_Undefined) && !common;
    out.binding = *binding;
    out.kind = kind_of(sym.getELFType(), common);
    out.size = sym.getSize();
    uint8_t visibility = sym.getOther() & 0x3;
    out.hidden = visibility == llvm::ELF::STV_HIDDEN || visibility == llvm::ELF::STV_INTERNAL;
    return true;
}

} // namespace

const char *to_string(SymbolKind kind) {
    switch (kind) {
    case SymbolKind::Function:
        return "function";
    case SymbolKind::Data:
        return "data";
    case SymbolKind::Tls:
        return "tls";
    case SymbolKind::Ifunc:
        return "ifunc";
    case SymbolKind::Common:
        return "common";
    case SymbolKind::NoType:
        break;
    }
    return "notype";
}

const char *to_string(SymbolBinding binding) {
    switch (binding) {
    case SymbolBinding::Weak:
        return "weak";
    case SymbolBinding::Unique:
        return "unique";
    case SymbolBinding::Global:
        break;
    }
    return "global";
}

std::string machine_name(uint16_t machine) {
    switch (machine) {
    case llvm::ELF::EM_X86_64:
        return "x86-64";
    case llvm::ELF::EM_386:
        return "i386";
    case llvm::ELF::EM_AARCH64:
        return "AArch64";
    case llvm::ELF::EM_ARM:
        return "ARM";
    case llvm::ELF::EM_RISCV:
        return "RISC-V";
    case llvm::ELF::EM_PPC64:
        return "PowerPC64";
    case llvm::ELF::EM_S390:
        return "s390";
    default:
        return "machine " + std::to_string(machine);
    }
}

SharedObjectSymbols read_shared_object(const std::filesystem::path &path) {
    std::string bytes = read_file(path);
    auto elf = open_elf(llvm::MemoryBufferRef(bytes, path.string()), path.string());
    if (elf->getEType() != llvm::ELF::ET_DYN)
        throw Error(path.string() + ": not a shared object");
    SharedObjectSymbols out;
    out.machine = elf->getEMachine();
    for (const auto &sym : elf->getDynamicSymbolIterators()) {
        ElfSymbol s;
        bool undefined = false;
        if (!describe(llvm::object::ELFSymbolRef(sym), path.string(), s, undefined) || undefined)
            continue;
        out.exports.push_back(std::move(s));
    }
    std::sort(out.exports.begin(), out.exports.end(),
              [](const ElfSymbol &a, const ElfSymbol &b) { return a.name < b.name; });
    return out;
}

std::vector<VersionedSymbol> read_versioned_exports(const std::filesystem::path &path) {
    std::string bytes = read_file(path);
    auto elf = open_elf(llvm::MemoryBufferRef(bytes, path.string()), path.string());
    if (elf->getEType() != llvm::ELF::ET_DYN)
        throw Error(path.string() + ": not a shared object");
    // One entry per .dynsym symbol (the null one left out), in order; its
    // IsVerDef says whether it is the default version (LLVM computes it from
    // the hidden bit of .gnu.version). Empty without symbol versions.
    auto versions = elf->readDynsymVersions();
    if (!versions)
        throw Error(path.string() + ": bad symbol versions: " + message(versions.takeError()));
    std::vector<VersionedSymbol> out;
    size_t i = 0;
    for (const auto &sym : elf->getDynamicSymbolIterators()) {
        size_t at = i++;
        VersionedSymbol v;
        bool undefined = false;
        if (!describe(llvm::object::ELFSymbolRef(sym), path.string(), v.symbol, undefined) || undefined)
            continue;
        if (at < versions->size()) {
            v.version = (*versions)[at].Name;
            v.default_version = (*versions)[at].IsVerDef;
        }
        out.push_back(std::move(v));
    }
    return out;
}

namespace {

// The string values of every `tag` entry of a 64-bit little-endian ELF
// shared object's .dynamic, in order; empty when it is not one.
std::vector<std::string> dynamic_strings(const std::filesystem::path &path, int64_t tag) {
    std::string bytes;
    try {
        bytes = read_file(path);
    } catch (const Error &) {
        return {};
    }
    auto object = llvm::object::ObjectFile::createObjectFile(llvm::MemoryBufferRef(bytes, path.string()));
    if (!object) {
        llvm::consumeError(object.takeError());
        return {};
    }
    auto *elf = llvm::dyn_cast<llvm::object::ELF64LEObjectFile>(object->get());
    if (!elf || elf->getELFFile().getHeader().e_type != llvm::ELF::ET_DYN)
        return {};
    const auto &file = elf->getELFFile();
    auto sections = file.sections();
    if (!sections) {
        llvm::consumeError(sections.takeError());
        return {};
    }
    std::vector<std::string> values;
    for (const auto &section : *sections) {
        if (section.sh_type != llvm::ELF::SHT_DYNAMIC)
            continue;
        auto strings = file.getLinkAsStrtab(section);
        auto entries = file.template getSectionContentsAsArray<llvm::object::ELF64LE::Dyn>(section);
        if (!strings || !entries) {
            llvm::consumeError(strings.takeError());
            llvm::consumeError(entries.takeError());
            return {};
        }
        for (const auto &entry : *entries)
            if (entry.d_tag == tag && entry.getVal() < strings->size())
                values.emplace_back(strings->data() + entry.getVal());
    }
    return values;
}

} // namespace

std::string read_soname(const std::filesystem::path &path) {
    std::vector<std::string> names = dynamic_strings(path, llvm::ELF::DT_SONAME);
    return names.empty() ? std::string() : names.front();
}

std::vector<std::string> read_needed(const std::filesystem::path &path) {
    return dynamic_strings(path, llvm::ELF::DT_NEEDED);
}

std::vector<ElfSymbol> read_program_symbols(const std::filesystem::path &path) {
    std::string bytes = read_file(path);
    auto elf = open_elf(llvm::MemoryBufferRef(bytes, path.string()), path.string());
    if (elf->getEType() != llvm::ELF::ET_EXEC && elf->getEType() != llvm::ELF::ET_DYN)
        throw Error(path.string() + ": not a linked program");
    std::map<std::string, ElfSymbol> by_name;
    for (const auto &ref : elf->symbols()) {
        llvm::object::ELFSymbolRef sym(ref);
        // Hidden globals count too (glibc's functions are hidden in a static
        // link; visibility means nothing inside one program), and so do the
        // ones a linker demoted to local for being hidden (mold does): they
        // keep STV_HIDDEN, unlike a file's own static symbols.
        bool demoted = sym.getBinding() == llvm::ELF::STB_LOCAL && (sym.getOther() & 0x3) == llvm::ELF::STV_HIDDEN;
        ElfSymbol s;
        bool undefined = false;
        if (demoted) {
            auto name = sym.getName();
            auto flags = sym.getFlags();
            if (!name || !flags) {
                llvm::consumeError(name.takeError());
                llvm::consumeError(flags.takeError());
                continue;
            }
            s.name = name->str();
            s.kind = kind_of(sym.getELFType(), false);
            s.size = sym.getSize();
            s.hidden = true;
            undefined = *flags & llvm::object::SymbolRef::SF_Undefined;
        } else if (!describe(sym, path.string(), s, undefined)) {
            continue;
        }
        if (undefined || s.name.empty())
            continue;
        if (s.kind == SymbolKind::Function || s.kind == SymbolKind::Data || s.kind == SymbolKind::Ifunc)
            by_name.emplace(s.name, std::move(s));
    }
    std::vector<ElfSymbol> out;
    for (auto &[name, s] : by_name)
        out.push_back(std::move(s));
    return out;
}

ObjectSymbols read_object(std::string_view bytes, const std::string &name) {
    auto elf = open_elf(llvm::MemoryBufferRef(llvm::StringRef(bytes.data(), bytes.size()), name), name);
    if (elf->getEType() != llvm::ELF::ET_REL)
        throw Error(name + ": not a relocatable object (.o)");
    ObjectSymbols out;
    out.machine = elf->getEMachine();
    for (const auto &sym : elf->symbols()) {
        ElfSymbol s;
        bool undefined = false;
        if (!describe(llvm::object::ELFSymbolRef(sym), name, s, undefined))
            continue;
        if (undefined) {
            if (s.binding == SymbolBinding::Weak)
                out.weak_undefined.push_back(s.name);
            out.undefined.push_back(std::move(s.name));
        } else
            out.defined.push_back(std::move(s));
    }
    for (const auto &section : elf->sections()) {
        auto section_name = section.getName();
        if (!section_name)
            throw Error(name + ": bad section name: " + message(section_name.takeError()));
        out.sections.push_back(section_name->str());
    }
    return out;
}

namespace {

// Checks that every member of the archive in `bytes` lies inside it. LLVM
// hands out a member's data before checking its size against the buffer, so
// a truncated archive would otherwise be read past its end.
void check_archive_bounds(std::string_view bytes, const std::string &file) {
    constexpr size_t kHeader = 60, kSizeAt = 48, kSizeLength = 10;
    for (size_t at = 8; at < bytes.size();) {
        if (bytes.size() - at < kHeader)
            throw Error(file + ": truncated archive (member header at offset " + std::to_string(at) + ")");
        std::string field(bytes.substr(at + kSizeAt, kSizeLength));
        field.erase(field.find_last_not_of(' ') + 1);
        if (field.empty() || !std::all_of(field.begin(), field.end(), [](unsigned char c) { return std::isdigit(c) != 0; }) || field.size() > 12)
            throw Error(file + ": malformed archive (member size '" + field + "' at offset " + std::to_string(at) + ")");
        uint64_t size = std::stoull(field);
        if (size > bytes.size() - at - kHeader)
            throw Error(file + ": truncated archive (member at offset " + std::to_string(at) + " needs " +
                        std::to_string(size) + " bytes)");
        at += kHeader + size + (size & 1);
    }
}

} // namespace

void for_each_archive_member(const std::filesystem::path &path,
                             const std::function<void(const std::string &, std::string_view)> &use) {
    auto buffer = llvm::MemoryBuffer::getFile(path.string(), /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!buffer)
        throw Error(path.string() + ": cannot read: " + buffer.getError().message());
    llvm::StringRef data = (*buffer)->getBuffer();
    if (!data.starts_with("!<arch>\n"))
        throw Error(path.string() + ": not an archive");
    check_archive_bounds(std::string_view(data.data(), data.size()), path.string());
    auto archive = llvm::object::Archive::create((*buffer)->getMemBufferRef());
    if (!archive)
        throw Error(path.string() + ": not a valid archive: " + message(archive.takeError()));
    llvm::Error err = llvm::Error::success();
    for (const auto &child : (*archive)->children(err)) {
        auto name = child.getName();
        auto bytes = child.getBuffer();
        if (!name || !bytes) {
            std::string why = !name ? message(name.takeError()) : message(bytes.takeError());
            if (name)
                llvm::consumeError(bytes.takeError());
            throw Error(path.string() + ": bad archive member: " + why);
        }
        use(name->str(), std::string_view(bytes->data(), bytes->size()));
    }
    if (err)
        throw Error(path.string() + ": bad archive: " + message(std::move(err)));
}

std::vector<ArchiveMember> read_archive(const std::filesystem::path &path) {
    std::string bytes = read_file(path);
    if (bytes.rfind("!<arch>\n", 0) != 0)
        throw Error(path.string() + ": not an archive");
    check_archive_bounds(bytes, path.string());
    auto archive = llvm::object::Archive::create(llvm::MemoryBufferRef(bytes, path.string()));
    if (!archive)
        throw Error(path.string() + ": not a valid archive: " + message(archive.takeError()));
    std::vector<ArchiveMember> members;
    llvm::Error err = llvm::Error::success();
    for (const auto &child : (*archive)->children(err)) {
        auto name = child.getName();
        auto data = child.getBuffer();
        if (!name || !data) {
            std::string why = !name ? message(name.takeError()) : message(data.takeError());
            if (name)
                llvm::consumeError(data.takeError());
            throw Error(path.string() + ": bad archive member: " + why);
        }
        members.push_back({name->str(), data->str()});
    }
    if (err)
        throw Error(path.string() + ": bad archive: " + message(std::move(err)));
    return members;
}

uint16_t archive_machine(const std::filesystem::path &path) {
    uint16_t machine = 0;
    try {
        for_each_archive_member(path, [&](const std::string &, std::string_view bytes) {
            if (!machine && bytes.size() >= 20 && bytes.substr(0, 4) == "\x7f" "ELF" && bytes[5] == 1)
                machine = static_cast<uint16_t>(static_cast<unsigned char>(bytes[18]) |
                                                static_cast<unsigned char>(bytes[19]) << 8);
        });
    } catch (const Error &) {
        // not an archive (glibc's libm.a is a linker script): nothing to tell
    }
    return machine;
}

} // namespace kmpack
