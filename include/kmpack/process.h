// Running external programs from an argument vector. Nothing is ever run
// through a shell: argv[0] is looked up on PATH and the rest is passed as is.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kmpack {

struct Command {
    std::vector<std::string> argv;
    std::filesystem::path cwd;                // empty: the current directory
    std::map<std::string, std::string> env;   // set on top of the inherited environment
    std::vector<std::string> unset_env;       // removed from the inherited environment
    std::filesystem::path output;             // stdout+stderr appended here; empty: inherited
    // In a process group of its own, under a guard that kills the group when
    // it ends or kmpack dies (kmpack's commands). false: in the caller's
    // group, killed with the caller (the capture wrapper's compiler, which
    // the package build's group must take down with its cc1 and as).
    bool own_group = true;
};

// How a finished command ended: `exit_code` when it exited, `signal` when a
// signal killed it.
struct CommandResult {
    int exit_code = 0;
    int signal = 0;
    bool ok() const { return exit_code == 0 && signal == 0; }
    std::string describe() const; // "exit status 2" / "killed by signal 9 (Killed)"
};

// The seam between kmpack's library and the processes it starts: the CLI
// passes a SystemRunner, tests a fake that records argv and replays output.
class CommandRunner {
public:
    virtual ~CommandRunner() = default;
    // Runs `command`; its output goes to command.output, or is inherited.
    virtual CommandResult run(const Command &command) = 0;
    // Runs `command` with its stdout in `out` (stderr as run() does).
    virtual CommandResult run_read(const Command &command, std::string &out) = 0;
};

// Runs commands for real (fork + execve).
class SystemRunner : public CommandRunner {
public:
    CommandResult run(const Command &command) override;
    CommandResult run_read(const Command &command, std::string &out) override;
};

// What `command` wrote to stdout; Error naming the command when it fails.
std::string read_output(CommandRunner &runner, const Command &command);

// The absolute path of `program` found on `path_list` (a PATH value); a name
// containing '/' is returned as is. Empty when not found.
std::string find_program(const std::string &program, const std::string &path_list);

// `argv` as one line a user can paste into a POSIX shell (quoted where needed).
std::string shell_quote(const std::vector<std::string> &argv);

} // namespace kmpack
