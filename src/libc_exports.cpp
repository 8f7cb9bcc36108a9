#include "kmpack/libc_exports.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace kmpack {

namespace {

// The words of a GNU ld script, comments left out; parentheses and commas
// are words of their own.
std::vector<std::string> script_words(const std::string &text) {
    std::vector<std::string> words;
    std::string word;
    auto flush = [&] {
        if (!word.empty())
            words.push_back(word), word.clear();
    };
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
            flush();
            size_t end = text.find("*/", i + 2);
            i = end == std::string::npos ? text.size() : end + 1;
        } else if (c == '(' || c == ')' || c == ',') {
            flush();
            words.push_back(std::string(1, c));
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            flush();
        } else {
            word += c;
        }
    }
    flush();
    return words;
}

fs::path on_search_path(const std::string &file, const std::vector<fs::path> &search) {
    for (const auto &dir : search) {
        std::error_code ec;
        if (fs::is_regular_file(dir / file, ec))
            return dir / file;
    }
    return {};
}

bool is_function(SymbolKind kind) { return kind == SymbolKind::Function || kind == SymbolKind::Ifunc; }

} // namespace

const char *libc_exports_name(LibcExports choice) { return choice == LibcExports::All ? "all" : "used"; }

const std::vector<LibcPair> &libc_pairs() {
    static const std::vector<LibcPair> pairs = {{"libc.so.6", "c"}, {"libm.so.6", "m"}};
    return pairs;
}

std::vector<fs::path> static_archive_files(const fs::path &path, const std::vector<fs::path> &search) {
    std::string text = read_file(path);
    if (text.rfind("!<arch>\n", 0) == 0)
        return {path};
    std::vector<fs::path> files;
    std::vector<std::string> words = script_words(text);
    int depth = 0;
    bool listing = false;
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string &w = words[i];
        if (w == "(") {
            ++depth;
        } else if (w == ")") {
            if (--depth <= 0)
                listing = false, depth = 0;
        } else if (depth == 0) {
            listing = w == "GROUP" || w == "INPUT";
        } else if (listing && w != "," && w != "AS_NEEDED") {
            fs::path file = w.starts_with("-l") ? on_search_path("lib" + w.substr(2) + ".a", search)
                            : fs::path(w).is_absolute() ? fs::path(w)
                                                        : on_search_path(w, search);
            std::error_code ec;
            if (!file.empty() && fs::is_regular_file(file, ec) && file.extension() == ".a" &&
                std::find(files.begin(), files.end(), file) == files.end())
                files.push_back(file);
        }
    }
    return files;
}

std::vector<ElfSymbol> archive_definitions(const std::vector<fs::path> &archives) {
    std::map<std::string, ElfSymbol> by_name;
    for (const auto &archive : archives)
        for_each_archive_member(archive, [&](const std::string &name, std::string_view bytes) {
            ObjectSymbols symbols;
            try {
                symbols = read_object(bytes, archive.string() + "(" + name + ")");
            } catch (const Error &) {
                return; // not an ELF object (an LTO-only member, a text file): defines nothing we can use
            }
            for (auto &d : symbols.defined)
                by_name.emplace(d.name, std::move(d));
        });
    std::vector<ElfSymbol> out;
    for (auto &[name, s] : by_name)
        out.push_back(std::move(s));
    return out;
}

std::vector<ElfSymbol> exported_and_defined(const std::vector<VersionedSymbol> &shared,
                                            const std::vector<ElfSymbol> &archives) {
    std::set<std::string> exported;
    for (const auto &v : shared)
        if (v.default_version && v.version != "GLIBC_PRIVATE" && is_function(v.symbol.kind))
            exported.insert(v.symbol.name);
    std::vector<ElfSymbol> out;
    std::set<std::string> seen;
    for (const auto &d : archives)
        if (exported.count(d.name) && (is_function(d.kind) || d.kind == SymbolKind::NoType) &&
            seen.insert(d.name).second)
            out.push_back(d);
    std::sort(out.begin(), out.end(), [](const ElfSymbol &a, const ElfSymbol &b) { return a.name < b.name; });
    return out;
}

LibcExportTable libc_export_table(const std::vector<fs::path> &search) {
    LibcExportTable table;
    std::map<std::string, ElfSymbol> all;
    for (const auto &pair : libc_pairs()) {
        fs::path shared = on_search_path(pair.shared, search);
        fs::path archive = on_search_path("lib" + pair.name + ".a", search);
        if (shared.empty() || archive.empty()) {
            table.missing.push_back(pair.shared + ": " +
                                    (shared.empty() ? "not found" : "lib" + pair.name + ".a not found") +
                                    " in the library search path");
            continue;
        }
        std::vector<ElfSymbol> functions =
            exported_and_defined(read_versioned_exports(shared),
                                 archive_definitions(static_archive_files(archive, search)));
        table.read.push_back(pair.shared + " (" + shared.string() + ") with lib" + pair.name + ".a: " +
                             std::to_string(functions.size()) + " functions");
        for (auto &f : functions)
            all.emplace(f.name, std::move(f));
    }
    for (auto &[name, f] : all)
        table.functions.push_back(std::move(f));
    return table;
}

bool linked_with_static_glibc(const std::vector<ElfSymbol> &program) {
    return std::any_of(program.begin(), program.end(), [](const ElfSymbol &s) { return s.name == "__libc_setup_tls"; });
}

} // namespace kmpack
