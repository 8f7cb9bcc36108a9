#include "kmpack/python_info.h"

#include "kmpack/error.h"
#include "kmpack/process.h"

#include <nlohmann/json.hpp>

namespace kmpack {

namespace {

// Fixed text: nothing from the user goes into it.
constexpr const char *kQuery = R"(
import json, shlex, site, sys, sysconfig
v = sysconfig.get_config_var
def split(name, default=""):
    return shlex.split(v(name) or default)
libs = []
for name in ("LIBS", "SYSLIBS", "MODLIBS"):
    libs += split(name)
paths = sysconfig.get_paths()
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
    "stdlib": paths["stdlib"],
    "include": paths["include"],
    "site_packages": site.getsitepackages(),
}))
)";

} // namespace

PythonInfo query_python(CommandRunner &runner, const std::string &python) {
    Command c;
    c.argv = {python, "-E", "-S", "-c", kQuery};
    std::string out;
    try {
        out = read_output(runner, c);
    } catch (const Error &e) {
        throw Error("cannot query the interpreter '" + python + "' (--python): " + e.what());
    }
    try {
        auto j = nlohmann::json::parse(out);
        PythonInfo info;
        info.executable = python;
        info.version = j.at("version").get<std::string>();
        info.full_version = j.at("full_version").get<std::string>();
        info.ext_suffix = j.at("ext_suffix").get<std::string>();
        info.libpl = j.at("libpl").is_null() ? "" : j.at("libpl").get<std::string>();
        info.library = j.at("library").is_null() ? "" : j.at("library").get<std::string>();
        info.cc = j.at("cc").get<std::vector<std::string>>();
        info.cxx = j.at("cxx").get<std::vector<std::string>>();
        info.ldshared = j.at("ldshared").get<std::vector<std::string>>();
        info.ldcxxshared = j.at("ldcxxshared").get<std::vector<std::string>>();
        info.link_libs = j.at("libs").get<std::vector<std::string>>();
        info.stdlib = j.at("stdlib").get<std::string>();
        info.include = j.at("include").get<std::string>();
        info.site_packages = j.at("site_packages").get<std::vector<std::string>>();
        return info;
    } catch (const nlohmann::json::exception &e) {
        throw Error("the interpreter '" + python + "' gave an unexpected sysconfig answer: " + e.what());
    }
}

} // namespace kmpack
