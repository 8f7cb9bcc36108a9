#include "kmpack/stdlib_tree.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"

#include <algorithm>
#include <array>

namespace kmpack {

namespace {

// Top-level entries only the build machine uses.
constexpr std::array<std::string_view, 4> kNever = {"lib-dynload", "site-packages", "dist-packages",
                                                    "sitecustomize.py"};
// Top-level entries an application does not import.
constexpr std::array<std::string_view, 6> kExtraTop = {"test", "idlelib", "tkinter", "turtledemo", "ensurepip",
                                                       "turtle.py"};
// A package's own tests, at any depth below the top (ctypes/test, lib2to3/tests, ...).
constexpr std::array<std::string_view, 3> kExtraNested = {"test", "tests", "idle_test"};

template <size_t N> bool among(const std::array<std::string_view, N> &names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// Fixed text: the paths come as arguments. argv: the directory, then the
// build paths, longest first.
constexpr const char *kRelocate = R"PY(import os, re, sys
root, olds = sys.argv[1], sys.argv[2:]
# A whole path or a leading part of one: "/usr" in "/usr/lib" or "./usr/lib", not in "/opt/usr" or "/usrx".
pattern = re.compile("((?<![\\w-])(?:" + "|".join(re.escape(o) for o in olds) + ")(?=/|$|[^\\w.-]))")

def expression(value):
    if not isinstance(value, str) or not pattern.search(value):
        return repr(value)
    parts = [p for p in pattern.split(value) if p]
    return " + ".join("_prefix" if p in olds else repr(p) for p in parts)

for name in sorted(os.listdir(root)):
    if not (name.startswith("_sysconfigdata_") and name.endswith(".py")):
        continue
    path = os.path.join(root, name)
    scope = {}
    with open(path, encoding="utf-8") as f:
        exec(compile(f.read(), path, "exec"), scope)
    lines = ["# The build-time variables of python.km's interpreter. kmpack computes the",
             "# paths of the machine it was built on from python.km's own prefix.",
             "import sys as _sys", "", "_prefix = _sys.prefix", "", "build_time_vars = {"]
    for key in sorted(scope["build_time_vars"]):
        lines.append("    %r: %s," % (key, expression(scope["build_time_vars"][key])))
    lines.append("}")
    with open(path + ".new", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(path + ".new", path)
    print(name, file=sys.stderr)
)PY";

} // namespace

StdlibPart stdlib_part(std::string_view rel, bool dir) {
    size_t slash = rel.find('/');
    std::string_view top = rel.substr(0, slash);
    std::string_view name = rel.substr(rel.rfind('/') + 1);
    if (name == "__pycache__")
        return StdlibPart::Never;
    if (among(kNever, top) || (slash == std::string_view::npos && dir && top.starts_with("config-")))
        return StdlibPart::Never;
    if (among(kExtraTop, top))
        return StdlibPart::Extra;
    // A test directory below the top, this entry or one it is in.
    for (size_t at = slash; at != std::string_view::npos;) {
        size_t end = rel.find('/', at + 1);
        std::string_view part = rel.substr(at + 1, end == std::string_view::npos ? end : end - at - 1);
        if ((end != std::string_view::npos || dir) && among(kExtraNested, part))
            return StdlibPart::Extra;
        at = end;
    }
    return StdlibPart::Shipped;
}

size_t copy_stdlib(const fs::path &stdlib, const fs::path &target, bool extras) {
    std::error_code ec;
    if (!fs::is_directory(stdlib, ec) || !fs::exists(stdlib / "os.py", ec))
        throw Error(stdlib.string() + ": not a standard library (no os.py); is the interpreter installed whole?");
    fs::create_directories(target);
    size_t copied = 0;
    for (auto it = fs::recursive_directory_iterator(stdlib); it != fs::recursive_directory_iterator(); ++it) {
        bool dir = it->is_directory();
        std::string rel = it->path().lexically_relative(stdlib).generic_string();
        StdlibPart part = stdlib_part(rel, dir);
        if (part == StdlibPart::Never || (part == StdlibPart::Extra && !extras)) {
            if (dir)
                it.disable_recursion_pending();
            continue;
        }
        if (dir) {
            fs::create_directories(target / rel);
        } else if (it->is_regular_file()) { // a symbolic link to a file counts: its content is copied
            fs::copy_file(it->path(), target / rel, fs::copy_options::overwrite_existing);
            ++copied;
        }
    }
    return copied;
}

void relocate_sysconfigdata(CommandRunner &runner, const fs::path &python, const fs::path &dir,
                            const std::vector<fs::path> &build_paths, const fs::path &log) {
    if (build_paths.empty())
        return;
    std::vector<std::string> olds;
    for (const auto &p : build_paths)
        olds.push_back(p.lexically_normal().string());
    std::sort(olds.begin(), olds.end(), [](const auto &a, const auto &b) { return a.size() > b.size(); });
    Command c;
    c.argv = {python.string(), "-I", "-S", "-c", kRelocate, dir.string()};
    c.argv.insert(c.argv.end(), olds.begin(), olds.end());
    c.output = log;
    append_file(log, "$ " + shell_quote({python.string(), "-I", "-S", "-c"}) + " '<kmpack: relocate sysconfig>' " +
                         shell_quote({dir.string()}) + "\n");
    CommandResult result = runner.run(c);
    if (!result.ok())
        throw Error("rewriting the sysconfig data in " + dir.string() + " with " + python.string() + " failed (" +
                    result.describe() + "; its messages: " + log.string() + ")");
}

} // namespace kmpack
