#include "kmpack/bytecode.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/process.h"

#include <string>
#include <vector>

namespace kmpack {

namespace {

// Run as `python -I -S -c kScript DIR`. One record per .py on stdout, its
// fields each ended by a NUL (a file name may hold any other byte):
// "compiled", path; or "failed", path, message. The name recorded in
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
            out.write(b"compiled\0" + os.fsencode(rel) + b"\0")
        except py_compile.PyCompileError as e:
            lines = [l.strip() for l in str(e.msg).splitlines() if l.strip()]
            why = lines[-1] if lines else "does not compile"
            print(why, file=sys.stderr)
            out.write(b"failed\0" + os.fsencode(rel) + b"\0" + why.encode("utf-8", "backslashreplace") + b"\0")
)PY";

} // namespace

BytecodeResult compile_bytecode(CommandRunner &runner, const std::filesystem::path &python, const std::filesystem::path &dir,
                                const std::filesystem::path &log) {
    Command c;
    c.argv = {python.string(), "-I", "-S", "-c", kScript, dir.string()};
    c.output = log;
    append_file(log, "$ " + shell_quote({python.string(), "-I", "-S", "-c"}) + " '<kmpack: compile every .py>' " +
                         shell_quote({dir.string()}) + "\n");
    std::string out;
    try {
        out = read_output(runner, c);
    } catch (const Error &e) {
        throw Error("compiling the byte-code of " + dir.string() + " with " + python.string() + ": " + e.what() +
                    " (its messages: " + log.string() + ")");
    }
    std::vector<std::string> fields;
    for (size_t at = 0; at < out.size();) {
        size_t end = out.find('\0', at);
        if (end == std::string::npos)
            throw Error("compiling the byte-code of " + dir.string() + ": output of " + python.string() +
                        " ends in the middle of a record");
        fields.push_back(out.substr(at, end - at));
        at = end + 1;
    }
    BytecodeResult result;
    for (size_t i = 0; i < fields.size();) {
        if (fields[i] == "compiled" && i + 1 < fields.size()) {
            ++result.compiled;
            i += 2;
        } else if (fields[i] == "failed" && i + 2 < fields.size()) {
            result.failed.push_back({fields[i + 1], fields[i + 2]});
            i += 3;
        } else {
            throw Error("compiling the byte-code of " + dir.string() + ": unexpected output from " + python.string() +
                        ": " + fields[i]);
        }
    }
    return result;
}

} // namespace kmpack
