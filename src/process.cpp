#include "kmpack/process.h"

#include "kmpack/error.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/ErrorOr.h>
#include <llvm/Support/Program.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace kmpack {

std::string CommandResult::describe() const {
    if (signal != 0)
        return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
    return "exit status " + std::to_string(exit_code);
}

std::string find_program(const std::string &program, const std::string &path_list) {
    if (program.empty())
        return {};
    // An empty PATH element is the current directory. (findProgramByName
    // skips empty elements, and searches the environment's PATH when given
    // no directories at all; splitting always yields at least one.)
    llvm::SmallVector<llvm::StringRef, 16> dirs;
    llvm::StringRef(path_list).split(dirs, ':');
    for (auto &dir : dirs)
        if (dir.empty())
            dir = ".";
    llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(program, dirs);
    return found ? *found : std::string();
}

namespace {

// The environment of the child: ours, minus `unset`, with `set` on top.
std::vector<std::string> child_environment(const Command &command) {
    std::vector<std::string> out;
    for (char **e = environ; *e; ++e) {
        std::string entry(*e);
        std::string key = entry.substr(0, entry.find('='));
        if (command.env.count(key))
            continue;
        bool dropped = false;
        for (const auto &u : command.unset_env)
            dropped = dropped || u == key;
        if (!dropped)
            out.push_back(std::move(entry));
    }
    for (const auto &[key, value] : command.env)
        out.push_back(key + "=" + value);
    return out;
}

std::string lookup_path(const std::vector<std::string> &env) {
    for (const auto &e : env)
        if (e.rfind("PATH=", 0) == 0)
            return e.substr(5);
    return "/usr/local/bin:/usr/bin:/bin";
}

std::vector<char *> c_strings(std::vector<std::string> &strings) {
    std::vector<char *> out;
    for (auto &s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

CommandResult wait_for(pid_t pid, const std::string &what) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            throw Error(what + ": waitpid failed: " + std::strerror(errno));
    }
    CommandResult result;
    if (WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.signal = WTERMSIG(status);
    return result;
}

// The signals a guard waits for: its command ending, kmpack's death (the
// guard's parent-death signal), and those that stop kmpack from a terminal.
sigset_t guard_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGCHLD, SIGHUP, SIGINT, SIGTERM, SIGQUIT})
        sigaddset(&set, sig);
    return set;
}

// Ends the guard as its command ended: the same exit status, or the same signal.
[[noreturn]] void end_like(const siginfo_t &ended) {
    if (ended.si_code == CLD_EXITED)
        ::_exit(ended.si_status);
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(ended.si_status, &dfl, nullptr);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, ended.si_status);
    ::sigprocmask(SIG_UNBLOCK, &only, nullptr);
    ::kill(::getpid(), ended.si_status);
    ::_exit(128 + ended.si_status);
}

// In the forked child: runs the command in a process group of its own and
// stays as its guard. The guard kills the whole group (the package build's
// compilers and whatever else it started) when the command ends, and when
// kmpack dies or is interrupted, so no build step outlives kmpack or
// writes into the build directory after it. Async-signal-safe calls only.
[[noreturn]] void guard_and_exec(const char *program, char *const argv[], char *const envp[], pid_t parent) {
    sigset_t waited = guard_signals(), old;
    ::sigprocmask(SIG_BLOCK, &waited, &old);
    if (::prctl(PR_SET_PDEATHSIG, SIGHUP) != 0 || ::getppid() != parent)
        ::_exit(125); // kmpack is gone already
    // The guard never execs, so close-on-exec does not close what it
    // inherited: a pipe or log another thread had open at the fork (between
    // its open and its close) would stay open for as long as this command
    // runs, and that thread's run_read() would wait for it.
    if (::close_range(3, ~0U, 0) != 0)
        for (int fd = 3; fd < 65536; ++fd)
            ::close(fd);
    pid_t command = ::fork();
    if (command < 0)
        ::_exit(125);
    if (command == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL); // the guard gone: so is the command
        // A background process group writing to the terminal is not stopped.
        struct sigaction ignore = {};
        ignore.sa_handler = SIG_IGN;
        ::sigaction(SIGTTOU, &ignore, nullptr);
        ::sigprocmask(SIG_SETMASK, &old, nullptr);
        ::execve(program, argv, envp);
        ::_exit(127);
    }
    ::setpgid(command, command); // as the command does: whichever runs first
    for (;;) {
        siginfo_t info;
        int sig = ::sigwaitinfo(&waited, &info);
        if (sig < 0)
            continue; // EINTR
        if (sig == SIGCHLD) {
            // Ended (not yet reaped, so its group id cannot be reused): kill
            // what it left running, then reap it.
            siginfo_t ended = {};
            if (::waitid(P_PID, static_cast<id_t>(command), &ended, WEXITED | WNOHANG | WNOWAIT) != 0 ||
                ended.si_pid != command)
                continue;
            ::kill(-command, SIGKILL);
            ::waitid(P_PID, static_cast<id_t>(command), &ended, WEXITED);
            end_like(ended);
        }
        // kmpack died, or was interrupted: the whole group goes with it.
        ::kill(-command, SIGKILL);
        siginfo_t ended = {};
        ::waitid(P_PID, static_cast<id_t>(command), &ended, WEXITED);
        ::_exit(128 + sig);
    }
}

