#include "kmpack/cpython_source.h"

#include "kmpack/conventions.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <unistd.h>

namespace kmpack {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string strip_comment(const std::string &line) { return line.substr(0, line.find('#')); }

// The fixed part of every apt-get command: apt's state, lists and cache in
// `apt` (the cache's), not the machine's, and no lock on the machine's.
std::vector<std::string> apt_get(const fs::path &apt) {
    std::vector<std::string> argv = {"apt-get",
                                     "-q",
                                     "-o", "Dir::Etc::SourceList=" + (apt / "sources.list").string(),
                                     "-o", "Dir::Etc::SourceParts=" + (apt / "sources.list.d").string(),
                                     "-o", "Dir::State::Lists=" + (apt / "lists").string(),
                                     "-o", "Dir::Cache=" + (apt / "cache").string(),
                                     "-o", "Debug::NoLocking=true"};
    if (::geteuid() == 0) // apt would download as _apt, which cannot write a root's cache
        argv.insert(argv.end(), {"-o", "APT::Sandbox::User=root"});
    return argv;
}

std::optional<fs::path> find_tarball(const fs::path &dir, const std::string &prefix) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return std::nullopt;
    std::vector<fs::path> found;
    for (const auto &e : fs::directory_iterator(dir))
        if (e.path().filename().string().starts_with(prefix) && !is_artifact_name(e.path().filename().string()))
            found.push_back(e.path());
    std::sort(found.begin(), found.end());
    if (found.empty())
        return std::nullopt;
    return found.front();
}

} // namespace

std::vector<AptSource> parse_sources_list(const std::string &text) {
    std::vector<AptSource> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::string rest = strip_comment(line);
        std::string options;
        if (size_t open = rest.find('['); open != std::string::npos) {
            size_t close = rest.find(']', open);
            if (close == std::string::npos)
                continue;
            options = rest.substr(open + 1, close - open - 1);
            rest = rest.substr(0, open) + rest.substr(close + 1);
        }
        std::vector<std::string> w = split_words(rest);
        if (w.size() < 3 || (w[0] != "deb" && w[0] != "deb-src"))
            continue;
        AptSource s;
        s.types = {w[0]};
        s.uris = {w[1]};
        s.suites = {w[2]};
        s.components.assign(w.begin() + 3, w.end());
        for (const auto &opt : split_words(options))
            if (lower(opt).starts_with("signed-by="))
                s.signed_by = opt.substr(std::string("signed-by=").size());
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<AptSource> parse_sources_deb822(const std::string &text) {
    std::vector<AptSource> out;
    AptSource s;
    bool enabled = true, any = false;
    auto flush = [&] {
        if (any && enabled && !s.types.empty() && !s.uris.empty() && !s.suites.empty())
            out.push_back(s);
        s = AptSource{};
        enabled = true;
        any = false;
    };
    std::istringstream in(text + "\n");
    std::string field;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("#"))
            continue;
        if (split_words(line).empty()) {
            flush();
            continue;
        }
        std::string value;
        if (line[0] == ' ' || line[0] == '\t') { // a continuation of the field before
            value = line;
        } else {
            size_t colon = line.find(':');
            if (colon == std::string::npos)
                continue;
            field = lower(line.substr(0, colon));
            value = line.substr(colon + 1);
        }
        any = true;
        std::vector<std::string> w = split_words(value);
        if (field == "types")
            s.types.insert(s.types.end(), w.begin(), w.end());
        else if (field == "uris")
            s.uris.insert(s.uris.end(), w.begin(), w.end());
        else if (field == "suites")
            s.suites.insert(s.suites.end(), w.begin(), w.end());
        else if (field == "components")
            s.components.insert(s.components.end(), w.begin(), w.end());
        else if (field == "signed-by" && w.size() == 1 && s.signed_by.empty())
            s.signed_by = w[0]; // a keyring file (an inline key block is left to apt's default keyrings)
        else if (field == "enabled" && !w.empty())
            enabled = lower(w[0]) != "no";
    }
    flush();
    return out;
}

std::vector<AptSource> read_apt_sources(const fs::path &etc_apt) {
    std::vector<AptSource> out;
    std::error_code ec;
    auto add = [&](std::vector<AptSource> more) { out.insert(out.end(), more.begin(), more.end()); };
    if (fs::is_regular_file(etc_apt / "sources.list", ec))
        add(parse_sources_list(read_file(etc_apt / "sources.list")));
    std::vector<fs::path> parts;
    if (fs::is_directory(etc_apt / "sources.list.d", ec))
        for (const auto &e : fs::directory_iterator(etc_apt / "sources.list.d"))
            parts.push_back(e.path());
    std::sort(parts.begin(), parts.end());
    for (const auto &p : parts) {
        if (p.extension() == ".list")
            add(parse_sources_list(read_file(p)));
        else if (p.extension() == ".sources")
            add(parse_sources_deb822(read_file(p)));
    }
    return out;
}

std::string deb_src_list(const std::vector<AptSource> &sources) {
    std::vector<std::string> lines;
    for (const auto &s : sources) {
        if (std::find(s.types.begin(), s.types.end(), "deb") == s.types.end())
            continue;
        std::string options = s.signed_by.empty() ? "" : "[signed-by=" + s.signed_by + "] ";
        std::string components;
        for (const auto &c : s.components)
            components += " " + c;
        for (const auto &uri : s.uris)
            for (const auto &suite : s.suites) {
                std::string line = "deb-src " + options + uri + " " + suite + components;
                if (std::find(lines.begin(), lines.end(), line) == lines.end())
                    lines.push_back(line);
            }
    }
    std::string out = "# Written by kmpack from the machine's apt sources: the deb-src entries\n"
                      "# `apt-get source` needs to fetch the CPython source.\n";
    for (const auto &l : lines)
        out += l + "\n";
    return out;
}

