#include "kmpack/fs.h"

#include "kmpack/disk_space.h"
#include "kmpack/error.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <limits>
#include <signal.h>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kmpack {

namespace {

// A file open for reading, closed when it goes out of scope.
class InputFile {
public:
    explicit InputFile(const fs::path &path) : path_(path), fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
        if (fd_ < 0)
            throw Error(path.string() + ": cannot open: " + std::strerror(errno));
    }
    ~InputFile() { ::close(fd_); }
    InputFile(const InputFile &) = delete;
    InputFile &operator=(const InputFile &) = delete;

    // The size fstat reports, or 0 when it cannot tell.
    size_t size_hint() const {
        struct stat st {};
        return ::fstat(fd_, &st) == 0 && st.st_size > 0 ? static_cast<size_t>(st.st_size) : 0;
    }
    // Up to `size` bytes into `buf`; 0 at the end of the file.
    size_t read(char *buf, size_t size) {
        for (;;) {
            ssize_t n = ::read(fd_, buf, size);
            if (n >= 0)
                return static_cast<size_t>(n);
            if (errno != EINTR)
                throw Error(path_.string() + ": read error: " + std::strerror(errno));
        }
    }

private:
    fs::path path_;
    int fd_;
};

} // namespace

std::string read_file(const fs::path &path) {
    InputFile file(path);
    std::string out(file.size_hint(), '\0');
    size_t used = 0;
    for (;;) {
        if (used == out.size())
            out.resize(std::max<size_t>(4096, out.size() * 2));
        size_t n = file.read(out.data() + used, out.size() - used);
        if (n == 0)
            break;
        used += n;
    }
    out.resize(used);
    return out;
}

void read_file_chunks(const fs::path &path, size_t chunk, const std::function<void(std::string_view)> &use) {
    InputFile file(path);
    std::vector<char> buf(std::max<size_t>(chunk, 1));
    for (size_t n; (n = file.read(buf.data(), buf.size())) > 0;)
        use(std::string_view(buf.data(), n));
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = std::min(text.find('\n', start), text.size());
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> words;
    size_t at = 0;
    while (true) {
        at = text.find_first_not_of(" \t\n\r\f\v", at);
        if (at == std::string_view::npos)
            return words;
        size_t end = std::min(text.find_first_of(" \t\n\r\f\v", at), text.size());
        words.emplace_back(text.substr(at, end - at));
        at = end;
    }
}

fs::path temporary_sibling(const fs::path &path) {
    static std::atomic<unsigned> counter{0};
    return path.parent_path() /
           ("." + path.filename().string() + ".tmp." + std::to_string(getpid()) + "." +
            std::to_string(counter.fetch_add(1)));
}

long temporary_owner(std::string_view file_name) {
    // "." name ".tmp." pid "." n, and perhaps ".tmp" + a linker's own suffix
    size_t tmp = file_name.rfind(".tmp.");
    if (!file_name.starts_with(".") || tmp == std::string_view::npos || tmp == 0)
        return 0;
    std::string_view rest = file_name.substr(tmp + 5);
    if (size_t own = rest.find(".tmp"); own != std::string_view::npos)
        rest = rest.substr(0, own);
    size_t dot = rest.find('.');
    if (dot == 0 || dot == std::string_view::npos || dot + 1 == rest.size())
        return 0;
    auto digits = [](std::string_view s) {
        return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
    };
    std::string_view pid = rest.substr(0, dot);
    if (!digits(pid) || !digits(rest.substr(dot + 1)) || pid.size() > 10)
        return 0;
    long value = std::stol(std::string(pid));
    return value <= std::numeric_limits<pid_t>::max() ? value : 0;
}

void discard_temporary(const fs::path &path) {
    std::error_code ec;
    fs::remove(path, ec);
    std::string own = path.filename().string() + ".tmp";
    for (fs::directory_iterator it(path.parent_path(), ec), end; !ec && it != end; it.increment(ec))
        if (it->path().filename().string().starts_with(own))
            fs::remove(it->path(), ec);
}

std::vector<fs::path> remove_stale_temporaries(const fs::path &dir) {
    std::vector<fs::path> stale;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        long pid = temporary_owner(it->path().filename().string());
        // ESRCH: no such process. Alive, or not ours to ask (EPERM): it stays.
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            stale.push_back(it->path());
    }
    std::sort(stale.begin(), stale.end());
    for (const auto &p : stale) {
        fs::remove_all(p, ec);
        if (ec)
            throw Error(p.string() + ": cannot remove a dead run's temporary: " + ec.message());
    }
    return stale;
}

