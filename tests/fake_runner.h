// A CommandRunner for tests that must not start processes: it records every
// command (argv, cwd, environment) and answers from replies set up by the
// test, matched by argv prefix. A reply can also act (write the files the
// real command would have written). An unmatched command "exits" 127.
#pragma once

#include "kmpack/process.h"
#include "kmpack/status.h"

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace kmpack::test {

class FakeRunner : public CommandRunner {
public:
    struct Reply {
        std::string out;                               // stdout (run_read), or appended to command.output
        CommandResult result;                          // how it "ended"
        std::function<void(const Command &)> effect;   // run before answering, if set
    };

    // Commands whose argv starts with `prefix` get `reply`; a later rule wins over an earlier one.
    void on(const std::vector<std::string> &prefix, Reply reply);

    // Every command run so far, in order.
    std::vector<Command> commands() const;
    // Those whose argv starts with `prefix`.
    std::vector<Command> matching(const std::vector<std::string> &prefix) const;

    CommandResult run(const Command &command) override;
    CommandResult run_read(const Command &command, std::string &out) override;

private:
    const Reply *find(const std::vector<std::string> &argv) const;
    std::vector<std::pair<std::vector<std::string>, Reply>> rules_;
    std::vector<Command> commands_;
    mutable std::mutex mutex_;
};

// A Status that keeps every line it is told.
class RecordingStatus : public Status {
public:
    void phase(const std::string &module, const std::string &what) override;
    void finish(const std::string &module, const std::string &status, double seconds) override;
    void idle(const std::string &) override {}
    void note(const std::string &line, bool verbose = false) override;
    void always(const std::string &line) override;
    std::vector<std::string> lines() const;
    // The seconds each finish() said, by module, in order.
    std::vector<double> seconds(const std::string &module) const;

private:
    std::vector<std::string> lines_;
    std::vector<std::pair<std::string, double>> seconds_;
    mutable std::mutex mutex_;
};

// What `python -c <kmpack's sysconfig query>` prints for a made-up
// interpreter at `executable` whose compiler is `cc`.
std::string python_query_reply(const std::string &executable, const std::string &cc = "gcc");

} // namespace kmpack::test
