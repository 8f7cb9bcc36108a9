#include "fake_runner.h"

#include "kmpack/fs.h"

#include <nlohmann/json.hpp>

namespace kmpack::test {

namespace {

bool starts_with(const std::vector<std::string> &argv, const std::vector<std::string> &prefix) {
    return argv.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), argv.begin());
}

} // namespace

void FakeRunner::on(const std::vector<std::string> &prefix, Reply reply) {
    std::lock_guard<std::mutex> lock(mutex_);
    rules_.emplace_back(prefix, std::move(reply));
}

std::vector<Command> FakeRunner::commands() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return commands_;
}

std::vector<Command> FakeRunner::matching(const std::vector<std::string> &prefix) const {
    std::vector<Command> out;
    for (auto &c : commands())
        if (starts_with(c.argv, prefix))
            out.push_back(c);
    return out;
}

const FakeRunner::Reply *FakeRunner::find(const std::vector<std::string> &argv) const {
    for (auto it = rules_.rbegin(); it != rules_.rend(); ++it)
        if (starts_with(argv, it->first))
            return &it->second;
    return nullptr;
}

CommandResult FakeRunner::run_read(const Command &command, std::string &out) {
    Reply reply;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        commands_.push_back(command);
        const Reply *found = find(command.argv);
        if (!found) {
            CommandResult missing;
            missing.exit_code = 127;
            return missing;
        }
        reply = *found;
    }
    if (reply.effect)
        reply.effect(command);
    out += reply.out;
    return reply.result;
}

CommandResult FakeRunner::run(const Command &command) {
    std::string out;
    CommandResult result = run_read(command, out);
    if (!command.output.empty())
        append_file(command.output, out);
    return result;
}

void RecordingStatus::phase(const std::string &module, const std::string &what) {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.push_back(module + ": " + what);
}

void RecordingStatus::finish(const std::string &module, const std::string &status, double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.push_back(module + ": " + status);
    seconds_.emplace_back(module, seconds);
}

std::vector<double> RecordingStatus::seconds(const std::string &module) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<double> out;
    for (const auto &[m, s] : seconds_)
        if (m == module)
            out.push_back(s);
    return out;
}

void RecordingStatus::note(const std::string &line, bool) {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.push_back(line);
}

void RecordingStatus::always(const std::string &line) { note(line); }

std::vector<std::string> RecordingStatus::lines() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
}

std::string python_query_reply(const std::string &executable, const std::string &cc) {
    nlohmann::json j = {{"version", "3.11"},
                        {"full_version", "3.11.2 (fake)"},
                        {"ext_suffix", ".cpython-311-x86_64-linux-gnu.so"},
                        {"libpl", "/fake/lib/python3.11/config-3.11-x86_64-linux-gnu"},
                        {"library", "libpython3.11.a"},
                        {"cc", {cc, "-pthread"}},
                        {"cxx", {"g++", "-pthread"}},
                        {"ldshared", {cc, "-pthread", "-shared"}},
                        {"ldcxxshared", {"g++", "-pthread", "-shared"}},
                        {"libs", {"-lexpat", "-lz", "-lm"}},
                        {"prefix", "/fake"},
                        {"stdlib", "/fake/lib/python3.11"},
                        {"include", "/fake/include/python3.11"},
                        {"site_packages", {"/fake/lib/python3/dist-packages"}},
                        {"shared_stdlib", {"_ctypes", "_ssl"}}};
    (void)executable;
    return j.dump() + "\n";
}

} // namespace kmpack::test
