#include "kmpack/manifest.h"

#include "kmpack/c_library.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/wheel.h"

#include <algorithm>
#include <fnmatch.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/ConvertUTF.h>
#include <sstream>

namespace kmpack {

namespace {

constexpr size_t kMaxLine = 64 * 1024;

const std::vector<std::string> kSettings = {"ref", "subdir", "skip", "env", "build", "configure"};

std::string suggestion(std::string_view key) {
    std::string best;
    size_t best_distance = 3;
    for (const auto &s : kSettings) {
        size_t d = llvm::StringRef(key).edit_distance(s);
        if (d < best_distance) {
            best_distance = d;
            best = s;
        }
    }
    if (best.empty())
        return " (settings are: ref, subdir, skip, env, build, configure)";
    return " (did you mean '" + best + "'?)";
}

// Well-formed UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
bool valid_utf8(std::string_view s) {
    auto *begin = reinterpret_cast<const llvm::UTF8 *>(s.data());
    return llvm::isLegalUTF8String(&begin, begin + s.size());
}

bool is_archive_name(std::string_view s) {
    for (std::string_view suffix : {".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar", ".zip"})
        if (s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix)
            return true;
    return false;
}

bool is_git_source(std::string_view s) {
    return s.find("://") != std::string_view::npos || s.rfind("git@", 0) == 0 ||
           (s.size() > 4 && s.substr(s.size() - 4) == ".git");
}

bool valid_name(std::string_view name) {
    if (name.empty() || name[0] == '-' || name[0] == '.')
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

// Splits a line into tokens; returns false (with `why`) on an unterminated quote.
bool tokenize(std::string_view line, std::vector<std::string> &tokens, std::string &why) {
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            ++i;
        if (i >= line.size() || line[i] == '#')
            break;
        std::string token;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
            if (line[i] != '"') {
                token += line[i++];
                continue;
            }
            ++i;
            bool closed = false;
            while (i < line.size()) {
                char c = line[i++];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\' && i < line.size() && (line[i] == '"' || line[i] == '\\'))
                    c = line[i++];
                token += c;
            }
            if (!closed) {
                why = "unterminated quote";
                return false;
            }
        }
        tokens.push_back(std::move(token));
    }
    return true;
}

struct LineParser {
    const std::string &file;
    const std::filesystem::path &base_dir;
    bool check_paths;
    std::vector<std::string> errors;

    void fail(const std::string &origin, const std::string &message) {
        errors.push_back(origin + ": " + message);
    }

    void setting(ModuleSpec &m, const std::string &token) {
        size_t eq = token.find('=');
        if (eq == std::string::npos || eq == 0) {
            fail(m.origin, "expected key=value, got '" + token + "'" +
                               (eq == 0 ? "" : " (only one source per line; settings are key=value)"));
            return;
        }
        std::string key = token.substr(0, eq), value = token.substr(eq + 1);
        if (key == "ref") {
            if (value.empty() || value[0] == '-')
                fail(m.origin, "ref '" + value + "' must be a non-empty name not starting with '-'");
            m.ref = value;
        } else if (key == "subdir") {
            std::filesystem::path p(value);
            if (value.empty() || p.is_absolute() ||
                std::any_of(p.begin(), p.end(), [](const auto &c) { return c == ".."; }))
                fail(m.origin, "subdir '" + value + "' must be a relative path inside the source");
            m.subdir = p.lexically_normal().generic_string();
        } else if (key == "skip") {
            size_t start = 0;
            while (start <= value.size()) {
                size_t comma = std::min(value.find(',', start), value.size());
                if (comma > start)
                    m.skip.push_back(value.substr(start, comma - start));
                start = comma + 1;
            }
            if (value.empty())
                fail(m.origin, "skip needs a pattern, e.g. skip=pkg/_speedups*.so");
        } else if (key == "env") {
            size_t eq2 = value.find('=');
            std::string name = value.substr(0, eq2);
            bool ok = eq2 != std::string::npos && !name.empty() &&
                      std::all_of(name.begin(), name.end(), [](char c) {
                          return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                      }) && !std::isdigit(static_cast<unsigned char>(name[0]));
            if (!ok)
                fail(m.origin, "env needs NAME=VALUE, e.g. env=CFLAGS=-O1, got '" + value + "'");
            else if (name.rfind("KMPACK_", 0) == 0 || name == "CC" || name == "CXX" || name == "LDSHARED" ||
                     name == "LDCXXSHARED")
                fail(m.origin, "env cannot set " + name + ": kmpack sets it to capture the build");
            else
                m.env[name] = value.substr(eq2 + 1);
        } else if (key == "build") {
            if (value == "auto")
                m.build = BuildKind::Auto;
            else if (value == "setup.py")
                m.build = BuildKind::SetupPy;
            else if (value == "pip")
                m.build = BuildKind::Pip;
            else if (value == "cpython")
                m.build = BuildKind::CPython;
            else if (value == "cmake")
                m.build = BuildKind::CMake;
            else if (value == "autotools")
                m.build = BuildKind::Autotools;
            else if (value == "meson")
                m.build = BuildKind::Meson;
            else
                fail(m.origin, "build must be auto, setup.py, pip, cpython, cmake, autotools or meson, got '" +
                                   value + "'");
        } else if (key == "configure") {
            std::istringstream words(value);
            for (std::string w; words >> w;)
                m.configure.push_back(w);
            if (m.configure.empty())
                fail(m.origin, "configure needs arguments for the build's configure step, e.g. configure=--with-lto");
        } else {
            fail(m.origin, "unknown setting '" + key + "'" + suggestion(key));
        }
    }

