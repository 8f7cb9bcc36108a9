#include "kmpack/launcher.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/process.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace kmpack {

Launcher resolve_launcher(const std::optional<std::string> &option, const char *env, const std::string &path_list) {
    Launcher l;
    std::string text;
    if (option) {
        text = *option;
        l.origin = "--launcher";
    } else if (env) {
        text = env;
        l.origin = kLauncherEnv;
    }
    l.argv = split_words(text);
    if (l.argv.empty())
        return l;
    std::string named = (option ? "--launcher '" : std::string(kLauncherEnv) + "='") + text + "'";
    std::string without = option ? "leave --launcher out" : std::string("unset ") + kLauncherEnv;
    const std::string &program = l.argv.front();
    std::string found = find_program(program, path_list);
    if (found.empty())
        throw Error(named + ": " + program + " is not on PATH; install it, give its full path, or " + without +
                    " to compile without a launcher");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(found, ec) || ::access(found.c_str(), X_OK) != 0)
        throw Error(named + ": " + found + (std::filesystem::exists(found, ec) ? " is not an executable file"
                                                                               : ": no such file") +
                    "; give the launcher's program, or " + without + " to compile without a launcher");
    l.argv.front() = std::filesystem::absolute(found).lexically_normal().string();
    try {
        launcher_env_value(l.argv);
    } catch (const Error &e) {
        throw Error(named + ": " + e.what());
    }
    return l;
}

bool is_compile(const std::vector<std::string> &argv) {
    bool compiles = false;
    for (size_t i = 1; i < argv.size(); ++i) {
        if (argv[i] == "-E" || argv[i] == "-M" || argv[i] == "-MM")
            return false;
        if (argv[i] == "-c" || argv[i] == "-S")
            compiles = true;
    }
    return compiles;
}

std::vector<std::string> launched(const std::vector<std::string> &launcher, const std::vector<std::string> &argv) {
    if (launcher.empty() || !is_compile(argv))
        return argv;
    std::vector<std::string> out = launcher;
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
}

std::string launcher_env_value(const std::vector<std::string> &launcher) {
    if (launcher.empty())
        return "";
    try {
        return nlohmann::json(launcher).dump();
    } catch (const nlohmann::json::exception &) {
        throw Error("the launcher's words must be UTF-8");
    }
}

std::vector<std::string> parse_launcher_env(const std::string &value) {
    if (value.empty())
        return {};
    try {
        auto words = nlohmann::json::parse(value).get<std::vector<std::string>>();
        if (!words.empty() && !words.front().empty())
            return words;
    } catch (const nlohmann::json::exception &) {
    }
    throw Error(std::string("$") + kCaptureLauncherEnv + " is not a launcher (a JSON array of words): " + value);
}

std::string launcher_hint(const Launcher &launcher) {
    if (launcher.empty())
        return "";
    return "  the compiles ran through the launcher " + shell_quote(launcher.argv) + " (" + launcher.origin +
           "); if the compiler alone succeeds, the launcher failed: check it, or build without it\n";
}

} // namespace kmpack
