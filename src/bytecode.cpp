#include "kmpack/bytecode.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/process.h"

#include <sstream>

namespace kmpack {

namespace {

// Run as `python -I -S -c kScript DIR`. One line per .py on stdout:
// "compiled<TAB>path" or "failed<TAB>path<TAB>message". The name recorded in
// the code objects is the path relative to DIR (the import system replaces
// it with the real path on load), so nothing of the build directory is in
// the .pyc.
constexpr const char *kScript = R"PY(import os, py_compile, sys
root = sys.argv[1]
mode = py_compile.PycInvalidationMode.CHECKED_HASH
out = sys.stdout.buffer
for top, dirs, files in os.walk(root):
    dirs[:] = sorted(d for d in dirs if d != "__pycache__")
    for name in sorted(files):
        if not name.endswith(".py"):
            continue
        path = os.path.join(top, name)
        rel = os.path.relpath(path, root)
        try:
            py_compile.compile(path, dfile=rel, doraise=True, invalidation_mode=mode)
            out.write(b"compiled\t" + os.fsencode(rel) + b"\n")
        except py_compile.PyCompileError as e:
            lines = [l.strip() for l in str(e.msg).splitlines() if l.strip()]
            why = lines[-1] if lines else "does not compile"
            print(why, file=sys.stderr)
            out.write(b"failed\t" + os.fsencode(rel) + b"\t" + why.encode("utf-8", "backslashreplace") + b"\n")
)PY";

} // namespace

BytecodeResult compile_bytecode(const std::filesystem::path &python, const std::filesystem::path &dir,
                                const std::filesystem::path &log) {
    Command c;
    c.argv = {python.string(), "-I", "-S", "-c", kScript, dir.string()};
    c.output = log;
    append_file(log, "$ " + shell_quote({python.string(), "-I", "-S", "-c"}) + " '<kmpack: compile every .py>' " +
                         shell_quote({dir.string()}) + "\n");
    std::string out;
    try {
        out = run_and_read(c);
    } catch (const Error &e) {
        throw Error("compiling the byte-code of " + dir.string() + " with " + python.string() + ": " + e.what() +
                    " (its messages: " + log.string() + ")");
    }
    BytecodeResult result;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        auto tab = line.find('\t');
        std::string kind = line.substr(0, tab);
        if (kind == "compiled") {
            ++result.compiled;
        } else if (kind == "failed" && tab != std::string::npos) {
            std::string rest = line.substr(tab + 1);
            auto tab2 = rest.find('\t');
            result.failed.push_back({rest.substr(0, tab2), tab2 == std::string::npos ? "" : rest.substr(tab2 + 1)});
        } else {
            throw Error("compiling the byte-code of " + dir.string() + ": unexpected output from " + python.string() +
                        ": " + line);
        }
    }
    return result;
}

} // namespace kmpack
