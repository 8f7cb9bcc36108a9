#include "kmpack/progress.h"

#include <catch2/catch.hpp>
#include <sstream>

using namespace kmpack;

TEST_CASE("progress: plain output is a line per event") {
    std::ostringstream out;
    {
        Progress p(out, ProgressStyle::Plain, Verbosity::Normal, false);
        p.phase("a", "fetch");
        p.phase("a", "build");
        p.idle("a");
        p.phase("a", "build"); // its next .so: the same phase, not said again
        p.note("detail", true);
        p.note("info");
        p.finish("a", "built", 1.3);
    }
    std::string s = out.str();
    CHECK(s == "a: fetch\na: build\ninfo\na: built (1.3s)\n"); // the seconds it is told: its own work
    CHECK(s.find("detail") == std::string::npos);
    CHECK(s.find('\033') == std::string::npos);
}

TEST_CASE("progress: -q keeps failures and always-lines only, and -v shows details") {
    std::ostringstream quiet, verbose;
    {
        Progress p(quiet, ProgressStyle::Plain, Verbosity::Quiet, false);
        p.phase("a", "build");
        p.note("info");
        p.finish("a", "built", 1.3);
        p.finish("b", "failed", 0);
        p.always("done");
    }
    CHECK(quiet.str().rfind("b: failed (", 0) == 0);
    CHECK(quiet.str().find("done\n") != std::string::npos);
    CHECK(quiet.str().find("a:") == std::string::npos);
    {
        Progress p(verbose, ProgressStyle::Plain, Verbosity::Verbose, false);
        p.note("detail", true);
    }
    CHECK(verbose.str() == "detail\n");
}

TEST_CASE("progress: live lines are redrawn in place and cleared at the end, and colour is optional") {
    std::ostringstream out;
    {
        Progress p(out, ProgressStyle::Live, Verbosity::Normal, true);
        p.phase("a", "build");
        p.phase("b", "fetch");
        p.finish("a", "built", 1.3);
    }
    std::string s = out.str();
    CHECK(s.find("  a                    build") != std::string::npos);
    CHECK(s.find("\033[2A\033[J") != std::string::npos); // two live lines replaced
    CHECK(s.find("\033[32mbuilt\033[0m") != std::string::npos);
    CHECK(s.substr(s.size() - 7) == "\033[1A\033[J"); // b's line cleared at the end
}

TEST_CASE("progress: a module that waits leaves the live lines until its next phase") {
    std::ostringstream out;
    {
        Progress p(out, ProgressStyle::Live, Verbosity::Normal, false);
        p.phase("a", "build");
        p.phase("b", "build");
        p.idle("a");
        std::string before = out.str();
        p.note("x");
        std::string redrawn = out.str().substr(before.size());
        CHECK(redrawn.find("  b ") != std::string::npos);
        CHECK(redrawn.find("  a ") == std::string::npos); // a waits: not shown as running
        p.phase("a", "rename");
        CHECK(out.str().find("  a                    rename") != std::string::npos);
    }
}
