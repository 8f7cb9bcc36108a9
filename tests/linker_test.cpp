#include "kmpack/linker.h"

#include "kmpack/error.h"
#include "test_util.h"

#include <catch2/catch.hpp>
#include <sys/stat.h>

using namespace kmpack;
using kmpack::test::TempDir;

namespace {

// A directory to use as PATH, holding (fake, executable) linkers.
void install(const std::filesystem::path &dir, const std::string &program) {
    write_file_atomic(dir / program, "#!/bin/sh\nexit 0\n");
    ::chmod((dir / program).c_str(), 0755);
}

const std::vector<std::string> kGcc = {"gcc", "-static"};

} // namespace

TEST_CASE("linker: auto takes lld, then mold, then the compiler's own") {
    TempDir path;
    auto none = choose_linker("auto", kGcc, {}, path.path().string());
    CHECK(none.name == "default");
    CHECK(none.flag.empty());
    CHECK(none.why.find("neither ld.lld nor mold") != std::string::npos);

    install(path.path(), "mold");
    auto mold = choose_linker("auto", kGcc, {}, path.path().string());
    CHECK(mold.name == "mold");
    CHECK(mold.flag == "-fuse-ld=mold");

    install(path.path(), "ld.lld");
    auto lld = choose_linker("auto", kGcc, {}, "/nonexistent:" + path.path().string());
    CHECK(lld.name == "lld");
    CHECK(lld.flag == "-fuse-ld=lld");
}

TEST_CASE("linker: a -fuse-ld= already given wins over auto, and must agree with a named --ld") {
    TempDir path;
    install(path.path(), "ld.lld");
    auto from_cc = choose_linker("auto", {"gcc", "-static", "-fuse-ld=mold"}, {}, path.path().string());
    CHECK(from_cc.name == "mold");
    CHECK(from_cc.flag.empty()); // already on the line
    CHECK(from_cc.why == "-fuse-ld=mold in --cc");

    // The driver obeys the last one: --link-arg comes after --cc.
    auto from_arg = choose_linker("auto", {"gcc", "-fuse-ld=mold"}, {"-fuse-ld=bfd"}, path.path().string());
    CHECK(from_arg.name == "bfd");
    CHECK(from_arg.why == "-fuse-ld=bfd in --link-arg");

    CHECK(choose_linker("mold", {"gcc", "-fuse-ld=mold"}, {}, "").flag.empty());
    CHECK_THROWS_WITH(choose_linker("lld", {"gcc", "-fuse-ld=mold"}, {}, path.path().string()),
                      "--ld lld contradicts -fuse-ld=mold in --cc; give the linker one way");
}

TEST_CASE("linker: a named linker must be installed, and the default adds nothing") {
    TempDir path;
    CHECK_THROWS_WITH(choose_linker("lld", kGcc, {}, path.path().string()),
                      "--ld lld: ld.lld is not on PATH (Debian: apt-get install lld), or use --ld auto");
    install(path.path(), "ld.gold");
    auto gold = choose_linker("gold", kGcc, {}, path.path().string());
    CHECK(gold.name == "gold");
    CHECK(gold.flag == "-fuse-ld=gold");

    install(path.path(), "ld.lld");
    auto def = choose_linker("default", kGcc, {}, path.path().string());
    CHECK(def.name == "default");
    CHECK(def.flag.empty());

    CHECK_THROWS_WITH(choose_linker("ld", kGcc, {}, ""),
                      "--ld ld: not a linker kmpack knows; use one of auto, default, lld, mold, gold, bfd");
}

TEST_CASE("linker: another linker is suggested only for a failure another linker may not have") {
    // What lld and GNU ld both refuse: a bad --link-arg, a missing library or
    // file, symbols undefined or defined twice.
    CHECK_FALSE(another_linker_may_help("ld.lld: error: unknown argument '--bogus'"));
    CHECK_FALSE(another_linker_may_help("/usr/bin/ld: unrecognized option '--bogus'"));
    CHECK_FALSE(another_linker_may_help("ld.lld: error: unable to find library -lfoo\nld.lld: error: cannot find -lfoo"));
    CHECK_FALSE(another_linker_may_help("x.o: No such file or directory"));
    CHECK_FALSE(another_linker_may_help("ld.lld: error: duplicate symbol: f"));
    CHECK_FALSE(another_linker_may_help("multiple definition of `f'"));
    // The linker's own limits: lld on GCC's LTO objects, a crash.
    CHECK(another_linker_may_help("ld.lld: error: x.o: unknown file type"));
    CHECK(another_linker_may_help("clang: error: unable to execute command: Segmentation fault"));
}
