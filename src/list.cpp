#include "kmpack/list.h"

#include "kmpack/artifacts.h"
#include "kmpack/build_cache.h"
#include "kmpack/build_record.h"
#include "kmpack/c_library.h"
#include "kmpack/error.h"
#include "kmpack/manifest.h"
#include "kmpack/records.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

namespace kmpack {

namespace fs = std::filesystem;

namespace {

SharedObjectStatus so_status(const SoRecord &so, const fs::path &build_dir) {
    fs::path stem = build_dir / so.artifacts;
    bool all = true;
    std::error_code ec;
    for (Artifact a : {Artifact::Record, Artifact::Symmap, Artifact::SymbolsC, Artifact::Archive, Artifact::Stamp})
        all = all && fs::exists(artifact_at(stem, a), ec);
    SharedObjectStatus s{so.path, so.id, all, ""};
    if (all)
        if (std::optional<StampRecord> stamp = read_stamp(stem))
            s.damaged = damaged_artifact(stem, *stamp);
    return s;
}

} // namespace

std::vector<ModuleStatus> build_status(CommandRunner &runner, const fs::path &build_dir) {
    BuildLayout layout{build_dir};
    BuildRecord record = load_build_record(layout);
    Manifest manifest = load_manifest(record.manifest);
    if (!record.cpython.empty())
        add_cpython(manifest, record.cpython, "/", "the build's interpreter");
    // The keys as the build computes them: the interpreter's over the
    // compiler, every other module's over the interpreter and its key.
    std::string interpreter_key;
    if (manifest.has_interpreter())
        interpreter_key = current_key(runner, manifest.modules.front(), interpreter_toolchain(runner));
    std::string toolchain =
        toolchain_identity(runner, query_python(runner, record.python.executable), interpreter_key);

    std::map<std::string, const ModuleRecord *> built;
    for (const auto &m : record.modules)
        built[m.name] = &m;
    std::vector<ModuleStatus> out;
    std::vector<std::string> library_keys; // of the library lines so far: every later line's key includes them
    for (const auto &spec : manifest.modules) {
        ModuleStatus s{spec.name, ListState::NotBuilt, {}, ""};
        // A built interpreter's record is in the cache, where the build says.
        fs::path work = spec.build == BuildKind::CPython && !record.interpreter_dir.empty()
                            ? fs::path(record.interpreter_dir)
                            : layout.module(spec.name);
        std::string now = spec.build == BuildKind::CPython
                              ? interpreter_key
                              : chained_key(current_key(runner, spec, toolchain), library_keys);
        if (is_library_build(spec.build))
            library_keys.push_back(now);
        if (auto recorded = recorded_build(work)) {
            if (recorded->key == now)
                s.damaged = damaged_build_file(work, *recorded);
            s.state = recorded->key == now && s.damaged.empty() ? ListState::UpToDate : ListState::Changed;
        }
        if (auto it = built.find(spec.name); it != built.end()) {
            for (const auto &so : it->second->shared_objects) {
                s.shared_objects.push_back(so_status(so, build_dir));
                if (!s.shared_objects.back().damaged.empty() && s.state == ListState::UpToDate)
                    s.state = ListState::Changed;
            }
            built.erase(it);
        }
        out.push_back(std::move(s));
    }
    for (const auto &[name, m] : built)
        out.push_back({name, ListState::NotInManifest, {}, ""});
    return out;
}

void print_status(const std::vector<ModuleStatus> &status, bool json, std::ostream &out) {
    if (json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto &m : status) {
            nlohmann::json sos = nlohmann::json::array();
            for (const auto &so : m.shared_objects)
                sos.push_back({{"path", so.path}, {"id", so.id}, {"artifacts", so.artifacts}, {"damaged", so.damaged}});
            j.push_back({{"module", m.name},
                         {"state", std::string(to_string(m.state))},
                         {"damaged", m.damaged},
                         {"shared_objects", sos}});
        }
        out << j.dump(2) << "\n";
        return;
    }
    for (const auto &m : status) {
        char line[512];
        std::snprintf(line, sizeof line, "%-24s %-18s %zu .so", m.name.c_str(), std::string(to_string(m.state)).c_str(),
                      m.shared_objects.size());
        out << line << "\n";
        if (!m.damaged.empty())
            out << "    (damaged: " << m.damaged << ")\n";
        for (const auto &so : m.shared_objects)
            out << "    " << so.path << "  " << so.id << (so.artifacts ? "" : "  (artifacts missing)")
                << (so.damaged.empty() ? "" : "  (damaged: " + so.damaged + ")") << "\n";
    }
}

} // namespace kmpack
