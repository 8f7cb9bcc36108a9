#include "kmpack/wheel.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/source.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace kmpack {

namespace {

std::vector<std::string> split(std::string_view s, char by) {
    std::vector<std::string> parts;
    for (size_t at = 0;;) {
        size_t end = s.find(by, at);
        parts.emplace_back(s.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
        if (end == std::string_view::npos)
            return parts;
        at = end + 1;
    }
}

// "py3", "py311", "cp39": can Python `major`.`minor` import a pure wheel with this tag?
bool python_tag_fits(const std::string &tag, int major, int minor) {
    if (tag.size() < 3 || (tag.rfind("py", 0) != 0 && tag.rfind("cp", 0) != 0))
        return false;
    std::string digits = tag.substr(2);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
        return false;
    if (digits[0] - '0' != major)
        return false;
    if (digits.size() == 1)
        return tag[0] == 'p'; // "py3"; "cp3" is no tag
    return std::stoi(digits.substr(1)) <= minor;
}

// The files below `root`, relative to it, sorted.
std::vector<std::string> files_below(const fs::path &root) {
    std::vector<std::string> files;
    for (const auto &e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file())
            files.push_back(relative_below(e.path(), root));
    std::sort(files.begin(), files.end());
    return files;
}

// Moves everything in `from` into `to`, merging directories.
void merge_into(const fs::path &from, const fs::path &to) {
    for (const auto &e : fs::directory_iterator(from)) {
        fs::path target = to / e.path().filename();
        if (e.is_directory() && fs::is_directory(target)) {
            merge_into(e.path(), target);
            fs::remove_all(e.path());
        } else {
            fs::rename(e.path(), target);
        }
    }
}

} // namespace

bool is_wheel_name(std::string_view source) { return source.size() > 4 && source.ends_with(".whl"); }

std::optional<WheelName> parse_wheel_name(std::string_view filename) {
    if (!is_wheel_name(filename))
        return std::nullopt;
    std::vector<std::string> parts = split(filename.substr(0, filename.size() - 4), '-');
    if (parts.size() != 5 && parts.size() != 6)
        return std::nullopt;
    if (std::any_of(parts.begin(), parts.end(), [](const std::string &p) { return p.empty(); }))
        return std::nullopt;
    WheelName w;
    w.distribution = parts[0];
    w.version = parts[1];
    if (parts.size() == 6)
        w.build = parts[2];
    w.python = parts[parts.size() - 3];
    w.abi = parts[parts.size() - 2];
    w.platform = parts[parts.size() - 1];
    return w;
}

std::string wheel_refusal(const WheelName &wheel, const std::string &version) {
    if (wheel.abi != "none" || wheel.platform != "any")
        return "a wheel with compiled code (" + wheel.abi + "-" + wheel.platform +
               "): kmpack links extension modules from their object files, which a wheel does not have; give the "
               "package's source (an sdist, a directory or a git URL) instead";
    int major = 0, minor = 0;
    if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2)
        return "";
    for (const auto &tag : split(wheel.python, '.'))
        if (python_tag_fits(tag, major, minor))
            return "";
    return "a wheel for " + wheel.python + ", which Python " + version + " cannot import; give a wheel for Python " +
           version + " (py3) or the package's source";
}

void install_wheel(const fs::path &wheel, const fs::path &lib, const std::string &origin,
                   std::vector<std::string> &notes) {
    fs::path staging = temporary_sibling(lib);
    std::error_code ec;
    try {
        extract_archive(wheel, staging);
        std::vector<fs::path> data_dirs;
        bool has_wheel_file = false;
        for (const auto &e : fs::directory_iterator(staging)) {
            std::string name = e.path().filename().string();
            if (e.is_directory() && name.ends_with(".dist-info") && fs::exists(e.path() / "WHEEL", ec))
                has_wheel_file = true;
            if (e.is_directory() && name.ends_with(".data"))
                data_dirs.push_back(e.path());
        }
        if (!has_wheel_file)
            throw Error(origin + ": " + wheel.string() +
                        " has no <name>.dist-info/WHEEL: not a wheel (build one with 'pip wheel', or give the source)");
        for (const auto &data : data_dirs) {
            for (const auto &e : fs::directory_iterator(data)) {
                std::string part = e.path().filename().string();
                if (part == "purelib" || part == "platlib")
                    merge_into(e.path(), staging);
                else
                    notes.push_back(wheel.filename().string() + ": its " + part +
                                    " (" + relative_below(e.path(), staging) + ") left out: python.km ships the "
                                    "importable files only");
            }
            fs::remove_all(data);
        }
        for (const auto &file : files_below(staging))
            if (file.ends_with(".so") || file.find(".so.") != std::string::npos)
                throw Error(origin + ": " + wheel.string() + " holds " + file +
                            ", compiled code, although its name says it is pure (none-any); give the package's "
                            "source instead");
    } catch (...) {
        fs::remove_all(staging, ec);
        throw;
    }
    fs::remove_all(lib, ec);
    fs::rename(staging, lib);
}

} // namespace kmpack
