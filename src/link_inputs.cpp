#include "kmpack/link_inputs.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/process.h"

#include <algorithm>
#include <llvm/BinaryFormat/Magic.h>
#include <llvm/Object/Archive.h>
#include <llvm/Support/Allocator.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <system_error>
#include <unistd.h>

namespace kmpack {

namespace {

// The real file system, except that what is not a readable regular file does
// not exist: gcc (libiberty's expandargv) passes an @file it cannot read
// through as is, and llvm::cl::ExpansionContext does so for a missing one.
class ResponseFileSystem : public llvm::vfs::ProxyFileSystem {
public:
    ResponseFileSystem() : ProxyFileSystem(llvm::vfs::getRealFileSystem()) {}

    llvm::ErrorOr<llvm::vfs::Status> status(const llvm::Twine &path) override {
        auto st = ProxyFileSystem::status(path);
        if (st && (!st->isRegularFile() || ::access(path.str().c_str(), R_OK) != 0))
            return std::make_error_code(std::errc::no_such_file_or_directory);
        return st;
    }

    llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>> openFileForRead(const llvm::Twine &path) override {
        auto file = ProxyFileSystem::openFileForRead(path);
        if (file)
            read.push_back(fs::path(path.str()).lexically_normal());
        return file;
    }

    std::vector<fs::path> read; // the files opened, in order
};

bool has_suffix(const std::string &s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "libz.so", "libz.so.1.2.13": by the file name only (meson keeps objects
// in directories named "mod.so.p/").
bool is_shared_name(const std::string &s) {
    std::string name = fs::path(s).filename().string();
    if (has_suffix(name, ".so"))
        return true;
    size_t at = name.find(".so.");
    if (at == std::string::npos)
        return false;
    std::string version = name.substr(at + 4);
    return !version.empty() && std::all_of(version.begin(), version.end(), [](unsigned char c) {
        return std::isdigit(c) != 0 || c == '.';
    });
}

// What the first bytes of a file say it is (in the byte order its ELF
// header declares).
enum class FileKind { Object, Archive, Shared, Other };

FileKind sniff(const fs::path &path) {
    llvm::file_magic magic;
    if (llvm::identify_magic(path.string(), magic))
        return FileKind::Other;
    switch (magic) {
    case llvm::file_magic::archive:
        return FileKind::Archive;
    case llvm::file_magic::elf_relocatable:
        return FileKind::Object;
    case llvm::file_magic::elf_shared_object:
        return FileKind::Shared;
    default:
        return FileKind::Other;
    }
}

// Options whose value is the next argument.
bool takes_value(const std::string &a) {
    static const std::set<std::string> options = {
        "-o", "-L", "-l", "-I", "-D", "-U", "-include", "-imacros", "-isystem", "-iquote", "-idirafter",
        "-MF", "-MT", "-MQ", "-x", "-T", "-z", "-u", "-e", "-Xlinker", "-Xassembler", "-Xpreprocessor",
        "--param", "-aux-info", "-specs", "--sysroot", "-B"};
    return options.count(a) > 0;
}

struct LinkParser {
    const fs::path &root;
    const std::vector<fs::path> &search_dirs;
    LinkInputs in;
    bool whole = false;
    bool static_only = false;

    fs::path absolute(const std::string &p) const { return (in.cwd / p).lexically_normal(); }

    // An archive named twice is still one set of members: the linker pulls
    // each member at most once.
    // A Rust library (.rlib: Rust's standard library in the toolchain's
    // rustlib/ as much as the package's crates) belongs to each .so that
    // links it, as the package's own archives do: its allocator shims and
    // its state are the .so's own.
    void add_archive(const fs::path &p) {
        if (!is_within(p, root) && p.extension() != ".rlib") {
            if (std::find(in.system_archives.begin(), in.system_archives.end(), p) == in.system_archives.end())
                in.system_archives.push_back(p);
            return;
        }
        for (auto &a : in.archives) {
            if (a.path == p) {
                a.whole = a.whole || whole;
                return;
            }
        }
        in.archives.push_back({p, whole, {}});
    }

    void add_file(const std::string &arg) {
        fs::path p = absolute(arg);
        if (has_suffix(arg, ".a")) {
            add_archive(p);
            return;
        }
        if (is_shared_name(arg)) {
            in.shared_inputs.push_back(p);
            return;
        }
        switch (sniff(p)) {
        case FileKind::Archive:
            add_archive(p);
            break;
        case FileKind::Shared:
            in.shared_inputs.push_back(p);
            break;
        case FileKind::Object:
            in.objects.push_back(p);
            break;
        case FileKind::Other:
            if (has_suffix(arg, ".c") || has_suffix(arg, ".cc") || has_suffix(arg, ".cpp") ||
                has_suffix(arg, ".cxx"))
                throw Error(in.output.string() + ": compiled from " + arg +
                            " in the link step itself; kmpack needs the object files, so the build must "
                            "compile with -c and link the objects");
            in.objects.push_back(p); // the linker will say what it is
        }
    }

    void add_library(const std::string &name) {
        if (name == "stdc++" || name == "c++")
            in.cxx = true;
        if (name == "gcc_s") {
            // libgcc's unwinder has no libgcc_s.a: libgcc_eh.a is its static
            // equivalent, with libgcc.a (rustc asks for -lgcc_s).
            in.system_libs.insert(in.system_libs.end(), {"gcc_eh", "gcc"});
            return;
        }
        std::vector<fs::path> dirs = in.lib_dirs;
        dirs.insert(dirs.end(), search_dirs.begin(), search_dirs.end());
        for (const auto &dir : dirs) {
            std::error_code ec;
            if (name[0] == ':') {
                fs::path p = dir / name.substr(1);
                if (fs::exists(p, ec)) {
                    if (!is_within(p, root))
                        break;
                    is_shared_name(name) ? in.shared_inputs.push_back(p) : add_archive(p);
                    return;
                }
                continue;
            }
            fs::path so = dir / ("lib" + name + ".so"), ar = dir / ("lib" + name + ".a");
            bool has_so = !static_only && fs::exists(so, ec), has_ar = fs::exists(ar, ec);
            if (!has_so && !has_ar)
                continue;
            if (!is_within(dir, root))
                break; // a system library: the final link looks it up again
            if (has_so)
                in.shared_inputs.push_back(so);
            else
                add_archive(ar);
            return;
        }
        in.system_libs.push_back(name);
    }

    void linker_option(const std::string &opt) {
        if (opt == "--whole-archive")
            whole = true;
        else if (opt == "--no-whole-archive")
            whole = false;
        else if (opt == "-Bstatic" || opt == "-static" || opt == "-dn" || opt == "-non_shared")
            static_only = true;
        else if (opt == "-Bdynamic" || opt == "-dy" || opt == "-call_shared")
            static_only = false;
    }

    void parse(const std::vector<std::string> &argv) {
        std::string driver = fs::path(argv[0]).filename().string();
        in.cxx = in.cxx || driver.find("++") != std::string::npos;
        for (size_t i = 1; i < argv.size(); ++i) {
            const std::string &a = argv[i];
            auto value = [&](size_t prefix) -> std::string {
                if (a.size() > prefix)
                    return a.substr(prefix);
                if (i + 1 >= argv.size())
                    throw Error(in.cwd.string() + ": link command ends after '" + a + "'");
                return argv[++i];
            };
            if (a.rfind("-o", 0) == 0 && a != "-o" && a.size() > 2 && a[2] != '-') {
                in.output = absolute(a.substr(2));
            } else if (a == "-o") {
                in.output = absolute(value(2));
            } else if (a.rfind("-L", 0) == 0) {
                in.lib_dirs.push_back(absolute(value(2)));
            } else if (a.rfind("-l", 0) == 0) {
                add_library(value(2));
            } else if (a.rfind("-Wl,", 0) == 0) {
                in.linker_options.push_back(a);
                size_t start = 4;
                while (start <= a.size()) {
                    size_t comma = std::min(a.find(',', start), a.size());
                    linker_option(a.substr(start, comma - start));
                    start = comma + 1;
                }
            } else if (a == "-Xlinker") {
                std::string v = value(8);
                in.linker_options.push_back("-Wl," + v);
                linker_option(v);
            } else if (a == "-static") {
                static_only = true;
            } else if (!a.empty() && a[0] == '-') {
                if (takes_value(a))
                    ++i;
            } else {
                add_file(a);
            }
        }
        if (in.output.empty())
            throw Error(in.cwd.string() + ": shared link without -o: " + shell_quote(argv));
    }
};

} // namespace

std::vector<std::string> expand_response_files(const std::vector<std::string> &argv, const fs::path &cwd,
                                               std::vector<fs::path> *read, const DirectoryMove *moved) {
    // ExpansionContext wants an absolute directory; nested @files, as with
    // gcc, are relative to it too (not to the file that names them).
    std::string dir = cwd.empty() || cwd.is_absolute() ? cwd.string() : fs::absolute(cwd).string();
    auto files = llvm::makeIntrusiveRefCnt<ResponseFileSystem>();
    std::vector<std::string> out;
    for (const auto &arg : argv) {
        if (arg.empty() || arg[0] != '@') {
            out.push_back(arg);
            continue;
        }
        // One @file at a time, so an error can name the one on the command line.
        llvm::BumpPtrAllocator alloc;
        llvm::cl::ExpansionContext expansion(alloc, llvm::cl::TokenizeGNUCommandLine);
        expansion.setCurrentDir(dir).setVFS(files.get());
        llvm::SmallVector<const char *, 16> args = {arg.c_str()};
        if (llvm::Error err = expansion.expandResponseFiles(args))
            throw Error((cwd / arg.substr(1)).lexically_normal().string() + ": cannot expand response file: " +
                        llvm::toString(std::move(err)));
        for (const char *expanded : args)
            out.push_back(moved ? (*moved)(expanded) : std::string(expanded));
    }
    if (read)
        for (const fs::path &file : files->read)
            read->push_back(file.is_absolute() ? file : (fs::path(dir) / file).lexically_normal());
    return out;
}

std::map<fs::path, std::vector<std::string>> read_link_map(const fs::path &map, const fs::path &cwd,
                                                           const DirectoryMove *moved) {
    std::map<fs::path, std::vector<std::string>> pulled;
    std::string text = read_file(map);
    const std::string header = "Archive member included to satisfy reference by file (symbol)";
    size_t pos = text.find(header);
    if (pos == std::string::npos)
        return pulled;
    auto lines = split_lines(std::string_view(text).substr(pos));
    for (size_t i = 1; i < lines.size(); ++i) {
        std::string line(lines[i]);
        if (line.empty() || line[0] == ' ' || line[0] == '\t')
            continue;
        // The next section of the map starts without the "archive(member)" shape.
        size_t gap = line.find("  ");
        std::string head = gap == std::string::npos ? line : line.substr(0, gap);
        while (!head.empty() && std::isspace(static_cast<unsigned char>(head.back())))
            head.pop_back();
        size_t open = head.rfind('(');
        if (head.empty() || head.back() != ')' || open == std::string::npos || open == 0)
            break;
        std::string named = head.substr(0, open);
        fs::path archive = (cwd / (moved ? (*moved)(named) : named)).lexically_normal();
        pulled[archive].push_back(head.substr(open + 1, head.size() - open - 2));
    }
    return pulled;
}

LinkInputs parse_link(const CaptureRecord &record, const fs::path &package_root,
                      const std::vector<fs::path> &search_dirs) {
    LinkParser parser{package_root, search_dirs, {}};
    parser.in.cwd = record.cwd;
    parser.in.map = record.map;
    parser.in.search_dirs = search_dirs;
    const DirectoryMove *moved = record.moved ? &*record.moved : nullptr;
    parser.in.argv = expand_response_files(record.argv, record.cwd, &parser.in.response_files, moved);
    parser.parse(parser.in.argv);
    if (!record.map.empty()) {
        std::error_code ec;
        if (!fs::exists(record.map, ec))
            throw Error(record.map.string() + ": the linker map of " + parser.in.output.string() +
                        " is missing");
        auto pulled = read_link_map(record.map, record.cwd, moved);
        for (auto &archive : parser.in.archives) {
            auto it = pulled.find(archive.path);
            if (it != pulled.end())
                archive.members = it->second;
        }
    }
    return parser.in;
}

std::vector<LinkInputs> reconstruct_links(const std::vector<CaptureRecord> &records,
                                          const fs::path &package_root,
                                          const std::vector<fs::path> &search_dirs) {
    std::map<fs::path, LinkInputs> by_output;
    for (const auto &r : records) {
        if (r.exit_code != 0 || !is_shared_link(r.argv))
            continue;
        LinkInputs in = parse_link(r, package_root, search_dirs);
        by_output[in.output] = std::move(in);
    }
    std::vector<LinkInputs> out;
    for (auto &[path, in] : by_output)
        out.push_back(std::move(in));
    return out;
}

std::vector<fs::path> link_files(const LinkInputs &link) {
    std::vector<fs::path> files = {link.output};
    files.insert(files.end(), link.objects.begin(), link.objects.end());
    files.insert(files.end(), link.shared_inputs.begin(), link.shared_inputs.end());
    files.insert(files.end(), link.response_files.begin(), link.response_files.end());
    if (!link.map.empty())
        files.push_back(link.map);
    for (const auto &archive : link.archives) {
        files.push_back(archive.path);
        // A thin archive holds its members' paths, not their bytes.
        auto buffer = llvm::MemoryBuffer::getFile(archive.path.string(), false, false);
        if (!buffer)
            continue;
        auto parsed = llvm::object::Archive::create((*buffer)->getMemBufferRef());
        if (!parsed) {
            llvm::consumeError(parsed.takeError());
            continue;
        }
        if (!(*parsed)->isThin())
            continue;
        llvm::Error err = llvm::Error::success();
        for (const auto &child : (*parsed)->children(err)) {
            auto name = child.getFullName();
            if (!name) {
                llvm::consumeError(name.takeError());
                continue;
            }
            fs::path member(*name);
            files.push_back(member.is_absolute() ? member : (archive.path.parent_path() / member).lexically_normal());
        }
        llvm::consumeError(std::move(err));
    }
    return files;
}

std::vector<fs::path> compiler_search_dirs(CommandRunner &runner, const std::string &compiler) {
    Command c;
    c.argv = {compiler, "-print-search-dirs"};
    std::string text = read_output(runner, c);
    std::vector<fs::path> dirs;
    size_t pos = text.find("libraries: =");
    if (pos == std::string::npos)
        return dirs;
    size_t end = text.find('\n', pos);
    std::string list = text.substr(pos + 12, end - pos - 12);
    size_t start = 0;
    while (start <= list.size()) {
        size_t colon = std::min(list.find(':', start), list.size());
        if (colon > start)
            dirs.push_back(fs::path(list.substr(start, colon - start)).lexically_normal());
        start = colon + 1;
    }
    return dirs;
}

} // namespace kmpack
