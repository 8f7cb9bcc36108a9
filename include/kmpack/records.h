// The typed records that cross a stage or a file: <base>.km.json beside
// each .so (ArtifactRecord), its <base>.km.stamp (StampRecord), a module's
// kmpack-module.json (ModuleBuildRecord)
// and the build directory's kmpack-build.json (BuildRecord, which `kmpack
// link` and `kmpack list` read). Each converts to and from JSON with
// nlohmann's to_json/from_json; load_record() is the one way files are read
// back, turning any parse, missing-field or type error into an Error that
// names the file.
#pragma once

#include "kmpack/digest.h"
#include "kmpack/error.h"
#include "kmpack/python_info.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// ---- <base>.km.json
struct ExportRecord {
    std::string name;    // as the .so exports it
    std::string renamed; // what the dlsym table points at
    std::string kind;    // to_string(SymbolKind)
    std::string binding; // to_string(SymbolBinding)
    uint64_t size = 0;
    std::string object; // the input that defines it
};

struct ObjectRecord {
    std::string name; // package-relative, "lib.a(member.o)" for archive members
    size_t globals = 0;
    std::string md5;
};

struct ArtifactRecord {
    std::string kmpack_version;
    std::string so_name; // file name
    std::string path;    // package-relative
    std::string md5, digest, id;
    std::vector<ObjectRecord> objects;
    std::vector<std::string> archives; // the package's own, package-relative
    std::vector<std::string> libs;     // -l names for the final link
    std::vector<std::string> linker_options;
    std::vector<std::string> system_archives, lib_dirs;
    bool cxx = false;
    std::vector<ExportRecord> exports; // the dlsym table, by name
    std::vector<std::string> skipped_exports;
    std::vector<std::string> overrides; // system-library symbols it overrides, and what that copied
    size_t renamed_globals = 0;
    std::vector<std::string> needed;            // package-relative .so paths it links against
    std::map<std::string, std::string> imports; // old -> renamed, references to those
    std::map<std::string, std::string> sections; // constructor-section renames
};

// ---- <base>.km.stamp, written last: the set is complete, made for `module`
// (its module's stamp: this kmpack and the digests of the module's .so
// files), and each file of it as it was written, by file name.
struct StampRecord {
    std::string module;
    std::map<std::string, Fingerprint> files;
};

// ---- <work>/kmpack-module.json: a module build that finished.
struct ModuleBuildRecord {
    std::string key;         // module_key() it was built with
    std::string package_dir; // relative to the work directory
    // What the build left that later runs read again (capture.jsonl, the
    // linker maps), relative to the work directory, as the build left it.
    std::map<std::string, Fingerprint> files;
    // Read from a record without "files" (an earlier kmpack's, as of an
    // interpreter in the per-user cache): nothing to check, trusted as it
    // is. Not written.
    std::string work; // the work directory's absolute path when it was built (its capture log names it); "" if unknown
    bool legacy = false;
};

// ---- kmpack-build.json
struct SoRecord {
    std::string path; // package-relative
    std::string id;
    std::string artifacts; // artifact_stem(), relative to the build directory
    size_t exports = 0;
    size_t renamed = 0;
    std::vector<std::string> libs, lib_dirs, system_archives;
    bool cxx = false;
};

// What kmpack-build.json keeps of a .so's artifact record; `artifacts` is
// left empty (it is relative to the build directory, which the caller knows).
SoRecord so_summary(const ArtifactRecord &a);

struct ModuleRecord {
    std::string name;
    std::string source;
    std::string key;
    std::string lib_dir; // relative to the build directory
    std::string log;     // relative to the build directory, or absolute (a built interpreter's, in the cache)
    std::vector<std::string> notes;
    std::vector<SoRecord> shared_objects;
};

struct BuildRecord {
    std::string manifest;     // absolute path of the modules.txt
    std::string cpython;      // --cpython source, or ""
    std::string interpreter_dir; // where the interpreter was built from source, or "" (--python's own)
    std::string tools_python; // --python
    PythonInfo python;        // the interpreter python.km is linked from
    std::vector<ModuleRecord> modules; // the Python packages (and a built interpreter), not the library lines
    // The library lines' prefixes (c_library.h), relative to the build
    // directory, in line order: python.km's link searches them first.
    std::vector<std::string> libraries;
};

// The plain records: every member is a field of the same name, all required.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ExportRecord, name, renamed, kind, binding, size, object)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ObjectRecord, name, globals, md5)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Fingerprint, size, md5)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SoRecord, path, id, artifacts, exports, renamed, libs, lib_dirs, system_archives,
                                   cxx)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ModuleRecord, name, source, key, lib_dir, log, notes, shared_objects)

// These add a format version (ArtifactRecord), or are declared elsewhere.
void to_json(nlohmann::json &j, const ArtifactRecord &r);
void from_json(const nlohmann::json &j, ArtifactRecord &r);
void to_json(nlohmann::json &j, const StampRecord &r);
void from_json(const nlohmann::json &j, StampRecord &r);
void to_json(nlohmann::json &j, const ModuleBuildRecord &r);
void from_json(const nlohmann::json &j, ModuleBuildRecord &r);
void to_json(nlohmann::json &j, const PythonInfo &r);
void from_json(const nlohmann::json &j, PythonInfo &r);
void to_json(nlohmann::json &j, const BuildRecord &r);
void from_json(const nlohmann::json &j, BuildRecord &r);

// A JSON document as kmpack writes it: two-space indent, sorted keys, newline.
std::string json_text(const nlohmann::json &j);

// The text of an artifact record, the same bytes as json_text(record) but
// written without building a JSON tree of its exports: for a .so with
// thousands of exports, building and freeing that tree was most of the
// post-processing's time (bench/RESULTS.md).
std::string artifact_text(const ArtifactRecord &record);

// `text` (read from `file`) as a T. Error "FILE: ..." on bad JSON, a missing
// field or a wrong type, with what to do about it.
nlohmann::json parse_json(const std::string &text, const fs::path &file);

// nlohmann's message without its "[json.exception.type_error.302] " tag.
std::string json_error_message(const nlohmann::json::exception &e);

// The Error for a JSON document that is not the record wanted.
[[noreturn]] void throw_record_error(const fs::path &file, const nlohmann::json::exception &e);

template <class T> T record_from_text(const std::string &text, const fs::path &file) {
    nlohmann::json j = parse_json(text, file);
    try {
        return j.get<T>();
    } catch (const nlohmann::json::exception &e) {
        throw_record_error(file, e);
    }
}

// The file's whole text (read_file), then record_from_text.
std::string read_record_text(const fs::path &file);
template <class T> T load_record(const fs::path &file) { return record_from_text<T>(read_record_text(file), file); }

// Writes json_text(record) atomically, unless the file holds exactly that
// already (its time stamp then stays). True when it wrote.
bool write_text_if_changed(const fs::path &file, const std::string &text);
template <class T> bool write_record(const fs::path &file, const T &record) {
    return write_text_if_changed(file, json_text(nlohmann::json(record)));
}

} // namespace kmpack
