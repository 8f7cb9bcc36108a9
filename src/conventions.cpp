#include "kmpack/conventions.h"

#include "kmpack/fs.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace kmpack {

namespace {

bool all_of(std::string_view s, int (*is)(int)) {
    return std::all_of(s.begin(), s.end(), [is](char c) { return is(static_cast<unsigned char>(c)) != 0; });
}

bool is_digest(std::string_view s) { return s.size() == kDigestLength && all_of(s, std::isxdigit); }

struct CtorPrefix {
    CtorKind kind;
    std::string_view section; // the ELF name
    std::string_view word;    // kmpack's
};

constexpr CtorPrefix kCtorPrefixes[] = {{CtorKind::Init, ".init_array", "init"},
                                        {CtorKind::Fini, ".fini_array", "fini"},
                                        {CtorKind::Ctors, ".ctors", "ctors"},
                                        {CtorKind::Dtors, ".dtors", "dtors"}};

const CtorPrefix &prefix_of(CtorKind kind) {
    return *std::find_if(std::begin(kCtorPrefixes), std::end(kCtorPrefixes),
                         [kind](const CtorPrefix &p) { return p.kind == kind; });
}

// .ctors.N and .dtors.N hold priority 65535 - N; the others hold N.
int encoded_priority(const CtorSection &s) { return s.legacy() ? 65535 - s.priority : s.priority; }

std::string five_digits(int n) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%05d", n);
    return buf;
}

} // namespace

std::string_view artifact_suffix(Artifact what) {
    switch (what) {
    case Artifact::Record:
        return ".km.json";
    case Artifact::Symmap:
        return ".km.symmap";
    case Artifact::SymbolsC:
        return ".km.symbols.c";
    case Artifact::SymbolsO:
        return ".km.symbols.o";
    case Artifact::Archive:
        return ".km.lib.a";
    case Artifact::Stamp:
        return ".km.stamp";
    }
    return {};
}

fs::path artifact_stem(const fs::path &so) {
    std::string base = so.filename().string();
    if (base.size() > 3 && base.ends_with(".so"))
        base.resize(base.size() - 3);
    return so.parent_path() / (base + ".km");
}

fs::path artifact_at(const fs::path &stem, Artifact what) {
    // The stem ends in ".km"; every suffix starts with it.
    return fs::path(stem.string() + std::string(artifact_suffix(what).substr(3)));
}

fs::path artifact_path(const fs::path &so, Artifact what) { return artifact_at(artifact_stem(so), what); }

fs::path placeholder_id_path(const fs::path &so) { return fs::path(artifact_stem(so).string() + ".id"); }

bool is_artifact_name(std::string_view file_name) {
    for (Artifact a : kArtifacts)
        if (file_name.ends_with(artifact_suffix(a)))
            return true;
    return temporary_owner(file_name) != 0;
}

std::string renamed_symbol(std::string_view symbol, std::string_view digest) {
    std::string out(symbol);
    out += '_';
    out += digest;
    out += "_km";
    return out;
}

std::string library_id(std::string_view module, std::string_view digest) { return renamed_symbol(module, digest); }

std::optional<RenamedName> split_renamed(std::string_view name) {
    constexpr size_t kTail = 1 + kDigestLength + 3; // "_" digest "_km"
    if (name.size() <= kTail || !name.ends_with("_km") || name[name.size() - kTail] != '_')
        return std::nullopt;
    std::string_view digest = name.substr(name.size() - kTail + 1, kDigestLength);
    if (!is_digest(digest))
        return std::nullopt;
    return RenamedName{std::string(name.substr(0, name.size() - kTail)), std::string(digest)};
}

std::optional<CtorSection> parse_ctor_section(std::string_view name) {
    for (const auto &p : kCtorPrefixes) {
        if (!name.starts_with(p.section))
            continue;
        std::string_view rest = name.substr(p.section.size());
        if (rest.empty())
            return CtorSection{p.kind, -1};
        if (rest[0] != '.')
            continue; // ".ctorsfoo" is some other section
        std::string_view digits = rest.substr(1);
        if (digits.empty() || digits.size() > 5 || !all_of(digits, std::isdigit))
            return std::nullopt;
        CtorSection s{p.kind, std::stoi(std::string(digits))};
        s.priority = encoded_priority(s); // the mapping is its own inverse
        return s;
    }
    return std::nullopt;
}

std::string ctor_section_name(const CtorSection &section) {
    std::string name(prefix_of(section.kind).section);
    if (section.priority >= 0)
        name += "." + five_digits(encoded_priority(section));
    return name;
}

std::string deferred_section_name(const CtorSection &section, std::string_view digest) {
    std::string name = "km_" + std::string(prefix_of(section.kind).word) + "_" + std::string(digest);
    if (section.priority >= 0)
        name += "_p" + five_digits(section.priority);
    return name;
}

std::optional<DeferredName> parse_deferred_section(std::string_view name) {
    if (!name.starts_with("km_"))
        return std::nullopt;
    for (const auto &p : kCtorPrefixes) {
        std::string_view rest = name.substr(3);
        if (!rest.starts_with(p.word) || rest.size() <= p.word.size() || rest[p.word.size()] != '_')
            continue;
        rest = rest.substr(p.word.size() + 1);
        CtorSection s{p.kind, -1};
        if (rest.size() == kDigestLength + 7 && rest.substr(kDigestLength, 2) == "_p" &&
            all_of(rest.substr(kDigestLength + 2), std::isdigit)) {
            s.priority = std::stoi(std::string(rest.substr(kDigestLength + 2)));
            rest = rest.substr(0, kDigestLength);
        }
        if (!is_digest(rest))
            return std::nullopt;
        return DeferredName{s, std::string(rest)};
    }
    return std::nullopt;
}

std::string_view to_string(ModuleState state) {
    switch (state) {
    case ModuleState::Built:
        return "built";
    case ModuleState::UpToDate:
        return "up to date";
    case ModuleState::Fetched:
        return "fetched from cache";
    case ModuleState::Failed:
        return "failed";
    }
    return {};
}

std::string_view to_string(ListState state) {
    switch (state) {
    case ListState::UpToDate:
        return "up to date";
    case ListState::Changed:
        return "changed";
    case ListState::NotBuilt:
        return "not built";
    case ListState::NotInManifest:
        return "not in modules.txt";
    }
    return {};
}

} // namespace kmpack
