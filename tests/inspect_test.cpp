#include "kmpack/inspect.h"

#include "kmpack/renamed_archive.h"
#include "kmpack/artifacts.h"
#include "kmpack/digest.h"
#include "kmpack/error.h"
#include "kmpack/rename_plan.h"
#include "test_util.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace kmpack;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string inspect_text(const fs::path &file) {
    std::ostringstream out;
    inspect_file(file, false, out);
    return out.str();
}

json inspect_json(const fs::path &file) {
    std::ostringstream out;
    inspect_file(file, true, out);
    std::string text = out.str();
    REQUIRE(!text.empty());
    CHECK(text.back() == '\n');
    return json::parse(text);
}

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// The line of `text` that holds `part`.
std::string line_with(const std::string &text, const std::string &part) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (contains(line, part))
            return line;
    return "";
}

// The message of the Error inspect_file throws for `file`.
std::string inspect_error(const fs::path &file) {
    std::ostringstream out;
    try {
        inspect_file(file, false, out);
    } catch (const Error &e) {
        return e.what();
    }
    FAIL("no Error for " << file);
    return "";
}

const char *kModuleSource = "__attribute__((visibility(\"hidden\"))) int hidden_helper(void) { return 7; }\n"
                            "int shared_counter;\n"
                            "extern int from_b(void); extern int getpid(void);\n"
                            "int PyInit_m(void) { return getpid() + hidden_helper() + from_b(); }\n"
                            "__attribute__((constructor(200))) static void ctor(void) { shared_counter = 1; }\n";

// m.so made of m.o and b.o, and its plan as kmpack builds it.
struct SoFixture {
    test::TempDir dir;
    SoPlan plan;

    SoFixture() {
        fs::path d = dir.path();
        test::compile_c(d, "m.c", kModuleSource, {"-c", "-fPIC"}, "m.o");
        test::compile_c(d, "b.c", "int from_b(void) { return 2; }\n", {"-c", "-fPIC"}, "b.o");
        std::vector<std::string> argv = {"gcc", "-shared", "m.o", "b.o", "-o", "m.so"};
        test::run(argv, d);
        CaptureRecord r;
        r.cwd = d;
        r.argv = argv;
        std::string md5 = md5_file(d / "m.so");
        plan = plan_shared_object(parse_link(r, d, {}), "pkg/m.so", d, md5, md5);
    }
};

} // namespace

TEST_CASE("inspect: an object's globals, visibility, references and constructors") {
    test::TempDir dir;
    fs::path o = test::compile_c(dir.path(), "m.c", kModuleSource, {"-c", "-fPIC"}, "m.o");
    std::string text = inspect_text(o);
    CHECK(contains(text, o.string() + ": relocatable object (x86-64)"));
    CHECK(contains(line_with(text, "hidden_helper"), "hidden"));
    CHECK(contains(line_with(text, "hidden_helper"), "function"));
    CHECK(contains(line_with(text, "PyInit_m"), "default"));
    CHECK(contains(line_with(text, "shared_counter"), "4"));
    CHECK(line_with(text, "from_b") == "  from_b");
    CHECK(contains(line_with(text, ".init_array.00200"), "constructors"));
    // Columns line up: every defined global's kind starts at the same place.
    CHECK(line_with(text, "  PyInit_m").find("function") == line_with(text, "  hidden_helper").find("function"));

    json j = inspect_json(o);
    CHECK(j["file"] == o.string());
    CHECK(j["kind"] == "object");
    REQUIRE(j["defined"].size() == 3);
    CHECK(j["defined"][0]["name"] == "PyInit_m"); // sorted
    CHECK(j["defined"][1]["name"] == "hidden_helper");
    CHECK(j["defined"][1]["visibility"] == "hidden");
    const json &undefined = j["undefined"];
    CHECK(std::count(undefined.begin(), undefined.end(), json{{"name", "from_b"}}) == 1);
    CHECK(std::count(undefined.begin(), undefined.end(), json{{"name", "getpid"}}) == 1);
    REQUIRE(j["constructor_sections"].size() == 1);
    CHECK(j["constructor_sections"][0]["priority"] == 200);
}

