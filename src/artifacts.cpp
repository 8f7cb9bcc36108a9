#include "kmpack/artifacts.h"

#include "kmpack/digest.h"
#include "kmpack/emit_c.h"
#include "kmpack/fs.h"

namespace kmpack {

namespace {

// Stands for the "exports" array in the document write_artifacts() dumps; the
// array itself is written as text (exports_text).
const char *const kExportsPlaceholder = "\u0001kmpack-exports\u0001";

void append_json_string(std::string &out, const std::string &s) {
    bool plain = true;
    for (unsigned char c : s)
        plain = plain && c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    if (plain) {
        out += '"';
        out += s;
        out += '"';
    } else {
        out += nlohmann::json(s).dump();
    }
}

// The "exports" array byte for byte as json_text() writes it (dump(2), keys
// sorted, at depth 1), without a JSON tree: for a .so with thousands of
// exports, building and freeing that tree was most of write_artifacts().
std::string exports_text(const SoPlan &plan) {
    if (plan.exports.empty())
        return "[]";
    std::string out = "[\n";
    for (size_t i = 0; i < plan.exports.size(); ++i) {
        const ExportEntry &e = plan.exports[i];
        out += i ? ",\n    {\n      \"binding\": " : "    {\n      \"binding\": ";
        append_json_string(out, to_string(e.binding));
        out += ",\n      \"kind\": ";
        append_json_string(out, to_string(e.kind));
        out += ",\n      \"name\": ";
        append_json_string(out, e.name);
        out += ",\n      \"object\": ";
        append_json_string(out, e.origin);
        out += ",\n      \"renamed\": ";
        append_json_string(out, e.target);
        out += ",\n      \"size\": ";
        out += std::to_string(e.size);
        out += "\n    }";
    }
    out += "\n  ]";
    return out;
}

nlohmann::json plan_json_with(const SoPlan &plan, bool exports_as_placeholder) {
    nlohmann::json exports = nlohmann::json::array();
    if (exports_as_placeholder)
        exports = kExportsPlaceholder;
    else
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

} // namespace

nlohmann::json plan_json(const SoPlan &plan) { return plan_json_with(plan, false); }

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
    std::string text = json_text(plan_json_with(plan, true));
    std::string placeholder = nlohmann::json(kExportsPlaceholder).dump();
    text.replace(text.find(placeholder), placeholder.size(), exports_text(plan));
    write_file_atomic(artifact_path(plan, "json"), text);
}

} // namespace kmpack
