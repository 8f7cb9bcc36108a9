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

std::string elf_header(bool big_endian, uint16_t type) {
    std::string h(64, '\0');
    h.replace(0, 4, "\x7f" "ELF");
    h[4] = 2;                  // ELFCLASS64
    h[5] = big_endian ? 2 : 1; // ELFDATA2MSB / ELFDATA2LSB
    h[6] = 1;                  // EV_CURRENT
    h[0x34] = big_endian ? 0 : 64; // e_ehsize
    h[0x35] = big_endian ? 64 : 0;
    h[big_endian ? 16 : 17] = static_cast<char>(type >> 8);
    h[big_endian ? 17 : 16] = static_cast<char>(type & 0xff);
    return h;
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
