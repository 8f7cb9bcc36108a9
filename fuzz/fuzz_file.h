// A per-process file that each fuzz input is written to, for the kmpack
// functions that take a path. It is a memfd read back through
// /proc/self/fd/N (nothing on disk, nothing left behind); where memfd or
// /proc is missing, an unlinked-at-exit mkstemp file in $TMPDIR or /tmp.
#pragma once

#include "kmpack/error.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cxxabi.h>
#include <exception>
#include <string>
#include <sys/mman.h>
#include <typeinfo>
#include <unistd.h>

namespace kmpack_fuzz {

class InputFile {
public:
    InputFile() {
        fd_ = ::memfd_create("kmpack-fuzz-input", MFD_CLOEXEC);
        if (fd_ >= 0) {
            path_ = "/proc/self/fd/" + std::to_string(fd_);
            if (::access(path_.c_str(), R_OK) == 0)
                return;
            ::close(fd_);
        }
        const char *dir = std::getenv("TMPDIR");
        std::string templ = std::string(dir && *dir ? dir : "/tmp") + "/kmpack-fuzz-XXXXXX";
        fd_ = ::mkstemp(templ.data());
        if (fd_ < 0)
            die("mkstemp");
        path_ = templ;
        temporary_ = true;
    }
    ~InputFile() {
        if (temporary_)
            ::unlink(path_.c_str());
        ::close(fd_);
    }
    InputFile(const InputFile &) = delete;
    InputFile &operator=(const InputFile &) = delete;

    // Replaces the file's content with `data`; returns its path.
    const std::string &write(const uint8_t *data, size_t size) {
        if (::ftruncate(fd_, 0) != 0)
            die("ftruncate");
        size_t done = 0;
        while (done < size) {
            ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                die("pwrite");
            done += static_cast<size_t>(n);
        }
        return path_;
    }

private:
    [[noreturn]] static void die(const char *what) {
        std::fprintf(stderr, "kmpack fuzz: %s: %s\n", what, std::strerror(errno));
        std::abort();
    }
    int fd_ = -1;
    std::string path_;
    bool temporary_ = false;
};

// The process's input file (libFuzzer runs one input at a time per process).
inline InputFile &input_file() {
    static InputFile file;
    return file;
}

// Runs `body`: kmpack::Error is an expected outcome; any other exception is a
// finding, reported with its type and message before aborting so that
// libFuzzer saves the input.
template <class Body>
void run_guarded(const char *target, Body &&body) {
    try {
        body();
    } catch (const kmpack::Error &) {
    } catch (const std::exception &e) {
        int status = 0;
        char *type = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
        std::fprintf(stderr, "%s: unexpected exception %s: %s\n", target, type ? type : typeid(e).name(), e.what());
        std::free(type);
        std::abort();
    } catch (...) {
        std::fprintf(stderr, "%s: unexpected exception that is not a std::exception\n", target);
        std::abort();
    }
}

} // namespace kmpack_fuzz
