#include "kmpack/python_info.h"

#include "kmpack/error.h"
#include "kmpack/process.h"

#include "kmpack/records.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>

namespace kmpack {

namespace fs = std::filesystem;

namespace {

// Fixed text: nothing from the user goes into it.
constexpr const char *kQuery = R"(
import json, os, shlex, site, sys, sysconfig
v = sysconfig.get_config_var
def split(name, default=""):
    return shlex.split(v(name) or default)
libs = []
for name in ("LIBS", "SYSLIBS", "MODLIBS"):
    libs += split(name)
paths = sysconfig.get_paths()
dynload = v("DESTSHARED") or ""
shared = sorted({f.split(".")[0] for f in os.listdir(dynload) if f.endswith(".so")}) if os.path.isdir(dynload) else []
print(json.dumps({
    "version": v("VERSION"),
    "full_version": sys.version,
    "ext_suffix": v("EXT_SUFFIX"),
    "libpl": v("LIBPL"),
    "library": v("LIBRARY"),
    "cc": split("CC", "cc"),
    "cxx": split("CXX", "c++"),
    "ldshared": split("LDSHARED"),
    "ldcxxshared": split("LDCXXSHARED"),
    "libs": libs,
    "prefix": sys.prefix,
    "stdlib": paths["stdlib"],
    "include": paths["include"],
    "site_packages": site.getsitepackages(),
    "shared_stdlib": shared,
}))
)";

} // namespace

std::optional<std::pair<int, int>> version_numbers(const std::string &version) {
    int major = 0, minor = 0;
    char rest = 0;
    if (std::sscanf(version.c_str(), "%d.%d%c", &major, &minor, &rest) != 2 || major < 0 || minor < 0)
        return std::nullopt;
    return std::pair(major, minor);
}

PythonInfo query_python(CommandRunner &runner, const std::string &python) {
    std::error_code ec;
    if (python.find('/') != std::string::npos && !fs::exists(python, ec))
        throw Error("--python " + python + ": no such file (give a Python 3.11 or later, e.g. /usr/bin/python3)");
    Command c;
    c.argv = {python, "-E", "-S", "-c", kQuery};
    std::string out;
    CommandResult result;
    try {
        result = runner.run_read(c, out);
    } catch (const Error &e) {
        throw Error("--python " + python + ": " + e.what());
    }
    if (!result.ok())
        throw Error("--python " + python + ": cannot query the interpreter's sysconfig: it ended with " +
                    result.describe() + " (is it a Python 3.11 or later?)");
    auto j = nlohmann::json::parse(out, nullptr, false);
    if (j.is_discarded()) {
        std::string first = out.substr(0, std::min(out.find('\n'), size_t{80}));
        throw Error("--python " + python + ": not a Python: it answered kmpack's sysconfig query with " +
                    (first.empty() ? std::string("nothing") : "'" + first + "'") +
                    " (give a Python 3.11 or later, e.g. /usr/bin/python3)");
    }
    try {
        PythonInfo info;
        info.executable = python;
        info.version = j.at("version").get<std::string>();
        if (version_numbers(info.version).value_or(std::pair(0, 0)) < kMinimumPython)
            throw Error("--python " + python + " is Python " + info.version +
                        "; kmpack needs Python 3.11 or later (python.km finds its standard library and packages "
                        "through python.km._pth, which CPython reads on Linux from 3.11 on)");
        info.full_version = j.at("full_version").get<std::string>();
        info.ext_suffix = j.at("ext_suffix").get<std::string>();
        info.libpl = j.at("libpl").is_null() ? "" : j.at("libpl").get<std::string>();
        info.library = j.at("library").is_null() ? "" : j.at("library").get<std::string>();
        info.cc = j.at("cc").get<std::vector<std::string>>();
        info.cxx = j.at("cxx").get<std::vector<std::string>>();
        info.ldshared = j.at("ldshared").get<std::vector<std::string>>();
        info.ldcxxshared = j.at("ldcxxshared").get<std::vector<std::string>>();
        info.link_libs = j.at("libs").get<std::vector<std::string>>();
        info.prefix = j.at("prefix").get<std::string>();
        info.stdlib = j.at("stdlib").get<std::string>();
        info.include = j.at("include").get<std::string>();
        info.site_packages = j.at("site_packages").get<std::vector<std::string>>();
        info.shared_stdlib = j.at("shared_stdlib").get<std::vector<std::string>>();
        return info;
    } catch (const nlohmann::json::exception &e) {
        throw Error("--python " + python + ": the interpreter gave an unexpected sysconfig answer: " +
                    json_error_message(e));
    }
}

} // namespace kmpack
