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

// Run as `python -I -S -c kArchiveScript EXE DIR NAME`: appends DIR, as the
// members lib/..., to the file EXE as a zip archive, and reports each .py as
// kScript does. zipimport reads no __pycache__: each .py gets its .pyc
// beside it, unchecked-hash (zipimport would compare a time-stamped one
// with the member's 2-second DOS time) and stored, not deflated, so that
// the start-up modules load before zlib (an extension module, found through
// the finder) can; sources and data are deflated. Directories get their
// own members, which zipimport needs to see namespace packages. Every
// member has the same time and mode: the archive is reproducible. The
// name in the code objects is NAME/lib/...: zipimport does not replace it
// as the path loader does, and tracebacks read the line through the
// loader.
//
// Last comes the member kmpack-directory.marshal: the archive's directory
// as zipimport's _read_directory() returns it (name -> entry, less each
// entry's leading path, which python.km puts back), marshalled. The
// archive's comment, "kmpack-directory <offset> <size>" in hexadecimal,
// says where its data is, so that python.km hands zipimport its directory
// ready-made instead of zipimport reading 1,500 entries in Python. The
// script checks it against _read_directory() of the finished archive: a
// CPython whose format differs fails here, at link time.
constexpr const char *kArchiveScript = R"PY(import importlib.util, marshal, os, sys, zipfile, zipimport
from importlib._bootstrap_external import _code_to_hash_pyc
exe, root, name = sys.argv[1:4]
DIRECTORY = "kmpack-directory.marshal"
out = sys.stdout.buffer
def info(member, mode, compress):
    i = zipfile.ZipInfo(member, (1980, 1, 1, 0, 0, 0))
    i.create_system = 3
    i.external_attr = mode << 16 | (0x10 if member.endswith("/") else 0)
    i.compress_type = compress
    return i
with open(exe, "r+b") as f:
    f.seek(0, os.SEEK_END)
    with zipfile.ZipFile(f, "w") as z:
        for top, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            rel_top = os.path.relpath(top, root)
            prefix = "lib/" if rel_top == "." else "lib/" + rel_top.replace(os.sep, "/") + "/"
            z.writestr(info(prefix, 0o40755, zipfile.ZIP_STORED), b"")
            for file in sorted(files):
                member = prefix + file
                with open(os.path.join(top, file), "rb") as src:
                    data = src.read()
                z.writestr(info(member, 0o100644, zipfile.ZIP_DEFLATED), data)
                if not file.endswith(".py"):
                    continue
                rel = member[len("lib/"):]
                try:
                    code = compile(data, name + "/" + member, "exec", dont_inherit=True)
                except (SyntaxError, ValueError) as e:
                    why = "%s: %s" % (type(e).__name__, e)
                    print(why, file=sys.stderr)
                    out.write(b"failed\0" + os.fsencode(rel) + b"\0" + why.encode("utf-8", "backslashreplace") + b"\0")
                    continue
                pyc = _code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False)
                z.writestr(info(member[:-3] + ".pyc", 0o100644, zipfile.ZIP_STORED), pyc)
                out.write(b"compiled\0" + os.fsencode(rel) + b"\0")
        def dos(i):
            y, mo, d, h, mi, s = i.date_time
            return (h << 11 | mi << 5 | s // 2), ((y - 1980) << 9 | mo << 5 | d)
        directory = {i.filename: (i.compress_type, i.compress_size, i.file_size, i.header_offset) + dos(i) + (i.CRC,)
                     for i in z.infolist()}
        blob = marshal.dumps(directory)
        entry = info(DIRECTORY, 0o100644, zipfile.ZIP_STORED)
        z.writestr(entry, blob)
        at = entry.header_offset + 30 + len(entry.filename.encode()) + len(entry.extra)
        z.comment = b"kmpack-directory %016x %08x" % (at, len(blob))
with open(exe, "rb") as f:
    f.seek(at)
    assert f.read(len(blob)) == blob, "the directory's member is not where the comment says"
read = zipimport._read_directory(exe)
del read[DIRECTORY]
assert {k: v[1:] for k, v in read.items()} == directory, "zipimport reads another directory than kmpack wrote"
)PY";

// The records of kScript or kArchiveScript in `out`.
BytecodeResult parse_records(const std::string &out, const std::filesystem::path &dir, const std::filesystem::path &python) {
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

// Runs `script` with `args` under `python`, logged as `what`; its records.
BytecodeResult run_script(CommandRunner &runner, const std::filesystem::path &python, const char *script,
                          const std::string &what, const std::vector<std::string> &args,
                          const std::filesystem::path &dir, const std::filesystem::path &log) {
    Command c;
    c.argv = {python.string(), "-I", "-S", "-c", script};
    c.argv.insert(c.argv.end(), args.begin(), args.end());
    c.output = log;
    append_file(log, "$ " + shell_quote({python.string(), "-I", "-S", "-c"}) + " '<kmpack: " + what + ">' " +
                         shell_quote(args) + "\n");
    std::string out;
    try {
        out = read_output(runner, c);
    } catch (const Error &e) {
        throw Error(what + ", " + dir.string() + ", with " + python.string() + ": " + e.what() +
                    " (its messages: " + log.string() + ")");
    }
    return parse_records(out, dir, python);
}

} // namespace

BytecodeResult compile_bytecode(CommandRunner &runner, const std::filesystem::path &python, const std::filesystem::path &dir,
                                const std::filesystem::path &log) {
    return run_script(runner, python, kScript, "compile every .py", {dir.string()}, dir, log);
}

BytecodeResult append_archive(CommandRunner &runner, const std::filesystem::path &python, const std::filesystem::path &dir,
                              const std::filesystem::path &executable, const std::string &name,
                              const std::filesystem::path &log) {
    return run_script(runner, python, kArchiveScript, "append the run-time tree as a zip archive",
                      {executable.string(), dir.string(), name}, dir, log);
}

} // namespace kmpack
