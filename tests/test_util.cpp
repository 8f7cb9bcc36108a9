#include "test_util.h"

#include <cstdlib>
#include <unistd.h>

namespace kmpack::test {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kmpack-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path compile_c(const std::filesystem::path &dir, const std::string &name, const std::string &source,
                                const std::vector<std::string> &flags, const std::string &output) {
    write_file_atomic(dir / name, source);
    std::vector<std::string> argv = {"gcc"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), {name, "-o", output});
    run(argv, dir);
    return dir / output;
}

std::string run(const std::vector<std::string> &argv, const std::filesystem::path &cwd) {
    Command c;
    c.argv = argv;
    c.cwd = cwd;
    return read_output(system_runner(), c);
}

CommandRunner &system_runner() {
    static SystemRunner runner;
    return runner;
}

} // namespace kmpack::test