TEST_CASE("inspect: a .so without kmpack artifacts") {
    SoFixture f;
    std::string text = inspect_text(f.dir / "m.so");
    CHECK(contains(text, (f.dir / "m.so").string() + ": shared object (x86-64)"));
    CHECK(contains(text, "not analysed by kmpack yet"));
    CHECK(contains(line_with(text, "PyInit_m"), "function"));
    CHECK(!contains(text, "hidden_helper"));

    json j = inspect_json(f.dir / "m.so");
    CHECK(j["kind"] == "shared-object");
    CHECK(j["artifact"].is_null());
    CHECK(j["md5"] == f.plan.md5);
}

TEST_CASE("inspect: a .so with its base.km.json shows id, renamed names and objects") {
    SoFixture f;
    write_file_atomic(f.dir / "m.km.json", artifact_text(artifact_record(f.plan)));
    std::string md5 = f.plan.md5;
    std::string text = inspect_text(f.dir / "m.so");
    CHECK(contains(text, "m_" + md5 + "_km"));
    CHECK(contains(text, "pkg/m.so"));
    CHECK(contains(line_with(text, "renamed globals"), "4"));
    std::string pyinit = line_with(text, "PyInit_m ");
    CHECK(contains(pyinit, "PyInit_m_" + md5 + "_km"));
    CHECK(contains(pyinit, "m.o"));
    CHECK(contains(line_with(text, "from_b "), "b.o"));

    json j = inspect_json(f.dir / "m.so");
    CHECK(j["artifact"]["id"] == f.plan.id);
    CHECK(j["artifact"]["path"] == "pkg/m.so");
    CHECK(j["artifact"]["stale"] == false);
    CHECK(j["artifact"]["renamed_globals"] == 4);
    bool found = false;
    for (const auto &e : j["exports"])
        if (e["name"] == "from_b") {
            found = true;
            CHECK(e["renamed"] == "from_b_" + md5 + "_km");
            CHECK(e["object"] == "b.o");
        }
    CHECK(found);
}

TEST_CASE("inspect: base.km.json summary") {
    SoFixture f;
    fs::path file = f.dir / "m.km.json";
    write_file_atomic(file, artifact_text(artifact_record(f.plan)));
    std::string md5 = f.plan.md5;
    std::string text = inspect_text(file);
    CHECK(contains(text, file.string() + ": kmpack artifact of m.so"));
    CHECK(contains(line_with(text, "id "), f.plan.id));
    CHECK(contains(text, "objects (2):"));
    CHECK(contains(line_with(text, "b.o"), md5_file(f.dir / "b.o")));
    std::string pyinit = line_with(text, "PyInit_m ");
    CHECK(pyinit.find("->") < pyinit.find("PyInit_m_" + md5 + "_km"));
    CHECK(contains(pyinit, "function"));
    CHECK(contains(line_with(text, ".init_array.00200"), "km_init_" + md5 + "_p00200"));

    json j = inspect_json(file);
    CHECK(j["kind"] == "kmpack-artifact");
    CHECK(j["id"] == f.plan.id);
    CHECK(j["exports"].size() == f.plan.exports.size());
    CHECK(j["renamed_globals"] == 4);
}

TEST_CASE("inspect: a renamed .km.lib.a shows each member's original names") {
    SoFixture f;
    fs::path a = f.dir / "m.km.lib.a";
    write_file_atomic(a, renamed_archive(f.plan));
    std::string md5 = f.plan.md5;
    std::string text = inspect_text(a);
    CHECK(contains(text, a.string() + ": archive, 2 members"));
    CHECK(contains(text, "member 000-m.o: relocatable object"));
    CHECK(contains(text, "member 001-b.o: relocatable object"));
    std::string pyinit = line_with(text, "PyInit_m_" + md5 + "_km ");
    CHECK(contains(pyinit, "(renamed from PyInit_m, digest " + md5 + ")"));
    CHECK(contains(line_with(text, "hidden_helper_"), "hidden"));
    CHECK(contains(line_with(text, "km_init_" + md5 + "_p00200"), "(renamed from .init_array.00200, digest " + md5));
    CHECK(contains(line_with(text, "from_b_" + md5 + "_km  "), "renamed from from_b"));

    json j = inspect_json(a);
    CHECK(j["kind"] == "archive");
    REQUIRE(j["members"].size() == 2);
    CHECK(j["members"][0]["name"] == "000-m.o");
    CHECK(j["members"][1]["defined"][0]["original"] == "from_b");
    CHECK(j["members"][1]["defined"][0]["digest"] == md5);
}

