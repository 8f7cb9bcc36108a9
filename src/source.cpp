#include "kmpack/source.h"

#include "kmpack/c_library.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"

#include <archive.h>
#include <archive_entry.h>
#include <memory>

namespace kmpack {

namespace fs = std::filesystem;

namespace {

// A relative path that stays inside its root: no absolute path, no '..' going above.
bool stays_inside(const fs::path &relative) {
    if (relative.empty() || relative.is_absolute())
        return false;
    int depth = 0;
    for (const auto &part : relative) {
        if (part == "..")
            --depth;
        else if (part != "." && !part.empty())
            ++depth;
        if (depth < 0)
            return false;
    }
    return true;
}

struct ArchiveCloser {
    void operator()(struct archive *a) const {
        archive_read_free(a);
    }
};
struct WriterCloser {
    void operator()(struct archive *a) const {
        archive_write_free(a);
    }
};

// setup.py or pyproject.toml; for CPython, configure.
bool has_build_file(const fs::path &dir, BuildKind kind) {
    std::error_code ec;
    if (kind == BuildKind::CPython)
        return fs::exists(dir / "configure", ec);
    if (is_library_build(kind))
        return fs::exists(dir / library_build_file(kind), ec);
    return fs::exists(dir / "setup.py", ec) || fs::exists(dir / "pyproject.toml", ec);
}

// The error for a source with no file to start its build from, listing
// what was looked for.
std::string no_build_file(const ModuleSpec &module, const fs::path &dir) {
    std::string where = " in the source of '" + module.name + "'";
    std::string subdir = module.subdir.empty() ? "use subdir= to name the directory that holds it, or " : "";
    if (module.build == BuildKind::CPython)
        return module.origin + ": no configure (a CPython source has one)" + where +
               (module.subdir.empty() ? " (use subdir= to name the directory that holds it)" : "");
    if (is_library_build(module.build)) {
        std::error_code ec;
        std::string generate = module.build == BuildKind::Autotools && fs::exists(dir / "configure.ac", ec)
                                   ? "; it has configure.ac: generate configure with 'autoreconf -i' first, or give "
                                     "the release archive, which has it"
                                   : "";
        return module.origin + ": no " + library_build_file(module.build) + where + " (build=" +
               library_build_name(module.build) + ")" + generate + " (" + subdir + "say another build=)";
    }
    bool any = module.build == BuildKind::Auto;
    return module.origin + ": no setup.py or pyproject.toml" +
           (any ? std::string(" (a Python package), nor configure, CMakeLists.txt or meson.build (a C library),") : "") +
           where + " (" + subdir + (any ? "say how to build it with build=" : "say another build=") + ")";
}

} // namespace

void extract_archive(const fs::path &archive_path, const fs::path &dest) {
    std::unique_ptr<struct archive, ArchiveCloser> in(archive_read_new());
    archive_read_support_filter_all(in.get());
    archive_read_support_format_tar(in.get());
    archive_read_support_format_gnutar(in.get());
    archive_read_support_format_zip(in.get());
    if (archive_read_open_filename(in.get(), archive_path.c_str(), 1 << 16) != ARCHIVE_OK)
        throw Error(archive_path.string() + ": cannot open archive: " + archive_error_string(in.get()));
    std::unique_ptr<struct archive, WriterCloser> out(archive_write_disk_new());
    // Entry names are checked below, before `dest` is put in front of them
    // (which makes them absolute); libarchive also refuses '..' and writing
    // through a symbolic link. Times are kept, as tar and pip keep them: an
    // autotools release's make compares configure with configure.ac.
    archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                  ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME);
    fs::create_directories(dest);
    struct archive_entry *entry = nullptr;
    for (;;) {
        int r = archive_read_next_header(in.get(), &entry);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN)
            throw Error(archive_path.string() + ": corrupt archive: " + archive_error_string(in.get()));
        const char *name_c = archive_entry_pathname(entry);
        std::string name = name_c ? name_c : "";
        if (!stays_inside(fs::path(name)))
            throw Error(archive_path.string() + ": refusing entry '" + name + "': it would be written outside " +
                        dest.string());
        if (const char *link = archive_entry_symlink(entry)) {
            fs::path target = fs::path(name).parent_path() / link;
            if (fs::path(link).is_absolute() || !stays_inside(target))
                throw Error(archive_path.string() + ": refusing symbolic link '" + name + "' -> '" + link +
                            "': it points outside the archive");
        }
        if (const char *link = archive_entry_hardlink(entry)) {
            if (!stays_inside(fs::path(link)))
                throw Error(archive_path.string() + ": refusing hard link '" + name + "' -> '" + link +
                            "': it points outside the archive");
            archive_entry_set_hardlink(entry, (dest / link).c_str());
        }
        archive_entry_set_pathname(entry, (dest / name).c_str());
        if (archive_write_header(out.get(), entry) < ARCHIVE_WARN)
            throw Error(archive_path.string() + ": cannot extract '" + name + "': " + archive_error_string(out.get()));
        const void *block;
        size_t size;
        la_int64_t offset;
        while ((r = archive_read_data_block(in.get(), &block, &size, &offset)) == ARCHIVE_OK) {
            if (archive_write_data_block(out.get(), block, size, offset) < ARCHIVE_WARN)
                throw Error(archive_path.string() + ": cannot extract '" + name + "': " +
                            archive_error_string(out.get()));
        }
        if (r != ARCHIVE_EOF)
            throw Error(archive_path.string() + ": corrupt entry '" + name + "': " + archive_error_string(in.get()));
        if (archive_write_finish_entry(out.get()) < ARCHIVE_WARN)
            throw Error(archive_path.string() + ": cannot extract '" + name + "': " + archive_error_string(out.get()));
    }
}