    // A directory with build=auto that is a C library by its files (the
    // usual one top directory of a release looked into, as fetch_source does).
    static void detect(ModuleSpec &m) {
        if (m.build != BuildKind::Auto)
            return;
        std::filesystem::path dir = m.subdir.empty() ? m.local_path : m.local_path / m.subdir;
        BuildKind kind = detect_library_build(dir);
        std::error_code ec;
        if (kind == BuildKind::Auto && m.subdir.empty() && !std::filesystem::exists(dir / "setup.py", ec) &&
            !std::filesystem::exists(dir / "pyproject.toml", ec)) {
            std::vector<std::filesystem::path> entries;
            for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
                entries.push_back(it->path());
            if (entries.size() == 1 && std::filesystem::is_directory(entries[0], ec))
                kind = detect_library_build(entries[0]);
        }
        if (kind != BuildKind::Auto) {
            m.build = kind;
            m.detected = true;
        }
    }

    void source(ModuleSpec &m) {
        if (m.source.empty() || m.source[0] == '-') {
            fail(m.origin, "source '" + m.source + "' must not be empty or start with '-'");
            return;
        }
        if (is_git_source(m.source)) {
            m.kind = SourceKind::Git;
            return;
        }
        m.kind = is_wheel_name(m.source)     ? SourceKind::Wheel
                 : is_archive_name(m.source) ? SourceKind::Archive
                                             : SourceKind::Directory;
        m.local_path = (base_dir / m.source).lexically_normal();
        if (m.kind == SourceKind::Wheel) {
            auto wheel = parse_wheel_name(m.local_path.filename().string());
            if (!wheel)
                fail(m.origin, "source '" + m.source +
                                   "' is not a wheel's name ({name}-{version}-{python}-{abi}-{platform}.whl)");
            else if (std::string why = wheel_refusal(*wheel, ""); !why.empty())
                fail(m.origin, "source '" + m.source + "' is " + why);
        }
        if (!check_paths)
            return;
        std::error_code ec;
        auto status = std::filesystem::status(m.local_path, ec);
        if (m.kind == SourceKind::Directory && std::filesystem::is_directory(status))
            detect(m);
        if (!std::filesystem::exists(status))
            fail(m.origin, "source '" + m.source + "' does not exist (looked for " + m.local_path.string() + ")");
        else if (m.kind == SourceKind::Directory && !std::filesystem::is_directory(status))
            fail(m.origin, "source '" + m.source +
                               "' is neither a directory nor an archive (.tar.gz, .tar.xz, .tar.bz2, .zip)");
        else if ((m.kind == SourceKind::Archive || m.kind == SourceKind::Wheel) &&
                 !std::filesystem::is_regular_file(status))
            fail(m.origin, "source '" + m.source + "' is not a file");
    }
};

} // namespace

const std::vector<std::string> &manifest_settings() { return kSettings; }

bool glob_match(std::string_view pattern, std::string_view text) {
    return ::fnmatch(std::string(pattern).c_str(), std::string(text).c_str(), 0) == 0;
}