std::string python_release(const std::string &full_version) { return full_version.substr(0, full_version.find(' ')); }

fs::path default_cpython_source(const fs::path &cache_dir, const std::string &version, const std::string &release,
                                const fs::path &etc_apt, CommandRunner &runner, Status &status) {
    std::string package = "python" + version;
    fs::path dir = cache_dir / "sources" / package;
    std::string wanted = package + "_" + release + ".orig.tar.";
    auto ways_out = [&] {
        return "give a CPython " + release + " source with --cpython SRC (a directory, tarball or git URL), or "
               "build on Debian's static libpython with --stdlib=system (python.km then lacks the standard "
               "modules Debian ships as shared libraries: asyncio, ssl, ctypes, sqlite3, decimal, ...)";
    };
    if (auto found = find_tarball(dir, wanted))
        return *found;
    try {
        fs::create_directories(dir);
    } catch (const fs::filesystem_error &e) {
        throw Error(dir.string() + ": the cache directory is not writable (" + e.code().message() +
                    "); set another with --cache-dir or KMPACK_CACHE_DIR, or " + ways_out());
    }
    FileLock lock(dir.string() + ".lock", "the CPython source cache", /*wait=*/true);
    if (auto found = find_tarball(dir, wanted)) // fetched by another kmpack while this one waited
        return *found;
    if (find_program("apt-get", std::getenv("PATH") ? std::getenv("PATH") : "").empty())
        throw Error("no CPython " + release + " source at hand, and no apt-get to fetch Debian's: " + ways_out());
    std::string deb_src = deb_src_list(read_apt_sources(etc_apt));
    if (deb_src.find("\ndeb-src ") == std::string::npos)
        throw Error("no CPython " + release + " source at hand: " + etc_apt.string() +
                    " names no deb entry to derive the deb-src entry apt-get source needs from; " + ways_out());

    status.phase("python", "fetch source");
    fs::path apt = cache_dir / "apt";
    for (const char *sub : {"sources.list.d", "lists/partial", "cache/archives/partial"})
        fs::create_directories(apt / sub);
    write_file_atomic(apt / "sources.list", deb_src);
    fs::path log = dir.string() + ".log";
    write_file_atomic(log, "");
    fs::path download = temporary_sibling(dir / package);
    fs::create_directories(download);
    Command update;
    update.argv = apt_get(apt);
    update.argv.push_back("update");
    update.output = log;
    append_file(log, "$ " + shell_quote(update.argv) + "\n");
    runner.run(update); // an entry without sources fails alone; apt-get source says what is missing
    Command source;
    source.argv = apt_get(apt);
    source.argv.insert(source.argv.end(), {"source", "--download-only", package});
    source.cwd = download;
    source.output = log;
    append_file(log, "$ " + shell_quote(source.argv) + "\n");
    CommandResult result = runner.run(source);
    std::error_code ec;
    // The upstream tarball is all kmpack uses; apt verified its hash before
    // putting it there, so a failure to fetch only Debian's .dsc or patches
    // (a mirror without them) does not matter.
    auto tarball = find_tarball(download, wanted);
    if (!tarball) {
        // Another release's tarball is the cause, whatever else apt-get
        // failed to fetch (a mirror without the .dsc).
        auto other = find_tarball(download, package + "_");
        fs::remove_all(download, ec);
        if (other) {
            std::string theirs = other->filename().string().substr(package.size() + 1);
            theirs = theirs.substr(0, theirs.find(".orig.tar."));
            throw Error("apt-get source " + package + " gave " + other->filename().string() + ", not CPython " +
                        release + " (the --python interpreter's release): " + ways_out() +
                        ", or give --python an interpreter of release " + theirs + " (Debian's is /usr/bin/python3)");
        }
        if (!result.ok())
            throw Error("fetching the CPython source with apt-get source " + package + " failed (" +
                        result.describe() + ")\n" + log_tail(log, 8) + "  full log: " + log.string() + "\n  " +
                        ways_out());
        throw Error("apt-get source " + package + " gave no upstream tarball, not CPython " + release +
                    " (the --python interpreter's release): " + ways_out());
    }
    fs::path target = dir / tarball->filename();
    fs::rename(*tarball, target);
    fs::remove_all(download, ec);
    status.note("python: fetched " + target.string() + " (apt-get source " + package + ")");
    return target;
}

fs::path default_cache_dir() {
    auto set = [](const char *name) {
        const char *v = std::getenv(name);
        return v && *v ? std::optional<fs::path>(v) : std::nullopt;
    };
    if (auto dir = set("KMPACK_CACHE_DIR"))
        return fs::absolute(*dir);
    if (auto dir = set("XDG_CACHE_HOME"))
        return fs::absolute(*dir) / "kmpack";
    if (auto dir = set("HOME"))
        return fs::absolute(*dir) / ".cache" / "kmpack";
    throw Error("no cache directory: none of KMPACK_CACHE_DIR, XDG_CACHE_HOME and HOME is set (give --cache-dir)");
}

} // namespace kmpack
