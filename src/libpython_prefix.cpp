#include "kmpack/libpython_prefix.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/launcher.h"

#include <llvm/Object/Archive.h>
#include <llvm/Object/ArchiveWriter.h>
#include <llvm/Support/MemoryBuffer.h>

namespace kmpack {

std::optional<CaptureRecord> neutral_getpath_compile(const std::vector<CaptureRecord> &records,
                                                     const fs::path &object) {
    for (const auto &r : records) {
        auto out = std::find(r.argv.begin(), r.argv.end(), "-o");
        if (out == r.argv.end() || out + 1 == r.argv.end() || fs::path(*(out + 1)).filename() != "getpath.o" ||
            std::find(r.argv.begin(), r.argv.end(), "-c") == r.argv.end())
            continue;
        CaptureRecord c = r;
        for (auto &arg : c.argv) {
            for (const char *name : {"-DPREFIX=", "-DEXEC_PREFIX="})
                if (arg.starts_with(name))
                    arg = std::string(name) + "\"" + kNeutralPrefix + "\"";
        }
        *(c.argv.begin() + (out - r.argv.begin()) + 1) = object.string();
        return c;
    }
    return std::nullopt;
}

void replace_archive_member(const fs::path &archive, const fs::path &object) {
    std::string bytes = read_file(archive);
    auto buffer = llvm::MemoryBuffer::getMemBuffer(bytes, archive.string(), false);
    llvm::Error err = llvm::Error::success();
    llvm::object::Archive in(buffer->getMemBufferRef(), err);
    if (err)
        throw Error(archive.string() + ": cannot read: " + llvm::toString(std::move(err)));
    std::string name = object.filename().string();
    std::string replacement = read_file(object);
    std::vector<llvm::NewArchiveMember> members;
    bool replaced = false;
    for (const auto &child : in.children(err)) {
        auto member_name = child.getName();
        auto data = child.getBuffer();
        if (!member_name || !data)
            throw Error(archive.string() + ": cannot read a member: " +
                        llvm::toString(member_name ? data.takeError() : member_name.takeError()));
        llvm::NewArchiveMember m;
        m.MemberName = *member_name;
        bool ours = *member_name == name && !replaced;
        m.Buf = llvm::MemoryBuffer::getMemBuffer(ours ? llvm::StringRef(replacement) : *data, *member_name, false);
        replaced = replaced || ours;
        members.push_back(std::move(m));
    }
    if (err)
        throw Error(archive.string() + ": cannot read: " + llvm::toString(std::move(err)));
    if (!replaced)
        throw Error(archive.string() + ": has no member " + name);
    auto out = llvm::writeArchiveToBuffer(members, llvm::SymtabWritingMode::NormalSymtab,
                                          llvm::object::Archive::K_GNU, /*Deterministic=*/true, /*Thin=*/false);
    if (!out)
        throw Error(archive.string() + ": cannot write: " + llvm::toString(out.takeError()));
    write_file_atomic(archive, std::string((*out)->getBuffer()));
}

void neutralize_libpython_prefix(const fs::path &capture_log, const fs::path &source_dir, const fs::path &libpython,
                                 const std::vector<std::string> &launcher, CommandRunner &runner,
                                 const fs::path &log) {
    fs::path object = source_dir / "Modules" / ".kmpack-neutral" / "getpath.o";
    auto compile = neutral_getpath_compile(read_capture_log(capture_log), object);
    if (!compile)
        throw Error(capture_log.string() + ": no compile of Modules/getpath.o captured; is this a CPython build?");
    fs::create_directories(object.parent_path());
    Command c;
    c.argv = launched(launcher, compile->argv);
    c.cwd = compile->cwd;
    c.output = log;
    append_file(log, "$ " + shell_quote(c.argv) + "\n");
    CommandResult result = runner.run(c);
    if (!result.ok())
        throw Error("compiling getpath.c with a neutral prefix" +
                    (launcher.empty() ? std::string() : " through the launcher " + shell_quote(launcher)) +
                    " failed (" + result.describe() + "): " + log.string());
    replace_archive_member(libpython, object);
}

} // namespace kmpack
