#include "kmpack/linker.h"

#include "kmpack/error.h"
#include "kmpack/process.h"

#include <algorithm>
#include <optional>

namespace kmpack {

namespace {

struct Known {
    const char *name;    // -fuse-ld=<name>
    const char *program; // what the compiler driver runs for it
    const char *package; // Debian's package of it
};

// Fastest first, as measured (bench/RESULTS.md); auto tries the first two.
constexpr Known kKnown[] = {
    {"lld", "ld.lld", "lld"},
    {"mold", "mold", "mold"},
    {"gold", "ld.gold", "binutils"},
    {"bfd", "ld.bfd", "binutils"},
};
constexpr size_t kAutoCandidates = 2;

const Known *known(const std::string &name) {
    for (const auto &k : kKnown)
        if (name == k.name)
            return &k;
    return nullptr;
}

// The last -fuse-ld= among the compiler command and the extra arguments
// (the driver obeys the last one), and where it was.
std::optional<std::pair<std::string, std::string>> given_fuse_ld(const std::vector<std::string> &cc,
                                                                 const std::vector<std::string> &link_args) {
    std::optional<std::pair<std::string, std::string>> found;
    auto scan = [&](const std::vector<std::string> &words, const char *where) {
        for (const auto &w : words) {
            if (w.starts_with("-fuse-ld="))
                found = {w.substr(9), where};
            else if (w.starts_with("-Wl,-fuse-ld="))
                found = {w.substr(13), where};
        }
    };
    scan(cc, "--cc");
    scan(link_args, "--link-arg");
    return found;
}

} // namespace

const std::vector<std::string> &linker_words() {
    static const std::vector<std::string> words = [] {
        std::vector<std::string> w = {"auto", "default"};
        for (const auto &k : kKnown)
            w.push_back(k.name);
        return w;
    }();
    return words;
}

LinkerChoice choose_linker(const std::string &requested, const std::vector<std::string> &cc,
                           const std::vector<std::string> &link_args, const std::string &path_list) {
    const auto &words = linker_words();
    if (std::find(words.begin(), words.end(), requested) == words.end()) {
        std::string list;
        for (const auto &w : words)
            list += (list.empty() ? "" : ", ") + w;
        throw Error("--ld " + requested + ": not a linker kmpack knows; use one of " + list);
    }
    auto given = given_fuse_ld(cc, link_args);
    if (given) {
        if (requested == "auto")
            return {given->first, "", "-fuse-ld=" + given->first + " in " + given->second};
        if (requested != given->first)
            throw Error("--ld " + requested + " contradicts -fuse-ld=" + given->first + " in " + given->second +
                        "; give the linker one way");
        return {given->first, "", "--ld " + requested + ", also in " + given->second};
    }
    if (requested == "default")
        return {"default", "", "--ld default: the compiler's own"};
    if (requested == "auto") {
        for (size_t i = 0; i < kAutoCandidates; ++i)
            if (!find_program(kKnown[i].program, path_list).empty())
                return {kKnown[i].name, std::string("-fuse-ld=") + kKnown[i].name,
                        "--ld auto: the fastest installed"};
        return {"default", "", "--ld auto: neither ld.lld nor mold is installed, so the compiler's own"};
    }
    const Known *k = known(requested);
    if (find_program(k->program, path_list).empty())
        throw Error("--ld " + requested + ": " + k->program + " is not on PATH (Debian: apt-get install " +
                    k->package + "), or use --ld auto");
    return {k->name, std::string("-fuse-ld=") + k->name, "--ld " + requested};
}

bool another_linker_may_help(const std::string &output) {
    static const char *const every_linker[] = {
        "unknown argument", "unrecognized option", "unrecognised option", "unknown option",
        "cannot find",      "No such file",        "undefined symbol",    "undefined reference",
        "duplicate symbol", "multiple definition", "No space left",
    };
    for (const char *phrase : every_linker)
        if (output.find(phrase) != std::string::npos)
            return false;
    return true;
}

} // namespace kmpack