std::string log_tail(const fs::path &log, size_t lines) {
    std::string text;
    try {
        text = read_file(log);
    } catch (const Error &) {
        return {};
    }
    auto all = split_lines(text);
    std::string out;
    for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
        out += "  | " + std::string(all[i]) + "\n";
    return out;
}

void append_file(const fs::path &path, std::string_view text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        throw_write_error(path, "cannot open for appending", errno);
    ssize_t n = ::write(fd, text.data(), text.size());
    int saved = errno;
    ::close(fd);
    // A short write: the disk filled up after the part that went.
    if (n != static_cast<ssize_t>(text.size()))
        throw_write_error(path, "cannot append", n < 0 ? saved : ENOSPC);
}

std::string filesystem_error_text(const fs::filesystem_error &e) {
    std::string what = e.what();
    constexpr std::string_view kTag = "filesystem error: ";
    if (what.starts_with(kTag))
        what.erase(0, kTag.size());
    if (size_t bracket = what.find(" ["); bracket != std::string::npos)
        what.resize(bracket);
    std::string where = e.path1().string();
    if (!e.path2().empty())
        where += " -> " + e.path2().string();
    if (is_disk_full(e.code())) {
        // Where it ran out: a copy's target, else the file written.
        fs::path written = e.path2().empty() ? e.path1() : e.path2();
        what = "cannot write: " + no_space_text(written.has_parent_path() ? written.parent_path() : fs::path("."));
    }
    return where.empty() ? what : where + ": " + what;
}

fs::path in_build(const fs::path &path, const fs::path &build_dir) {
    return is_within(path, build_dir) ? fs::path(relative_below(path, build_dir)) : path;
}

std::string size_text(uintmax_t bytes) {
    const char *units[] = {"B", "KB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes);
    size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return buf;
}

void write_file_atomic(const fs::path &path, std::string_view content) {
    if (path.has_parent_path())
        fs::create_directories(path.parent_path());
    fs::path tmp = temporary_sibling(path);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw_write_error(tmp, "cannot create", errno);
    const char *p = content.data();
    size_t left = content.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw_write_error(path, "write failed", e);
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    if (::close(fd) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw_write_error(path, "write failed", e);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw_write_error(path, "cannot rename into place", e);
    }
}

std::string relative_below(const fs::path &path, const fs::path &base) {
    fs::path rel = path.lexically_normal().lexically_relative(base.lexically_normal());
    if (rel.empty() || *rel.begin() == "..")
        throw Error(path.string() + ": not below " + base.string());
    return rel.generic_string();
}

bool is_within(const fs::path &path, const fs::path &dir) {
    fs::path rel = path.lexically_normal().lexically_relative(dir.lexically_normal());
    return !rel.empty() && *rel.begin() != "..";
}

FileLock::FileLock(const fs::path &path, const std::string &what, bool wait) {
    if (path.has_parent_path())
        fs::create_directories(path.parent_path());
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw Error(path.string() + ": cannot open lock: " + std::strerror(errno));
    int r;
    while ((r = ::flock(fd_, wait ? LOCK_EX : LOCK_EX | LOCK_NB)) != 0 && errno == EINTR) {
    }
    if (r != 0) {
        ::close(fd_);
        throw Error(what + " is in use by another kmpack (" + path.string() + " is locked); wait for it to finish");
    }
}

FileLock::~FileLock() {
    if (fd_ >= 0)
        ::close(fd_);
}

void copy_tree(const fs::path &from, const fs::path &to) {
    std::error_code ec;
    fs::create_directories(to, ec);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (is_disk_full(ec))
        throw NoSpaceError(from.string() + ": cannot copy to " + to.string() + ": " + no_space_text(to));
    if (ec)
        throw Error(from.string() + ": cannot copy to " + to.string() + ": " + ec.message());
    // Each file's modification time as in `from` (make compares them: an
    // autotools source's configure must stay newer than its configure.ac).
    for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (it->is_symlink() || !it->is_regular_file())
            continue;
        std::error_code ignored;
        fs::path copy = to / it->path().lexically_relative(from);
        fs::last_write_time(copy, fs::last_write_time(it->path(), ignored), ignored);
    }
}

} // namespace kmpack
