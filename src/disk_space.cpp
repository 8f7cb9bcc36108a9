#include "kmpack/disk_space.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/statvfs.h>

namespace kmpack {

std::optional<uintmax_t> free_space(const fs::path &path) {
    fs::path p = path.empty() ? fs::path(".") : path;
    std::error_code ec;
    while (!fs::exists(p, ec) && p.has_parent_path() && p.parent_path() != p)
        p = p.parent_path();
    struct statvfs st {};
    if (::statvfs(p.c_str(), &st) != 0)
        return std::nullopt;
    return static_cast<uintmax_t>(st.f_bavail) * st.f_frsize;
}

namespace {

std::string megabytes(uintmax_t bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

} // namespace

std::string no_space_text(const fs::path &dir, std::optional<uintmax_t> free, uintmax_t needed) {
    std::string amount = free ? megabytes(*free) + " free" : "free space unknown";
    if (needed > 0)
        amount += ", up to " + megabytes(needed) + " needed";
    return "no space left on device (" + dir.string() + ": " + amount +
           "); free some space there and run the command again";
}

std::string no_space_text(const fs::path &dir) { return no_space_text(dir, free_space(dir)); }

fs::path fullest(const std::vector<fs::path> &dirs) {
    fs::path best = dirs.empty() ? fs::path(".") : dirs.front();
    std::optional<uintmax_t> least;
    for (const auto &d : dirs) {
        std::optional<uintmax_t> free = free_space(d);
        if (free && (!least || *free < *least)) {
            least = free;
            best = d;
        }
    }
    return best;
}

fs::path temp_dir() {
    const char *tmp = std::getenv("TMPDIR");
    return tmp && *tmp ? fs::path(tmp) : fs::path("/tmp");
}

bool is_disk_full(int err) { return err == ENOSPC || err == EDQUOT; }

bool is_disk_full(const std::error_code &ec) {
    return (ec.category() == std::generic_category() || ec.category() == std::system_category()) &&
           is_disk_full(ec.value());
}

void throw_write_error(const fs::path &file, const std::string &what, int err) {
    if (is_disk_full(err))
        throw NoSpaceError(file.string() + ": cannot write: " +
                           no_space_text(file.has_parent_path() ? file.parent_path() : fs::path(".")));
    throw Error(file.string() + ": " + what + ": " + std::strerror(err));
}

bool says_no_space(std::string_view output) {
    return output.find(std::strerror(ENOSPC)) != std::string_view::npos ||
           output.find(std::strerror(EDQUOT)) != std::string_view::npos;
}

bool killed_by_sigbus(const CommandResult &result, std::string_view output) {
    if (result.signal == SIGBUS)
        return true;
    // gcc's collect2: "ld terminated with signal 7 [Bus error]"; clang:
    // "unable to execute command: Bus error"; a shell: "Bus error".
    return output.find("signal 7 [Bus error]") != std::string_view::npos ||
           output.find("Bus error") != std::string_view::npos;
}

bool ran_out_of_space(const CommandResult &result, std::string_view output, std::optional<uintmax_t> free_before,
                      std::optional<uintmax_t> free_after, uintmax_t needed) {
    if (result.ok())
        return false;
    if (says_no_space(output))
        return true;
    if (!killed_by_sigbus(result, output))
        return false;
    return (free_before && *free_before < std::max(needed, kLowSpace)) || (free_after && *free_after < kLowSpace);
}

} // namespace kmpack