Manifest parse_manifest(std::string_view text, const std::string &file,
                        const std::filesystem::path &base_dir, bool check_paths) {
    Manifest manifest;
    manifest.file = file;
    LineParser parser{file, base_dir, check_paths, {}};
    std::map<std::string, std::string> seen; // name -> origin
    std::string interpreter;                 // origin of the build=cpython line
    size_t line_number = 0;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") // a byte-order mark, as some editors begin UTF-8 with
        text.remove_prefix(3);
    for (std::string_view line : split_lines(text)) {
        ++line_number;
        std::string origin = file + ":" + std::to_string(line_number);
        if (line.size() > kMaxLine) {
            parser.fail(origin, "line is longer than " + std::to_string(kMaxLine) + " bytes");
            continue;
        }
        if (!valid_utf8(line)) {
            parser.fail(origin, "line is not valid UTF-8");
            continue;
        }
        if (line.find('\0') != std::string_view::npos) {
            parser.fail(origin, "line contains a NUL byte");
            continue;
        }
        std::vector<std::string> tokens;
        std::string why;
        if (!tokenize(line, tokens, why)) {
            parser.fail(origin, why);
            continue;
        }
        if (tokens.empty())
            continue;
        ModuleSpec m;
        m.origin = origin;
        m.name = tokens[0];
        if (!valid_name(m.name))
            parser.fail(origin, "module name '" + m.name +
                                    "' must use letters, digits, '_', '-' or '.', and not start with '-' or '.'");
        if (tokens.size() < 2) {
            parser.fail(origin, "module '" + m.name + "' has no source (expected: NAME SOURCE [key=value ...])");
            continue;
        }
        m.source = tokens[1];
        for (size_t i = 2; i < tokens.size(); ++i)
            parser.setting(m, tokens[i]);
        parser.source(m); // after the settings: build= and subdir= decide what a directory is
        if (!m.ref.empty() && m.kind != SourceKind::Git)
            parser.fail(origin, "ref= applies to git sources only");
        if (!m.configure.empty() && m.build != BuildKind::CPython && !is_library_build(m.build))
            parser.fail(origin, "configure= applies to the interpreter line (build=cpython) and library lines "
                                "(build=cmake, autotools or meson) only");
        if (m.build == BuildKind::CPython) {
            if (!interpreter.empty())
                parser.fail(origin, "a second interpreter (build=cpython); the first is at " + interpreter);
            else
                interpreter = origin;
        }
        auto [it, inserted] = seen.emplace(m.name, origin);
        if (!inserted)
            parser.fail(origin, "module '" + m.name + "' is listed twice (first at " + it->second + ")");
        manifest.modules.push_back(std::move(m));
    }
    if (!parser.errors.empty()) {
        std::string message;
        for (const auto &e : parser.errors)
            message += (message.empty() ? "" : "\n") + e;
        throw Error(message);
    }
    // The interpreter's line first, the others in their order. (Not
    // std::stable_partition: with libstdc++ 12 its temporary buffer is a
    // deprecation error to clang 19.)
    std::vector<ModuleSpec> ordered;
    for (bool interpreter : {true, false})
        for (auto &m : manifest.modules)
            if ((m.build == BuildKind::CPython) == interpreter)
                ordered.push_back(std::move(m));
    manifest.modules = std::move(ordered);
    return manifest;
}

void add_cpython(Manifest &manifest, const std::string &source, const std::filesystem::path &base_dir,
                 const std::string &origin) {
    if (manifest.has_interpreter())
        throw Error(origin + ": " + manifest.modules.front().origin +
                    " names the interpreter already (build=cpython); give one or the other");
    for (const auto &m : manifest.modules)
        if (m.name == "python")
            throw Error(origin + ": the interpreter's module name 'python' is taken by " + m.origin +
                        "; rename that module, or put the interpreter in " + manifest.file.string() +
                        " with build=cpython");
    LineParser parser{origin, base_dir, true, {}};
    ModuleSpec m;
    m.origin = origin;
    m.added = true;
    m.name = "python";
    m.source = source;
    m.build = BuildKind::CPython;
    parser.source(m);
    if (!parser.errors.empty())
        throw Error(parser.errors.front());
    manifest.modules.insert(manifest.modules.begin(), std::move(m));
}

Manifest load_manifest(const std::filesystem::path &file) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec))
        throw Error(file.string() + ": a directory, not a modules.txt (give the path of the file, e.g. " +
                    (file / "modules.txt").string() + ")");
    if (!std::filesystem::is_regular_file(file, ec))
        throw Error(file.string() + ": no such file (give the path of a modules.txt)");
    std::filesystem::path absolute = std::filesystem::absolute(file);
    return parse_manifest(read_file(file), file.string(), absolute.parent_path());
}

} // namespace kmpack
