#include "kmpack/interpreter.h"

#include "kmpack/build_cache.h"
#include "kmpack/build_packages.h"
#include "kmpack/cpython_build.h"
#include "kmpack/link_inputs.h"

namespace kmpack {

Toolchain prepare_interpreter(const std::string &python, std::vector<ModuleWork> &work, const ModuleOptions &options,
                              Outcomes &outcomes, Host &host) {
    Toolchain t;
    t.host = query_python(host.runner, python);
    t.python = t.host;
    bool interpreter = !work.empty() && work.front().spec->build == BuildKind::CPython;
    if (interpreter) {
        ModuleWork &m = work.front();
        Toolchain own; // what the interpreter's own build is keyed on: the compiler
        own.python = t.host;
        own.identity = interpreter_toolchain(host.runner);
        outcomes.guard(
            0,
            [&] {
                prepare_module(m, own, options, host);
                CPythonLayout layout = cpython_layout(m.package_dir, m.dirs.work);
                m.lib_dir = layout.lib_dir;
                t.python = query_python(host.runner, layout.python.string());
                outcomes.clock(0);
            },
            /*fatal=*/true);
        t.built = true;
        t.interpreter_dir = m.dirs.work;
    }
    t.identity = toolchain_identity(host.runner, t.python, interpreter ? work.front().key : "");
    t.search_dirs = compiler_search_dirs(host.runner, t.python.cc.at(0));
    host.status.note("python: " + t.python.executable + " " + t.python.version + " (" + t.python.libpl.string() + ")",
                     true);
    return t;
}

} // namespace kmpack
