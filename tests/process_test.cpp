// SystemRunner: what a command leaves running, and what happens to it when
// kmpack dies.
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/process.h"
#include "test_util.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace kmpack;
namespace fs = std::filesystem;

namespace {

// True once `pid` is gone (or a zombie), within `seconds`.
bool gone_within(pid_t pid, double seconds) {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    do {
        std::string stat;
        try {
            stat = read_file("/proc/" + std::to_string(pid) + "/stat");
        } catch (const Error &) {
            return true;
        }
        size_t paren = stat.rfind(')');
        if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z')
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < until);
    return false;
}

// The pid a command wrote to `file`, waiting for it to appear.
pid_t pid_in(const fs::path &file) {
    for (int i = 0; i < 500; ++i) {
        std::error_code ec;
        if (fs::file_size(file, ec) > 0 && !ec) {
            std::string text = read_file(file);
            if (text.find('\n') != std::string::npos)
                return static_cast<pid_t>(std::stol(text));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("no pid in " << file);
    return 0;
}

} // namespace

TEST_CASE("process: exit status and signal are the command's own") {
    SystemRunner runner;
    Command c;
    c.argv = {"sh", "-c", "exit 7"};
    CHECK(runner.run(c).exit_code == 7);
    c.argv = {"sh", "-c", "kill -TERM $$"};
    CommandResult killed = runner.run(c);
    CHECK(killed.signal == SIGTERM);
    CHECK(killed.describe() == "killed by signal 15 (Terminated)");
    c.argv = {"sh", "-c", "echo out"};
    std::string out;
    CHECK(runner.run_read(c, out).ok());
    CHECK(out == "out\n");
}

TEST_CASE("process: what a command left running in the background dies when it ends") {
    test::TempDir dir;
    SystemRunner runner;
    Command c;
    c.argv = {"sh", "-c", "sleep 300 & echo $! > bg.pid; exit 0"};
    c.cwd = dir.path();
    CHECK(runner.run(c).ok());
    CHECK(gone_within(pid_in(dir / "bg.pid"), 5));
}

TEST_CASE("process: when kmpack is killed, the command and everything it started die too") {
    test::TempDir dir;
    // A "kmpack" running a "package build" that starts a "compiler".
    pid_t kmpack = ::fork();
    REQUIRE(kmpack >= 0);
    if (kmpack == 0) {
        SystemRunner runner;
        Command c;
        c.argv = {"sh", "-c", "echo $$ > build.pid; sleep 300 & echo $! > compiler.pid; wait"};
        c.cwd = dir.path();
        runner.run(c);
        ::_exit(0);
    }
    pid_t build = pid_in(dir / "build.pid");
    pid_t compiler = pid_in(dir / "compiler.pid");
    ::kill(kmpack, SIGKILL); // not its group: only kmpack, as the OOM killer or a kill -9 would
    int status = 0;
    ::waitpid(kmpack, &status, 0);
    CHECK(gone_within(build, 5));
    CHECK(gone_within(compiler, 5));
}

TEST_CASE("process: a compiler's own children, started through the capture wrapper, die with kmpack") {
    // gcc's driver starts cc1 and as; a driver killed alone leaves them
    // running. Through kmpack-capture the compiler stays in the package
    // build's process group, which the guard kills whole.
    test::TempDir dir;
    write_file_atomic(dir / "cc", "#!/bin/sh\n"
                                  "sh -c 'echo $$ > cc1.pid; exec sleep 300' &\n"
                                  "echo $$ > driver.pid\n"
                                  "wait\n");
    fs::permissions(dir / "cc", fs::perms::owner_all);
    pid_t kmpack = ::fork();
    REQUIRE(kmpack >= 0);
    if (kmpack == 0) {
        SystemRunner runner;
        Command c;
        c.argv = {"sh", "-c", std::string(KMPACK_CAPTURE_TOOL) + " ./cc -c x.c -o x.o"};
        c.cwd = dir.path();
        c.env["KMPACK_CAPTURE_LOG"] = (dir / "log.jsonl").string();
        runner.run(c);
        ::_exit(0);
    }
    pid_t driver = pid_in(dir / "driver.pid");
    pid_t cc1 = pid_in(dir / "cc1.pid");
    CHECK(::getpgid(cc1) == ::getpgid(driver));
    ::kill(kmpack, SIGKILL);
    int status = 0;
    ::waitpid(kmpack, &status, 0);
    CHECK(gone_within(driver, 5));
    CHECK(gone_within(cc1, 5));
}

TEST_CASE("process: a command run in its caller's process group is in it, and one run alone is not") {
    test::TempDir dir;
    SystemRunner runner;
    Command c;
    c.argv = {"sh", "-c", "cut -d' ' -f5 /proc/$$/stat > pgid"};
    c.cwd = dir.path();
    REQUIRE(runner.run(c).ok());
    CHECK(std::stol(read_file(dir / "pgid")) != ::getpgrp());
    c.own_group = false;
    REQUIRE(runner.run(c).ok());
    CHECK(std::stol(read_file(dir / "pgid")) == ::getpgrp());
}
