#include "kmpack/link_command.h"

#include "kmpack/conventions.h"
#include "kmpack/fs.h"
#include "kmpack/system_libs.h"

namespace kmpack {

std::vector<std::string> compile_command(const LinkOptions &options, const fs::path &build_dir,
                                         const fs::path &source, const fs::path &object, bool runtime,
                                         const std::vector<fs::path> &includes) {
    std::vector<std::string> argv = options.launcher.argv;
    argv.insert(argv.end(), options.cc.begin(), options.cc.end());
    argv.insert(argv.end(), {"-c", "-O2"});
    for (const auto &dir : includes)
        argv.insert(argv.end(), {"-I", in_build(dir, build_dir).string()});
    if (runtime)
        argv.insert(argv.end(), {"-std=gnu11", "-I", "payload"});
    argv.insert(argv.end(),
                {in_build(source, build_dir).string(), "-o", in_build(object, build_dir).string()});
    return argv;
}

std::vector<std::string> link_command(const LinkPlan &plan, const LinkOptions &options, const fs::path &build_dir,
                                      const fs::path &output, const fs::path &main_object,
                                      const std::vector<fs::path> &objects, bool export_dynamic) {
    std::vector<std::string> line = options.cc;
    if (!options.linker.flag.empty())
        line.push_back(options.linker.flag);
    line.insert(line.end(), {"-o", in_build(output, build_dir).string(), main_object.string()});
    for (const auto &o : objects)
        line.push_back(in_build(o, build_dir).string());
    for (const auto &symbol : plan.undefined)
        line.push_back("-Wl,--undefined=" + symbol);
    line.push_back("-Wl,--whole-archive");
    for (const auto &so : plan.sos)
        line.push_back(artifact_at(so.artifacts, Artifact::Archive).string());
    line.push_back("-Wl,--no-whole-archive");
    line.push_back(plan.libpython.string());
    for (const auto &d : plan.system.lib_dirs)
        line.push_back("-L" + in_build(d, build_dir).string()); // a library line's prefix: relative
    line.push_back("-Wl,--start-group");
    for (const auto &l : plan.system.libs)
        if (!is_cxx_runtime(l))
            line.push_back("-l" + l);
    for (const auto &a : plan.system.archives)
        line.push_back(a.string());
    line.push_back("-Wl,--end-group");
    line.insert(line.end(), plan.python.link_libs.begin(), plan.python.link_libs.end());
    if (plan.system.cxx)
        line.push_back("-lstdc++");
    line.push_back("-lm");
    // Keeps the program's globals global in the symbol table the main table
    // is read from (mold localizes them otherwise). Only for that first link:
    // it gives a static program a .dynamic section (lld), which the shipped
    // one has no use for.
    if (export_dynamic)
        line.push_back("-Wl,--export-dynamic");
    line.insert(line.end(), options.link_args.begin(), options.link_args.end());
    return line;
}

} // namespace kmpack
