#include "kmpack/artifacts.h"

#include "kmpack/digest.h"
#include "kmpack/emit_c.h"
#include "kmpack/fs.h"

namespace kmpack {

nlohmann::json plan_json(const SoPlan &plan) {
    nlohmann::json exports = nlohmann::json::array();
    for (const auto &e : plan.exports)
        exports.push_back({{"name", e.name},
                           {"renamed", e.target},
                           {"kind", to_string(e.kind)},
                           {"binding", to_string(e.binding)},
                           {"size", e.size},
                           {"object", e.origin}});
    nlohmann::json objects = nlohmann::json::array();
    for (const auto &in : plan.inputs) {
        size_t globals = in.symbols.defined.size();
        objects.push_back({{"name", in.display}, {"globals", globals}, {"md5", md5_hex(in.bytes)}});
    }
    nlohmann::json sections = nlohmann::json::object();
    for (const auto &[from, to] : plan.section_renames)
        sections[from] = to;
    nlohmann::json archives = nlohmann::json::array(), dirs = nlohmann::json::array();
    for (const auto &a : plan.system_archives)
        archives.push_back(a.string());
    for (const auto &d : plan.lib_dirs)
        dirs.push_back(d.string());
    return {{"kmpack_artifact", 1},
            {"kmpack_version", KMPACK_VERSION},
            {"so_name", plan.file_name},
            {"path", plan.rel_path},
            {"md5", plan.md5},
            {"digest", plan.digest},
            {"id", plan.id},
            {"objects", objects},
            {"archives", plan.archives},
            {"libs", plan.system_libs},
            {"linker_options", plan.linker_options},
            {"system_archives", archives},
            {"lib_dirs", dirs},
            {"cxx", plan.cxx},
            {"exports", exports},
            {"skipped_exports", plan.skipped_exports},
            {"renamed_globals", plan.symmap.size()},
            {"needed", plan.needed},
            {"imports", plan.imports},
            {"sections", sections}};
}

std::string symmap_text(const SoPlan &plan) {
    std::string out;
    for (const auto &[old_name, new_name] : plan.symmap)
        out += old_name + " " + new_name + "\n";
    return out;
}

std::filesystem::path artifact_path(const SoPlan &plan, const std::string &what) {
    return plan.so_path.parent_path() / (plan.base + ".km." + what);
}

std::string json_text(const nlohmann::json &j) { return j.dump(2) + "\n"; }

void write_artifacts(const SoPlan &plan) {
    write_file_atomic(artifact_path(plan, "symmap"), symmap_text(plan));
    write_file_atomic(artifact_path(plan, "symbols.c"), emit_symbols_c(plan));
    // Last: its presence says the others are complete.
    write_file_atomic(artifact_path(plan, "json"), json_text(plan_json(plan)));
}

} // namespace kmpack
