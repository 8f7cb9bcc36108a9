#include "kmpack/conventions.h"

#include <catch2/catch.hpp>

using namespace kmpack;

namespace {
const std::string kDigest = "0123456789abcdef0123456789abcdef";
}

TEST_CASE("conventions: every artifact of a .so sits beside it, named from its base") {
    fs::path so = "/b/modules/p/lib/pkg/uri.cpython-311-x86_64-linux-gnu.so";
    CHECK(artifact_stem(so) == "/b/modules/p/lib/pkg/uri.cpython-311-x86_64-linux-gnu.km");
    CHECK(artifact_path(so, Artifact::Record) == "/b/modules/p/lib/pkg/uri.cpython-311-x86_64-linux-gnu.km.json");
    CHECK(artifact_path(so, Artifact::Archive) == "/b/modules/p/lib/pkg/uri.cpython-311-x86_64-linux-gnu.km.lib.a");
    CHECK(artifact_at("rel/x.km", Artifact::SymbolsO) == "rel/x.km.symbols.o");
    CHECK(placeholder_id_path("/t/pkg/m.abi3.so") == "/t/pkg/m.abi3.km.id");
    for (Artifact a : kArtifacts)
        CHECK(is_artifact_name("m" + std::string(artifact_suffix(a))));
    CHECK(is_artifact_name(".python.km.tmp.123.4"));
    CHECK_FALSE(is_artifact_name("m.cpython-311-x86_64-linux-gnu.so"));
    CHECK_FALSE(is_artifact_name("kmjson.py"));
}

TEST_CASE("conventions: renamed names and ids split back into name and digest") {
    CHECK(renamed_symbol("PyInit_m", kDigest) == "PyInit_m_" + kDigest + "_km");
    CHECK(library_id("uri", kDigest) == "uri_" + kDigest + "_km");
    auto r = split_renamed(renamed_symbol("a_b_km", kDigest));
    REQUIRE(r);
    CHECK(r->original == "a_b_km");
    CHECK(r->digest == kDigest);
    CHECK_FALSE(split_renamed("_" + kDigest + "_km"));              // no original name
    CHECK_FALSE(split_renamed("x_" + kDigest.substr(1) + "g_km"));  // not hex
    CHECK_FALSE(split_renamed("x_" + kDigest.substr(1) + "_km"));   // 31 digits
    CHECK_FALSE(split_renamed("x_" + kDigest + "_kmx"));
    CHECK(is_renamed("x_" + kDigest + "_km"));
}

TEST_CASE("conventions: constructor sections, their priorities and kmpack's names for them") {
    auto plain = parse_ctor_section(".init_array");
    REQUIRE(plain);
    CHECK(plain->kind == CtorKind::Init);
    CHECK(plain->priority == -1);
    auto ctors = parse_ctor_section(".ctors.65434"); // priority 101, as ld orders .ctors.N
    REQUIRE(ctors);
    CHECK(ctors->kind == CtorKind::Ctors);
    CHECK(ctors->priority == 101);
    CHECK(ctor_section_name(*ctors) == ".ctors.65434");
    CHECK(ctor_section_name(*parse_ctor_section(".fini_array.101")) == ".fini_array.00101");
    CHECK_FALSE(parse_ctor_section(".init_array.123456"));
    CHECK_FALSE(parse_ctor_section(".init_array.x"));
    CHECK_FALSE(parse_ctor_section(".ctorsx"));
    CHECK_FALSE(parse_ctor_section(".text"));

    std::string name = deferred_section_name(*ctors, kDigest);
    CHECK(name == "km_ctors_" + kDigest + "_p00101");
    auto back = parse_deferred_section(name);
    REQUIRE(back);
    CHECK(back->section.kind == CtorKind::Ctors);
    CHECK(back->section.priority == 101);
    CHECK(back->digest == kDigest);
    CHECK(deferred_section_name(*plain, kDigest) == "km_init_" + kDigest);
    CHECK(parse_deferred_section("km_init_" + kDigest)->section.priority == -1);
    CHECK_FALSE(parse_deferred_section("km_init_nothex"));
    CHECK_FALSE(parse_deferred_section("km_other_" + kDigest));
}

TEST_CASE("conventions: module states in kmpack's words") {
    CHECK(to_string(ModuleState::UpToDate) == "up to date");
    CHECK(to_string(ModuleState::Failed) == "failed");
    CHECK(to_string(ListState::NotInManifest) == "not in modules.txt");
    CHECK(BuildLayout{"/b"}.record() == "/b/kmpack-build.json");
    CHECK(ModuleLayout{"/b/modules/p"}.record() == "/b/modules/p/kmpack-module.json");
}