TEST_CASE("inspect: renamed names split into original and digest") {
    auto r = split_renamed("PyInit_m_0123456789abcdef0123456789abcdef_km");
    REQUIRE(r);
    CHECK(r->original == "PyInit_m");
    CHECK(r->digest == "0123456789abcdef0123456789abcdef");
    CHECK(!split_renamed("PyInit_m"));
    CHECK(!split_renamed("_0123456789abcdef0123456789abcdef_km"));
    CHECK(!split_renamed("x_0123456789abcdef0123456789abcdeg_km"));
}

TEST_CASE("inspect: errors name the file") {
    test::TempDir dir;
    fs::path o = test::compile_c(dir.path(), "m.c", kModuleSource, {"-c", "-fPIC"}, "m.o");
    std::string bytes = read_file(o);

    fs::path truncated = dir / "truncated.o";
    write_file_atomic(truncated, bytes.substr(0, bytes.size() / 2));
    fs::path header_only = dir / "header.o";
    write_file_atomic(header_only, bytes.substr(0, 10));
    fs::path text = dir / "notes.txt";
    write_file_atomic(text, "just some words\n");
    fs::path other_json = dir / "x.km.json";
    write_file_atomic(other_json, "{\"modules\": []}\n");
    fs::path bad_artifact = dir / "y.km.json";
    write_file_atomic(bad_artifact, "{\"kmpack_artifact\": 1, \"so_name\": 3}\n");
    fs::path exe = test::compile_c(dir.path(), "main.c", "int main(void) { return 0; }\n", {"-no-pie"}, "exe");

    for (const fs::path &file : {truncated, header_only, text, other_json, bad_artifact, dir / "missing.o", exe}) {
        CAPTURE(file);
        std::string message = inspect_error(file);
        CHECK(message.rfind(file.string() + ": ", 0) == 0);
    }
    CHECK(contains(inspect_error(text), "not a .so, .o, .a or kmpack base.km.json"));
    CHECK(contains(inspect_error(other_json), "kmpack_artifact"));
}

TEST_CASE("inspect: the kind comes from the magic, in the ELF header's byte order") {
    test::TempDir dir;
    fs::path be_rel = dir / "be.o", be_exec = dir / "be-exec", be_core = dir / "core", be_other = dir / "be-os";
    fs::path short_elf = dir / "short.o", thin = dir / "thin.a";
    write_file_atomic(be_rel, test::elf_header(true, 1));
    write_file_atomic(be_exec, test::elf_header(true, 2));
    write_file_atomic(be_core, test::elf_header(true, 4));
    write_file_atomic(be_other, test::elf_header(true, 0xfe00)); // ET_LOOS
    write_file_atomic(short_elf, test::elf_header(true, 1).substr(0, 17));
    write_file_atomic(thin, "!<thin>\n");

    json d = describe_file(be_rel);
    CHECK(d["kind"] == "object");
    CHECK(d["file"] == be_rel.string());

    CHECK(inspect_error(be_exec) ==
          be_exec.string() + ": ELF executable (ET_EXEC), not a shared object (.so) or relocatable object (.o)");
    CHECK(inspect_error(be_core).rfind(be_core.string() + ": ELF core file", 0) == 0);
    CHECK(inspect_error(be_other).rfind(be_other.string() + ": ELF file of another type", 0) == 0);
    CHECK(inspect_error(short_elf) == short_elf.string() + ": truncated ELF header (17 bytes)");
    CHECK(inspect_error(thin).rfind(thin.string() + ": a thin or big (AIX) archive", 0) == 0);
}
