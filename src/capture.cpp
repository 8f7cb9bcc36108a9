#include "kmpack/capture.h"

#include "kmpack/disk_space.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/launcher.h"
#include "kmpack/process.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <unistd.h>

namespace kmpack {

bool is_shared_link(const std::vector<std::string> &argv) {
    bool shared = false;
    for (size_t i = 1; i < argv.size(); ++i) {
        if (argv[i] == "-c" || argv[i] == "-E" || argv[i] == "-S" || argv[i] == "-M" ||
            argv[i] == "-MM")
            return false;
        if (argv[i] == "-shared")
            shared = true;
    }
    return shared;
}

void append_capture_record(const std::filesystem::path &log, const CaptureRecord &record) {
    nlohmann::json j = {{"cwd", record.cwd.string()}, {"argv", record.argv}, {"exit", record.exit_code}};
    if (!record.map.empty())
        j["map"] = record.map.string();
    // Arguments are raw bytes; never fail on non-UTF-8 in a path.
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(log.string() + ": cannot open capture log: " + std::strerror(errno));
    // O_APPEND makes each write land at the end; the lock keeps a long line
    // from being split by another compiler process writing at the same time.
    ::flock(fd, LOCK_EX);
    const char *p = line.data();
    size_t left = line.size();
    int error = 0;
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error = errno;
            break;
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    ::flock(fd, LOCK_UN);
    ::close(fd);
    if (error != 0)
        throw_write_error(log, "cannot write capture log", error);
}

std::string DirectoryMove::operator()(const std::string &text) const {
    std::string out;
    size_t at = 0;
    for (size_t hit = text.find(from); hit != std::string::npos; hit = text.find(from, at)) {
        size_t end = hit + from.size();
        bool whole = end == text.size() || text[end] == '/'; // not "/a/kb" in "/a/kb2"
        out += text.substr(at, hit - at) + (whole ? to : from);
        at = end;
    }
    return out + text.substr(at);
}

void rebase_capture_records(std::vector<CaptureRecord> &records, const std::filesystem::path &from,
                            const std::filesystem::path &to) {
    DirectoryMove move{from.string(), to.string()};
    while (move.from.size() > 1 && move.from.back() == '/')
        move.from.pop_back();
    while (move.to.size() > 1 && move.to.back() == '/')
        move.to.pop_back();
    for (auto &r : records) {
        r.cwd = move(r.cwd.string());
        r.map = move(r.map.string());
        for (auto &arg : r.argv)
            arg = move(arg);
        r.moved = move;
    }
}

std::vector<CaptureRecord> read_capture_log(const std::filesystem::path &log) {
    std::vector<CaptureRecord> records;
    std::error_code ec;
    if (!std::filesystem::exists(log, ec))
        return records;
    std::string text = read_file(log);
    size_t line_number = 0;
    for (std::string_view line : split_lines(text)) {
        ++line_number;
        if (line.empty())
            continue;
        std::string where = log.string() + ":" + std::to_string(line_number);
        try {
            nlohmann::json j = nlohmann::json::parse(line);
            CaptureRecord r;
            r.cwd = j.at("cwd").get<std::string>();
            r.argv = j.at("argv").get<std::vector<std::string>>();
            nlohmann::json exit = j.value("exit", nlohmann::json(0));
            if (!exit.is_number_integer() ||
                (exit.is_number_unsigned() ? exit.get<uint64_t>() > INT_MAX
                                           : exit.get<int64_t>() < INT_MIN || exit.get<int64_t>() > INT_MAX))
                throw Error("\"exit\" is not an exit status: " + exit.dump());
            r.exit_code = exit.get<int>();
            if (j.contains("map"))
                r.map = j.at("map").get<std::string>();
            if (r.argv.empty() || !r.cwd.is_absolute())
                throw Error("needs a non-empty argv and an absolute cwd");
            records.push_back(std::move(r));
        } catch (const nlohmann::json::exception &e) {
            throw Error(where + ": not a capture record: " + e.what());
        } catch (const Error &e) {
            throw Error(where + ": not a capture record: " + e.what());
        }
    }
    return records;
}

std::vector<std::string> stable_rustc_temporaries(const std::vector<std::string> &argv,
                                                  const std::filesystem::path &tmpdir) {
    if (tmpdir.empty())
        return argv;
    std::string output = "a.out";
    for (size_t i = 0; i + 1 < argv.size(); ++i)
        if (argv[i] == "-o")
            output = std::filesystem::path(argv[i + 1]).filename().string();
    const std::string prefix = (tmpdir / "rustc").string();
    const std::filesystem::path stable = tmpdir / ("link-" + output);
    std::map<std::string, std::string> renamed; // random directory -> stable
    std::vector<std::string> out = argv;
    for (auto &arg : out) {
        for (size_t at = arg.find(prefix); at != std::string::npos; at = arg.find(prefix, at + 1)) {
            size_t end = arg.find('/', at + prefix.size());
            if (end == std::string::npos)
                break;
            std::string random = arg.substr(at, end - at);
            if (!renamed.count(random)) {
                std::filesystem::path to = stable;
                if (!renamed.empty())
                    to += "-" + std::to_string(renamed.size());
                std::error_code ec;
                std::filesystem::remove_all(to, ec);
                std::filesystem::create_directories(to.parent_path());
                std::filesystem::copy(random, to, std::filesystem::copy_options::recursive);
                renamed[random] = to.string();
            }
            arg.replace(at, random.size(), renamed[random]);
        }
    }
    return out;
}

int capture_main(int argc, char **argv) {
    // Run as a linker (kCaptureLinkerName), the tool comes from the environment.
    std::vector<std::string> linker;
    bool as_linker = argc >= 1 && std::filesystem::path(argv[0]).filename() == kCaptureLinkerName;
    if (as_linker) {
        const char *value = std::getenv(kCaptureLinkerEnv);
        try {
            linker = nlohmann::json::parse(value ? value : "").get<std::vector<std::string>>();
        } catch (const nlohmann::json::exception &) {
        }
        if (linker.empty() || linker.front().empty()) {
            std::cerr << "kmpack-capture: run as " << kCaptureLinkerName << ", but $" << kCaptureLinkerEnv
                      << " names no compiler driver (a JSON array of words): " << (value ? value : "") << "\n";
            return 2;
        }
    }
    if (!as_linker && argc < 2) {
        std::cerr << "kmpack-capture: usage: kmpack-capture REAL-TOOL [ARGS...]\n"
                     "  Runs REAL-TOOL with ARGS and appends {cwd, argv} to $" << kCaptureLogEnv
                  << ".\n  A compile runs through the launcher in $" << kCaptureLauncherEnv
                  << ", if any.\n  kmpack sets CC, CXX and LDSHARED to it while building a package.\n";
        return 2;
    }
    const char *log = std::getenv(kCaptureLogEnv);
    const char *map_dir = std::getenv(kCaptureMapDirEnv);
    const char *launcher_env = std::getenv(kCaptureLauncherEnv);
    std::vector<std::string> launcher;
    try {
        launcher = parse_launcher_env(launcher_env ? launcher_env : "");
    } catch (const Error &e) {
        std::cerr << "kmpack-capture: " << e.what() << "\n";
        return 2;
    }
    CaptureRecord record;
    record.argv = linker;
    record.argv.insert(record.argv.end(), argv + 1, argv + argc);
    if (as_linker) {
        const char *tmpdir = std::getenv("TMPDIR");
        try {
            record.argv = stable_rustc_temporaries(record.argv, tmpdir ? tmpdir : "");
        } catch (const std::exception &e) {
            std::cerr << "kmpack-capture: cannot copy rustc's temporaries: " << e.what() << "\n";
            return 1;
        }
    }
    record.cwd = std::filesystem::current_path();
    Command command;
    // The log keeps the compiler's own argv: what the launcher runs.
    command.argv = launched(launcher, record.argv);
    bool through_launcher = !launcher.empty() && is_compile(record.argv);
    if (log && map_dir && is_shared_link(record.argv)) {
        // Ask the linker which archive members it pulls into this .so.
        static std::atomic<unsigned> counter{0};
        record.map = std::filesystem::path(map_dir) /
                     ("link-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".map");
        command.argv.push_back("-Wl,-Map=" + record.map.string());
    }
    // In the package build's process group, so that kmpack's guard, which
    // kills that group, takes the compiler's own cc1, as and ld with it.
    command.own_group = false;
    CommandResult result;
    try {
        SystemRunner runner;
        result = runner.run(command);
    } catch (const Error &e) {
        std::cerr << "kmpack-capture: " << e.what() << "\n";
        return 127;
    }
    record.exit_code = result.signal ? 128 + result.signal : result.exit_code;
    if (through_launcher && !result.ok())
        std::cerr << "kmpack-capture: the compile ran through the launcher " << shell_quote(launcher) << " and failed ("
                  << result.describe() << ")\n";
    if (log) {
        try {
            append_capture_record(log, record);
        } catch (const Error &e) {
            std::cerr << "kmpack-capture: " << e.what() << "\n";
            return record.exit_code ? record.exit_code : 1;
        }
    }
    return record.exit_code;
}

} // namespace kmpack
