#include "kmpack/records.h"

#include "kmpack/fs.h"

namespace kmpack {

using nlohmann::json;

std::string json_error_message(const json::exception &e) {
    std::string what = e.what();
    if (what.starts_with("[json.exception.")) {
        size_t end = what.find("] ");
        if (end != std::string::npos)
            what = what.substr(end + 2);
    }
    return what;
}

namespace {

template <class T> void field(const json &j, const char *key, T &out) { j.at(key).get_to(out); }

} // namespace

void to_json(json &j, const ArtifactRecord &r) {
    j = {{"kmpack_artifact", 1},
         {"kmpack_version", r.kmpack_version},
         {"so_name", r.so_name},
         {"path", r.path},
         {"md5", r.md5},
         {"digest", r.digest},
         {"id", r.id},
         {"objects", r.objects},
         {"archives", r.archives},
         {"libs", r.libs},
         {"linker_options", r.linker_options},
         {"system_archives", r.system_archives},
         {"lib_dirs", r.lib_dirs},
         {"cxx", r.cxx},
         {"exports", r.exports},
         {"skipped_exports", r.skipped_exports},
         {"overrides", r.overrides},
         {"renamed_globals", r.renamed_globals},
         {"needed", r.needed},
         {"imports", r.imports},
         {"sections", r.sections}};
}

void from_json(const json &j, ArtifactRecord &r) {
    if (j.at("kmpack_artifact").get<int>() != 1)
        throw json::other_error::create(501, "unknown kmpack_artifact version", &j);
    field(j, "kmpack_version", r.kmpack_version);
    field(j, "so_name", r.so_name);
    field(j, "path", r.path);
    field(j, "md5", r.md5);
    field(j, "digest", r.digest);
    field(j, "id", r.id);
    field(j, "objects", r.objects);
    field(j, "archives", r.archives);
    field(j, "libs", r.libs);
    field(j, "linker_options", r.linker_options);
    field(j, "system_archives", r.system_archives);
    field(j, "lib_dirs", r.lib_dirs);
    field(j, "cxx", r.cxx);
    field(j, "exports", r.exports);
    field(j, "skipped_exports", r.skipped_exports);
    r.overrides.clear();
    if (j.contains("overrides")) // not in an earlier kmpack's
        field(j, "overrides", r.overrides);
    field(j, "renamed_globals", r.renamed_globals);
    field(j, "needed", r.needed);
    field(j, "imports", r.imports);
    field(j, "sections", r.sections);
}

void to_json(json &j, const StampRecord &r) { j = {{"kmpack_stamp", 1}, {"module", r.module}, {"files", r.files}}; }

void from_json(const json &j, StampRecord &r) {
    if (j.at("kmpack_stamp").get<int>() != 1)
        throw json::other_error::create(501, "unknown kmpack_stamp version", &j);
    field(j, "module", r.module);
    field(j, "files", r.files);
}

void to_json(json &j, const ModuleBuildRecord &r) {
    j = {{"key", r.key}, {"package_dir", r.package_dir}, {"files", r.files}, {"work", r.work}};
}

void from_json(const json &j, ModuleBuildRecord &r) {
    field(j, "key", r.key);
    field(j, "package_dir", r.package_dir);
    r.legacy = !j.contains("files");
    r.files.clear();
    if (!r.legacy)
        field(j, "files", r.files);
    r.work.clear(); // an earlier kmpack's record does not say: nothing to rebase
    if (j.contains("work"))
        field(j, "work", r.work);
}

void to_json(json &j, const PythonInfo &r) {
    j = {{"executable", r.executable},
         {"version", r.version},
         {"full_version", r.full_version},
         {"ext_suffix", r.ext_suffix},
         {"libpl", r.libpl.string()},
         {"library", r.library},
         {"cc", r.cc},
         {"cxx", r.cxx},
         {"ldshared", r.ldshared},
         {"ldcxxshared", r.ldcxxshared},
         {"link_libs", r.link_libs},
         {"prefix", r.prefix.string()},
         {"stdlib", r.stdlib.string()},
         {"include", r.include.string()},
         {"site_packages", r.site_packages}};
}

void from_json(const json &j, PythonInfo &r) {
    field(j, "executable", r.executable);
    field(j, "version", r.version);
    field(j, "full_version", r.full_version);
    field(j, "ext_suffix", r.ext_suffix);
    r.libpl = j.at("libpl").get<std::string>();
    field(j, "library", r.library);
    field(j, "cc", r.cc);
    field(j, "cxx", r.cxx);
    field(j, "ldshared", r.ldshared);
    field(j, "ldcxxshared", r.ldcxxshared);
    field(j, "link_libs", r.link_libs);
    r.prefix = j.at("prefix").get<std::string>();
    r.stdlib = j.at("stdlib").get<std::string>();
    r.include = j.at("include").get<std::string>();
    field(j, "site_packages", r.site_packages);
}

void to_json(json &j, const BuildRecord &r) {
    j = {{"kmpack_build", 1},          {"manifest", r.manifest}, {"cpython", r.cpython},
         {"interpreter_dir", r.interpreter_dir},
         {"tools_python", r.tools_python}, {"python", r.python},     {"modules", r.modules}};
    if (!r.libraries.empty())
        j["libraries"] = r.libraries;
}

void from_json(const json &j, BuildRecord &r) {
    if (j.at("kmpack_build").get<int>() != 1)
        throw json::other_error::create(501, "unknown kmpack_build version", &j);
    field(j, "manifest", r.manifest);
    field(j, "cpython", r.cpython);
    field(j, "interpreter_dir", r.interpreter_dir);
    field(j, "tools_python", r.tools_python);
    field(j, "python", r.python);
    field(j, "modules", r.modules);
    r.libraries.clear(); // written only when there are some
    if (j.contains("libraries"))
        field(j, "libraries", r.libraries);
}

SoRecord so_summary(const ArtifactRecord &a) {
    return {a.path, a.id, "", a.exports.size(), a.renamed_globals, a.libs, a.lib_dirs, a.system_archives, a.cxx};
}

std::string json_text(const json &j) { return j.dump(2) + "\n"; }

namespace {

void append_json_string(std::string &out, const std::string &s) {
    bool plain = true;
    for (unsigned char c : s)
        plain = plain && c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    if (plain) {
        out += '"';
        out += s;
        out += '"';
    } else {
        out += json(s).dump();
    }
}

// The "exports" array as json_text() writes it at depth 1 (dump(2), keys sorted).
std::string exports_text(const std::vector<ExportRecord> &exports) {
    if (exports.empty())
        return "[]";
    std::string out = "[\n";
    for (size_t i = 0; i < exports.size(); ++i) {
        const ExportRecord &e = exports[i];
        out += i ? ",\n    {\n      \"binding\": " : "    {\n      \"binding\": ";
        append_json_string(out, e.binding);
        out += ",\n      \"kind\": ";
        append_json_string(out, e.kind);
        out += ",\n      \"name\": ";
        append_json_string(out, e.name);
        out += ",\n      \"object\": ";
        append_json_string(out, e.object);
        out += ",\n      \"renamed\": ";
        append_json_string(out, e.renamed);
        out += ",\n      \"size\": ";
        out += std::to_string(e.size);
        out += "\n    }";
    }
    out += "\n  ]";
    return out;
}

// Stands for the exports in the document artifact_text() dumps.
const char *const kExportsPlaceholder = "\u0001kmpack-exports\u0001";

} // namespace

std::string artifact_text(const ArtifactRecord &record) {
    ArtifactRecord rest = record;
    rest.exports.clear();
    json j = rest;
    j["exports"] = kExportsPlaceholder;
    std::string text = json_text(j);
    std::string placeholder = json(kExportsPlaceholder).dump();
    text.replace(text.find(placeholder), placeholder.size(), exports_text(record.exports));
    return text;
}

json parse_json(const std::string &text, const fs::path &file) {
    try {
        return json::parse(text);
    } catch (const json::parse_error &e) {
        throw Error(file.string() + ": not valid JSON (" + json_error_message(e) +
                    "); it is kmpack's own file: run 'kmpack build' again to rewrite it");
    }
}

void throw_record_error(const fs::path &file, const json::exception &e) {
    throw Error(file.string() + ": not a record this kmpack (" + KMPACK_VERSION + ") can read: " + json_error_message(e) +
                "; run 'kmpack build' again to rewrite it");
}

std::string read_record_text(const fs::path &file) { return read_file(file); }

bool write_text_if_changed(const fs::path &file, const std::string &text) {
    std::error_code ec;
    if (fs::exists(file, ec)) {
        try {
            if (read_file(file) == text)
                return false;
        } catch (const Error &) {
            // unreadable: write it anew
        }
    }
    write_file_atomic(file, text);
    return true;
}

} // namespace kmpack
