#include "kmpack/status.h"

#include "kmpack/build_cache.h"
#include "kmpack/cpython_build.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/manifest.h"
#include "kmpack/python_info.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

namespace kmpack {

namespace fs = std::filesystem;

std::vector<ModuleStatus> build_status(const fs::path &build_dir) {
    fs::path build_json = build_dir / "kmpack-build.json";
    std::error_code ec;
    if (!fs::exists(build_json, ec))
        throw Error(build_json.string() + ": no build here (run 'kmpack build modules.txt', or give -B)");
    auto build = nlohmann::json::parse(read_file(build_json));
    Manifest manifest = load_manifest(build.at("manifest").get<std::string>());
    std::string cpython = build.value("cpython", "");
    if (!cpython.empty())
        add_cpython(manifest, cpython, "/");
    PythonInfo py = query_python(build.at("python").at("executable").get<std::string>());
    // Keys as the build computes them: the interpreter's over the compiler,
    // every other module's over the interpreter and its key.
    std::string interpreter_key;
    if (manifest.has_interpreter()) {
        const ModuleSpec &spec = manifest.modules.front();
        interpreter_key = module_key(spec, source_identity(spec), compiler_identity(kCPythonCC));
    }
    std::string toolchain = toolchain_identity(py, interpreter_key);

    std::map<std::string, nlohmann::json> built;
    for (const auto &m : build.at("modules"))
        built[m.at("name")] = m;
    std::vector<ModuleStatus> out;
    for (const auto &spec : manifest.modules) {
        ModuleStatus s{spec.name, "not built", {}};
        fs::path work = build_dir / "modules" / spec.name;
        auto recorded = recorded_key(work);
        if (recorded)
            s.state = *recorded == (spec.build == BuildKind::CPython ? interpreter_key
                                                                      : module_key(spec, source_identity(spec), toolchain))
                          ? "up to date"
                          : "changed";
        if (auto it = built.find(spec.name); it != built.end()) {
            for (const auto &so : it->second.at("shared_objects")) {
                std::string stem = (build_dir / so.at("artifacts").get<std::string>()).string();
                bool all = true;
                for (const char *what : {".json", ".symmap", ".symbols.c", ".lib.a"})
                    all = all && fs::exists(stem + what, ec);
                s.shared_objects.push_back({so.at("path"), so.at("id"), all});
            }
            built.erase(it);
        }
        out.push_back(std::move(s));
    }
    for (const auto &[name, m] : built)
        out.push_back({name, "not in modules.txt", {}});
    return out;
}

void print_status(const std::vector<ModuleStatus> &status, bool json, std::ostream &out) {
    if (json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto &m : status) {
            nlohmann::json sos = nlohmann::json::array();
            for (const auto &so : m.shared_objects)
                sos.push_back({{"path", so.path}, {"id", so.id}, {"artifacts", so.artifacts}});
            j.push_back({{"module", m.name}, {"state", m.state}, {"shared_objects", sos}});
        }
        out << j.dump(2) << "\n";
        return;
    }
    for (const auto &m : status) {
        char line[512];
        std::snprintf(line, sizeof line, "%-24s %-18s %zu .so", m.name.c_str(), m.state.c_str(),
                      m.shared_objects.size());
        out << line << "\n";
        for (const auto &so : m.shared_objects)
            out << "    " << so.path << "  " << so.id << (so.artifacts ? "" : "  (artifacts missing)") << "\n";
    }
}

} // namespace kmpack