// Starts `command`; stdout goes to `stdout_fd` when >= 0 (else to the log or
// inherited). Everything the child does between fork and exec is
// async-signal-safe, since kmpack runs commands from several threads.
pid_t start(const Command &command, int stdout_fd) {
    if (command.argv.empty())
        throw Error("internal error: empty command");
    std::vector<std::string> env = child_environment(command);
    std::string program = find_program(command.argv[0], lookup_path(env));
    if (program.empty())
        throw Error(command.argv[0] + ": command not found on PATH");
    std::vector<std::string> args = command.argv;
    std::vector<char *> argv = c_strings(args);
    std::vector<char *> envp = c_strings(env);
    int log_fd = -1;
    if (!command.output.empty()) {
        log_fd = ::open(command.output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log_fd < 0)
            throw Error(command.output.string() + ": cannot open log: " + std::strerror(errno));
    }
    std::string cwd = command.cwd.string();
    bool own_group = command.own_group;
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) {
        int e = errno;
        if (log_fd >= 0)
            ::close(log_fd);
        throw Error(command.argv[0] + ": fork failed: " + std::strerror(e));
    }
    if (pid == 0) {
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0)
            ::_exit(126);
        int null_fd = ::open("/dev/null", O_RDONLY);
        if (null_fd >= 0)
            ::dup2(null_fd, 0);
        if (log_fd >= 0) {
            ::dup2(log_fd, 1);
            ::dup2(log_fd, 2);
        }
        if (stdout_fd >= 0)
            ::dup2(stdout_fd, 1);
        if (own_group)
            guard_and_exec(program.c_str(), argv.data(), envp.data(), parent);
        if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent)
            ::_exit(125); // the caller is gone already
        ::execve(program.c_str(), argv.data(), envp.data());
        ::_exit(127);
    }
    if (log_fd >= 0)
        ::close(log_fd);
    return pid;
}

} // namespace

CommandResult SystemRunner::run(const Command &command) {
    pid_t pid = start(command, -1);
    return wait_for(pid, command.argv[0]);
}

CommandResult SystemRunner::run_read(const Command &command, std::string &out) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw Error(std::string("pipe failed: ") + std::strerror(errno));
    pid_t pid;
    try {
        pid = start(command, fds[1]);
    } catch (...) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw;
    }
    ::close(fds[1]);
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fds[0]);
    return wait_for(pid, command.argv[0]);
}

std::string read_output(CommandRunner &runner, const Command &command) {
    std::string out;
    CommandResult result = runner.run_read(command, out);
    if (!result.ok())
        throw Error(shell_quote(command.argv) + ": failed with " + result.describe());
    return out;
}

std::string shell_quote(const std::vector<std::string> &argv) {
    std::string line;
    for (const auto &arg : argv) {
        if (!line.empty())
            line += ' ';
        bool plain = !arg.empty();
        for (char c : arg)
            plain = plain && (std::isalnum(static_cast<unsigned char>(c)) ||
                              std::strchr("-_./=:,+@%", c) != nullptr);
        if (plain) {
            line += arg;
            continue;
        }
        line += '\'';
        for (char c : arg) {
            if (c == '\'')
                line += "'\\''";
            else
                line += c;
        }
        line += '\'';
    }
    return line;
}

} // namespace kmpack