fs::path fetch_source(const ModuleSpec &module, const fs::path &dest, CommandRunner &runner, const fs::path &log) {
    switch (module.kind) {
    case SourceKind::Directory:
        copy_tree(module.local_path, dest);
        break;
    case SourceKind::Archive:
        extract_archive(module.local_path, dest);
        break;
    case SourceKind::Wheel:
        throw Error(module.origin + ": a wheel is installed, not fetched and built (install_wheel)");
    case SourceKind::Git: {
        Command clone;
        clone.argv = {"git", "clone", "--quiet"};
        if (module.ref.empty())
            clone.argv.push_back("--depth=1");
        clone.argv.insert(clone.argv.end(), {"--", module.source, dest.string()});
        clone.output = log;
        clone.env["GIT_TERMINAL_PROMPT"] = "0";
        auto result = runner.run(clone);
        if (!result.ok())
            throw Error(module.origin + ": git clone of '" + module.source + "' failed (" + result.describe() +
                        "); see " + log.string());
        if (!module.ref.empty()) {
            Command checkout;
            checkout.argv = {"git", "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach",
                             module.ref, "--"};
            checkout.cwd = dest;
            checkout.output = log;
            result = runner.run(checkout);
            if (!result.ok())
                throw Error(module.origin + ": git ref '" + module.ref + "' does not exist in '" + module.source +
                            "' (" + result.describe() + "); see " + log.string());
        }
        break;
    }
    }
    fs::path dir = module.subdir.empty() ? dest : dest / module.subdir;
    std::error_code ec;
    if (!module.subdir.empty() && !fs::is_directory(dir, ec))
        throw Error(module.origin + ": subdir '" + module.subdir + "' does not exist in the source of '" +
                    module.name + "'");
    if (module.subdir.empty() && !has_build_file(dir, module.build)) {
        // An archive usually holds one top directory ("pkg-1.0/"): use it.
        std::vector<fs::path> entries;
        for (const auto &e : fs::directory_iterator(dir))
            entries.push_back(e.path());
        if (entries.size() == 1 && fs::is_directory(entries[0]) && has_build_file(entries[0], module.build))
            dir = entries[0];
    }
    if (!has_build_file(dir, module.build) && module.build == BuildKind::Auto) {
        // A C library where a Python package was expected: its line must say so.
        std::vector<fs::path> candidates = {dir};
        if (module.subdir.empty()) {
            std::vector<fs::path> entries;
            for (const auto &e : fs::directory_iterator(dir))
                entries.push_back(e.path());
            if (entries.size() == 1 && fs::is_directory(entries[0]))
                candidates.push_back(entries[0]);
        }
        for (const auto &candidate : candidates)
            if (BuildKind kind = detect_library_build(candidate); kind != BuildKind::Auto)
                throw Error(module.origin + ": the source of '" + module.name + "' is a C library (it has " +
                            library_build_file(kind) + ", and no setup.py or pyproject.toml): say build=" +
                            library_build_name(kind) + " on its line (a library line must be known before its "
                            "source is fetched: the lines after it are built against it)");
    }
    if (!has_build_file(dir, module.build))
        throw Error(no_build_file(module, dir));
    return dir;
}

} // namespace kmpack
