#include "kmpack/inspect.h"

#include "kmpack/digest.h"
#include "kmpack/elf_symbols.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

namespace kmpack {

namespace {

using nlohmann::json;

// ---- What the file is ----------------------------------------------------

constexpr uint16_t kElfRel = 1, kElfDyn = 3; // e_type values

// e_type of an ELF image, in the byte order its header declares.
uint16_t elf_type(const std::string &bytes, const std::string &file) {
    if (bytes.size() < 18)
        throw Error(file + ": truncated ELF header (" + std::to_string(bytes.size()) + " bytes)");
    auto lo = static_cast<unsigned char>(bytes[16]), hi = static_cast<unsigned char>(bytes[17]);
    bool big_endian = bytes[5] == 2; // EI_DATA == ELFDATA2MSB
    return big_endian ? static_cast<uint16_t>(lo << 8 | hi) : static_cast<uint16_t>(hi << 8 | lo);
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

bool is_digits(const std::string &s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// A constructor or destructor section as ld orders it: .init_array[.N],
// .fini_array[.N], .ctors[.N], .dtors[.N]. Null for any other section.
json plain_ctor_section(const std::string &name) {
    struct Prefix {
        const char *name;
        bool init, legacy;
    };
    for (auto p : {Prefix{".init_array", true, false}, Prefix{".fini_array", false, false},
                   Prefix{".ctors", true, true}, Prefix{".dtors", false, true}}) {
        std::string prefix = p.name;
        if (name.compare(0, prefix.size(), prefix) != 0)
            continue;
        std::string rest = name.substr(prefix.size());
        if (!rest.empty() && !(rest[0] == '.' && is_digits(rest.substr(1)) && rest.size() <= 6))
            continue;
        json j = {{"name", name}, {"role", p.init ? "constructors" : "destructors"}, {"priority", nullptr}};
        if (!rest.empty()) {
            int n = std::stoi(rest.substr(1));
            j["priority"] = p.legacy ? 65535 - n : n; // .ctors.N run as priority 65535 - N
        }
        return j;
    }
    return nullptr;
}

// kmpack's renamed form, "km_<init|fini|ctors|dtors>_<digest>[_pNNNNN]", with
// the section it came from. Null for any other section.
json renamed_ctor_section(const std::string &name) {
    for (std::string kind : {"init", "fini", "ctors", "dtors"}) {
        std::string prefix = "km_" + kind + "_";
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
            continue;
        std::string digest = name.substr(prefix.size());
        std::string original = kind == "init" || kind == "fini" ? "." + kind + "_array" : "." + kind;
        json j = {{"name", name}, {"role", kind == "init" || kind == "ctors" ? "constructors" : "destructors"},
                  {"priority", nullptr}};
        size_t p = digest.rfind("_p");
        if (p != std::string::npos && digest.size() - p == 7 && is_digits(digest.substr(p + 2))) {
            int priority = std::stoi(digest.substr(p + 2));
            char suffix[16];
            std::snprintf(suffix, sizeof suffix, ".%05d", kind == "ctors" || kind == "dtors" ? 65535 - priority
                                                                                            : priority);
            original += suffix;
            digest.resize(p);
            j["priority"] = priority;
        }
        j["original"] = original;
        j["digest"] = digest;
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
        json j = plain_ctor_section(section);
        if (j.is_null())
            j = renamed_ctor_section(section);
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

// Where kmpack writes the base.km.json of a .so: "<dir>/<name without .so>.km.json".
fs::path artifact_beside(const fs::path &so) {
    std::string base = so.filename().string();
    if (base.size() > 3 && base.compare(base.size() - 3, 3, ".so") == 0)
        base.resize(base.size() - 3);
    return so.parent_path() / (base + ".km.json");
}

// The exports of a .so; with what its base.km.json says, when there is one.
json describe_shared_object(const fs::path &file) {
    SharedObjectSymbols so = read_shared_object(file);
    std::string md5 = md5_file(file);
    fs::path beside = artifact_beside(file);
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
        out << "kmpack: not analysed by kmpack yet (no " << artifact_beside(str(d["file"])).filename().string()
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

std::optional<RenamedName> split_renamed(const std::string &name) {
    constexpr size_t kDigest = 32, kTail = 1 + kDigest + 3; // "_" digest "_km"
    if (name.size() <= kTail || name.compare(name.size() - 3, 3, "_km") != 0 || name[name.size() - kTail] != '_')
        return std::nullopt;
    std::string digest = name.substr(name.size() - kTail + 1, kDigest);
    if (!std::all_of(digest.begin(), digest.end(), [](unsigned char c) { return std::isxdigit(c); }))
        return std::nullopt;
    return RenamedName{name.substr(0, name.size() - kTail), digest};
}

nlohmann::json describe_file(const std::filesystem::path &file) {
    std::error_code ec;
    if (fs::is_directory(file, ec))
        throw Error(file.string() + ": is a directory, not a .so, .o, .a or base.km.json");
    std::string bytes = read_file(file), name = file.string();
    json d;
    std::string kind;
    if (bytes.compare(0, 4, "\x7f" "ELF") == 0) {
        uint16_t type = elf_type(bytes, name);
        if (type == kElfDyn)
            kind = "shared-object", d = describe_shared_object(file);
        else if (type == kElfRel)
            kind = "object", d = describe_object(bytes, name);
        else
            throw Error(name + ": ELF file of type " + std::to_string(type) +
                        ", not a shared object (.so) or relocatable object (.o)");
    } else if (bytes.compare(0, 8, "!<arch>\n") == 0) {
        kind = "archive", d = describe_archive(file, bytes);
    } else {
        kind = "kmpack-artifact", d = describe_artifact(parse_artifact(bytes, name), name);
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
