#include "kmpack/inspect.h"

#include "kmpack/digest.h"
#include "kmpack/elf_symbols.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"

#include <algorithm>
#include <llvm/ADT/StringRef.h>
#include <llvm/BinaryFormat/ELF.h>
#include <llvm/BinaryFormat/Magic.h>
#include <llvm/Object/Archive.h>
#include <vector>

namespace kmpack {

namespace {

using nlohmann::json;

// ---- What the file is ----------------------------------------------------

enum class FileKind { SharedObject, Object, Archive, Other };

// What `bytes` (the content of `file`) is, from its magic and, for ELF, its
// e_type in the byte order the header declares. Error for an ELF or archive
// kmpack does not read; Other for the rest.
FileKind file_kind(const std::string &bytes, const std::string &file) {
    const std::string not_elf_input = ", not a shared object (.so) or relocatable object (.o)";
    llvm::StringRef head(bytes);
    switch (llvm::identify_magic(head)) {
    case llvm::file_magic::elf_shared_object:
        return FileKind::SharedObject;
    case llvm::file_magic::elf_relocatable:
        return FileKind::Object;
    case llvm::file_magic::archive:
        if (!head.starts_with(llvm::object::ArchiveMagic))
            throw Error(file + ": a thin or big (AIX) archive, not a regular ar archive (.a)");
        return FileKind::Archive;
    case llvm::file_magic::elf_executable:
        throw Error(file + ": ELF executable (ET_EXEC)" + not_elf_input);
    case llvm::file_magic::elf_core:
        throw Error(file + ": ELF core file (ET_CORE)" + not_elf_input);
    case llvm::file_magic::elf:
        throw Error(file + ": ELF file of another type (neither ET_DYN nor ET_REL)" + not_elf_input);
    default:
        // identify_magic needs the 18 bytes up to e_type to say "ELF".
        if (head.starts_with(llvm::ELF::ElfMagic))
            throw Error(file + ": truncated ELF header (" + std::to_string(bytes.size()) + " bytes)");
        return FileKind::Other;
    }
}

// The base.km.json document held in `bytes`; Error when it is not one.
json parse_artifact(const std::string &bytes, const std::string &file) {
    json doc = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded())
        throw Error(file + ": not a .so, .o, .a or kmpack base.km.json (neither ELF, archive nor JSON)");
    if (!doc.is_object() || !doc.contains("kmpack_artifact"))
        throw Error(file + ": JSON, but not a kmpack artifact (no \"kmpack_artifact\" field)");
    return doc;
}

// ---- Renamed symbols and constructor sections ---------------------------

// {"name"}, plus "original" and "digest" when kmpack renamed it.
json symbol_name(const std::string &name) {
    json j = {{"name", name}};
    if (auto r = split_renamed(name)) {
        j["original"] = r->original;
        j["digest"] = r->digest;
    }
    return j;
}

// A constructor or destructor section as ld orders it (.init_array[.N],
// .fini_array[.N], .ctors[.N], .dtors[.N]), or kmpack's deferred form of one
// with the section it came from. Null for any other section.
json ctor_section_json(const std::string &name) {
    auto describe = [&](const CtorSection &c) {
        json j = {{"name", name},
                  {"role", c.runs_at_open() ? "constructors" : "destructors"},
                  {"priority", c.priority >= 0 ? json(c.priority) : json(nullptr)}};
        return j;
    };
    if (auto plain = parse_ctor_section(name))
        return describe(*plain);
    if (auto deferred = parse_deferred_section(name)) {
        json j = describe(deferred->section);
        j["original"] = ctor_section_name(deferred->section);
        j["digest"] = deferred->digest;
        return j;
    }
    return nullptr;
}

// ---- Descriptions (the --json data) -------------------------------------

bool by_name(const json &a, const json &b) { return a["name"].get<std::string>() < b["name"].get<std::string>(); }

// Defined globals, undefined references and constructor sections of one object.
json describe_object(const std::string &bytes, const std::string &name) {
    ObjectSymbols s = read_object(bytes, name);
    json defined = json::array(), undefined = json::array(), sections = json::array();
    for (const auto &d : s.defined) {
        json j = symbol_name(d.name);
        j.update({{"kind", to_string(d.kind)},
                  {"binding", to_string(d.binding)},
                  {"visibility", d.hidden ? "hidden" : "default"},
                  {"size", d.size}});
        defined.push_back(std::move(j));
    }
    std::sort(s.undefined.begin(), s.undefined.end());
    s.undefined.erase(std::unique(s.undefined.begin(), s.undefined.end()), s.undefined.end());
    for (const auto &u : s.undefined)
        undefined.push_back(symbol_name(u));
    for (const auto &section : s.sections) {
        json j = ctor_section_json(section);
        if (!j.is_null())
            sections.push_back(std::move(j));
    }
    std::sort(defined.begin(), defined.end(), by_name);
    std::sort(sections.begin(), sections.end(), by_name);
    return {{"machine", machine_name(s.machine)},
            {"defined", defined},
            {"undefined", undefined},
            {"constructor_sections", sections}};
}

json describe_archive(const fs::path &file, const std::string &bytes) {
    json members = json::array();
    for (const auto &m : read_archive(file)) {
        json j = describe_object(m.bytes, file.string() + "(" + m.name + ")");
        j["name"] = m.name;
        members.push_back(std::move(j));
    }
    return {{"members", members}};
}

// The field `key` of `j`, checked with `is` (json::is_string, ...).
const json &field(const json &j, const char *key, bool (json::*is)() const noexcept, const char *what,
                  const std::string &file) {
    auto it = j.find(key);
    if (it == j.end() || !((*it).*is)())
        throw Error(file + ": kmpack artifact: field '" + key + "' is missing or not " + what);
    return *it;
}

// Checks the fields the summary shows, so a damaged file is an Error, not garbage.
void check_artifact(const json &doc, const std::string &file) {
    for (const char *key : {"so_name", "path", "md5", "id"})
        field(doc, key, &json::is_string, "a string", file);
    for (const char *key : {"archives", "libs", "linker_options", "skipped_exports"})
        for (const auto &v : field(doc, key, &json::is_array, "an array", file))
            if (!v.is_string())
                throw Error(file + ": kmpack artifact: '" + key + "' holds a non-string");
    field(doc, "renamed_globals", &json::is_number_unsigned, "a count", file);
    for (const auto &[from, to] : field(doc, "sections", &json::is_object, "an object", file).items())
        if (!to.is_string())
            throw Error(file + ": kmpack artifact: section rename of '" + from + "' is not a string");
    for (const auto &o : field(doc, "objects", &json::is_array, "an array", file)) {
        field(o, "name", &json::is_string, "a string", file);
        field(o, "md5", &json::is_string, "a string", file);
    }
    for (const auto &e : field(doc, "exports", &json::is_array, "an array", file)) {
        for (const char *key : {"name", "renamed", "kind", "binding", "object"})
            field(e, key, &json::is_string, "a string", file);
        field(e, "size", &json::is_number_unsigned, "a size", file);
    }
}

json describe_artifact(json doc, const std::string &file) {
    check_artifact(doc, file);
    doc.erase("kmpack_artifact");
    return doc;
}

// The exports of a .so; with what its base.km.json says, when there is one.
json describe_shared_object(const fs::path &file) {
    SharedObjectSymbols so = read_shared_object(file);
    std::string md5 = md5_file(file);
    fs::path beside = artifact_path(file, Artifact::Record);
    json artifact = nullptr, by_export = json::object();
    std::error_code ec;
    if (fs::is_regular_file(beside, ec)) {
        json doc = parse_artifact(read_file(beside), beside.string());
        check_artifact(doc, beside.string());
        for (const auto &e : doc["exports"])
            by_export[e["name"].get<std::string>()] = {{"renamed", e["renamed"]}, {"object", e["object"]}};
        for (const auto &s : doc["skipped_exports"]) {
            std::string line = s.get<std::string>();
            size_t colon = line.find(": ");
            if (colon != std::string::npos)
                by_export[line.substr(0, colon)] = {{"skipped", line.substr(colon + 2)}};
        }
        artifact = {{"file", beside.string()},    {"path", doc["path"]},
                    {"md5", doc["md5"]},          {"id", doc["id"]},
                    {"stale", doc["md5"] != md5}, {"renamed_globals", doc["renamed_globals"]}};
    }
    json exports = json::array();
    for (const auto &e : so.exports) {
        json j = {{"name", e.name}, {"kind", to_string(e.kind)}, {"binding", to_string(e.binding)}, {"size", e.size}};
        if (by_export.contains(e.name))
            j.update(by_export[e.name]);
        exports.push_back(std::move(j));
    }
    return {{"machine", machine_name(so.machine)}, {"md5", md5}, {"exports", exports}, {"artifact", artifact}};
}

// ---- Text ----------------------------------------------------------------

using Row = std::vector<std::string>;

// Rows in columns two blanks apart, without trailing blanks.
void print_table(std::ostream &out, const std::vector<Row> &rows, const std::string &indent) {
    std::vector<size_t> width;
    for (const auto &row : rows) {
        width.resize(std::max(width.size(), row.size()));
        for (size_t i = 0; i < row.size(); ++i)
            width[i] = std::max(width[i], row[i].size());
    }
    for (const auto &row : rows) {
        std::string line = indent;
        for (size_t i = 0; i < row.size(); ++i)
            line += row[i] + (i + 1 < row.size() ? std::string(width[i] - row[i].size() + 2, ' ') : "");
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out << line << "\n";
    }
}

std::string str(const json &j) {
    if (j.is_string())
        return j.get<std::string>();
    return j.is_null() ? "-" : j.dump();
}

// "(renamed from X, digest D)" for names kmpack renamed, else "".
std::string renamed_note(const json &j) {
    return j.contains("original") ? "(renamed from " + str(j["original"]) + ", digest " + str(j["digest"]) + ")" : "";
}

// A heading with a count, then the rows (or "(none)").
void print_list(std::ostream &out, const std::string &title, const json &items, const std::vector<Row> &rows,
                const std::string &indent) {
    out << "\n" << indent << title << " (" << items.size() << "):\n";
    if (items.empty())
        out << indent << "  (none)\n";
    else
        print_table(out, rows, indent + "  ");
}

void print_object(std::ostream &out, const json &d, const std::string &indent) {
    std::vector<Row> defined = {{"NAME", "KIND", "BINDING", "VISIBILITY", "SIZE", ""}};
    for (const auto &s : d["defined"])
        defined.push_back({str(s["name"]), str(s["kind"]), str(s["binding"]), str(s["visibility"]), str(s["size"]),
                           renamed_note(s)});
    std::vector<Row> undefined;
    for (const auto &s : d["undefined"])
        undefined.push_back({str(s["name"]), renamed_note(s)});
    std::vector<Row> sections = {{"SECTION", "ROLE", "PRIORITY", ""}};
    for (const auto &s : d["constructor_sections"])
        sections.push_back({str(s["name"]), str(s["role"]), str(s["priority"]), renamed_note(s)});
    print_list(out, "defined globals", d["defined"], defined, indent);
    print_list(out, "undefined references", d["undefined"], undefined, indent);
    print_list(out, "constructor/destructor sections", d["constructor_sections"], sections, indent);
}

void print_archive(std::ostream &out, const json &d) {
    for (const auto &m : d["members"]) {
        out << "\nmember " << str(m["name"]) << ": relocatable object (" << str(m["machine"]) << ")\n";
        print_object(out, m, "  ");
    }
}

void print_shared_object(std::ostream &out, const json &d) {
    const json &a = d["artifact"];
    out << "md5  " << str(d["md5"]) << "\n";
    if (a.is_null()) {
        out << "kmpack: not analysed by kmpack yet (no " << artifact_path(str(d["file"]), Artifact::Record).filename().string()
            << " beside it)\n";
    } else {
        out << "kmpack artifact: " << str(a["file"]) << "\n";
        print_table(out,
                    {{"path", str(a["path"])},
                     {"md5", str(a["md5"]) + (a["stale"].get<bool>() ? "  (stale: the .so has changed since)" : "")},
                     {"id", str(a["id"])},
                     {"renamed globals", str(a["renamed_globals"])}},
                    "  ");
    }
    std::vector<Row> rows = {{"NAME", "KIND", "BINDING", "SIZE"}};
    if (!a.is_null())
        rows[0].insert(rows[0].end(), {"RENAMED", "OBJECT"});
    for (const auto &e : d["exports"]) {
        rows.push_back({str(e["name"]), str(e["kind"]), str(e["binding"]), str(e["size"])});
        if (e.contains("skipped"))
            rows.back().insert(rows.back().end(), {"-", "(not listed: " + str(e["skipped"]) + ")"});
        else if (!a.is_null())
            rows.back().insert(rows.back().end(), {str(e.value("renamed", json())), str(e.value("object", json()))});
    }
    print_list(out, "exports", d["exports"], rows, "");
}

void print_artifact(std::ostream &out, const json &d) {
    print_table(out,
                {{"so name", str(d["so_name"])},
                 {"path", str(d["path"])},
                 {"md5", str(d["md5"])},
                 {"id", str(d["id"])},
                 {"renamed globals", str(d["renamed_globals"])}},
                "");
    auto strings = [&](const char *title, const json &items) {
        std::vector<Row> rows;
        for (const auto &s : items)
            rows.push_back({str(s)});
        print_list(out, title, items, rows, "");
    };
    std::vector<Row> objects = {{"OBJECT", "MD5"}};
    for (const auto &o : d["objects"])
        objects.push_back({str(o["name"]), str(o["md5"])});
    std::vector<Row> exports = {{"NAME", "", "RENAMED", "KIND", "SIZE", "OBJECT"}};
    for (const auto &e : d["exports"])
        exports.push_back({str(e["name"]), "->", str(e["renamed"]), str(e["kind"]), str(e["size"]), str(e["object"])});
    std::vector<Row> sections;
    for (const auto &[from, to] : d["sections"].items())
        sections.push_back({from, "->", str(to)});
    print_list(out, "objects", d["objects"], objects, "");
    strings("archives", d["archives"]);
    strings("libs", d["libs"]);
    strings("linker options", d["linker_options"]);
    print_list(out, "exports", d["exports"], exports, "");
    strings("skipped exports", d["skipped_exports"]);
    if (d.contains("overrides") && d["overrides"].is_array() && !d["overrides"].empty())
        strings("overrides", d["overrides"]);
    print_list(out, "section renames", d["sections"], sections, "");
}

void print_text(std::ostream &out, const json &d) {
    std::string kind = str(d["kind"]), file = str(d["file"]);
    if (kind == "shared-object") {
        out << file << ": shared object (" << str(d["machine"]) << ")\n";
        print_shared_object(out, d);
    } else if (kind == "object") {
        out << file << ": relocatable object (" << str(d["machine"]) << ")\n";
        print_object(out, d, "");
    } else if (kind == "archive") {
        out << file << ": archive, " << d["members"].size() << " member" << (d["members"].size() == 1 ? "" : "s")
            << "\n";
        print_archive(out, d);
    } else {
        out << file << ": kmpack artifact of " << str(d["so_name"]) << "\n";
        print_artifact(out, d);
    }
}

} // namespace

nlohmann::json describe_file(const std::filesystem::path &file) {
    std::error_code ec;
    if (fs::is_directory(file, ec))
        throw Error(file.string() + ": is a directory, not a .so, .o, .a or base.km.json");
    std::string bytes = read_file(file), name = file.string();
    json d;
    std::string kind;
    switch (file_kind(bytes, name)) {
    case FileKind::SharedObject:
        kind = "shared-object", d = describe_shared_object(file);
        break;
    case FileKind::Object:
        kind = "object", d = describe_object(bytes, name);
        break;
    case FileKind::Archive:
        kind = "archive", d = describe_archive(file, bytes);
        break;
    case FileKind::Other:
        kind = "kmpack-artifact", d = describe_artifact(parse_artifact(bytes, name), name);
        break;
    }
    d["file"] = name;
    d["kind"] = kind;
    return d;
}

void inspect_file(const std::filesystem::path &file, bool json, std::ostream &out) {
    nlohmann::json d = describe_file(file);
    if (json) // symbol names are bytes: invalid UTF-8 is shown as U+FFFD, not an exception
        out << d.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    else
        print_text(out, d);
}

} // namespace kmpack
