// The compiler launcher (ccache, sccache, distcc, icecc, ...): named by
// --launcher or $KMPACK_LAUNCHER, it is put in front of every compile kmpack
// runs: the packages' and the interpreter's (by the capture wrapper, which
// still records the compiler's own argv) and the link stage's compiles of
// generated C. Links, preprocessing and every other compiler call run
// without it. It is part of no key: what it runs must give exactly what the
// compiler alone gives.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kmpack {

// The user's: the launcher when --launcher is not given.
inline constexpr const char *kLauncherEnv = "KMPACK_LAUNCHER";
// kmpack's, to the capture wrapper: the launcher as a JSON array of words, empty for none.
inline constexpr const char *kCaptureLauncherEnv = "KMPACK_CAPTURE_LAUNCHER";

struct Launcher {
    std::vector<std::string> argv; // its program (an absolute path) and its own arguments; empty: none
    std::string origin;            // where it was named ("--launcher", "KMPACK_LAUNCHER"), for messages
    bool empty() const { return argv.empty(); }
};

// The launcher `--launcher` names when given (`option`; an empty value names
// none), else $KMPACK_LAUNCHER (`env`, null when unset): split on blanks,
// like --cc, its program looked up on `path_list` (a PATH value) unless it
// has a '/'. Error naming it and the fix when the program is not there or
// cannot be run, so that no build starts with it.
Launcher resolve_launcher(const std::optional<std::string> &option, const char *env, const std::string &path_list);

// True when `argv` (a compiler driver call) compiles: it has -c or -S, and
// not -E, -M or -MM. Only these go through the launcher.
bool is_compile(const std::vector<std::string> &argv);

// What runs for the compiler call `argv`: `launcher` then argv when it
// compiles, else argv alone.
std::vector<std::string> launched(const std::vector<std::string> &launcher, const std::vector<std::string> &argv);

// The launcher as kCaptureLauncherEnv carries it: a JSON array, "" for none.
std::string launcher_env_value(const std::vector<std::string> &launcher);

// kCaptureLauncherEnv's value back into words; Error when it is not "" or a
// non-empty JSON array of strings.
std::vector<std::string> parse_launcher_env(const std::string &value);

// For the error of a failed build or compile: "" without a launcher, else
// a line saying the compiles ran through it and how to rule it out.
std::string launcher_hint(const Launcher &launcher);

} // namespace kmpack
