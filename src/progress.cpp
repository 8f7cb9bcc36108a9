#include "kmpack/progress.h"

#include <cstdio>

namespace kmpack {

Progress::Progress(std::ostream &out, ProgressStyle style, Verbosity verbosity, bool color)
    : out_(out), style_(style), verbosity_(verbosity), color_(color) {
    if (style_ != ProgressStyle::Live)
        return;
    ticker_ = std::thread([this] {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopping_; }))
            if (!running_.empty())
                redraw_locked();
    });
}

Progress::~Progress() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        clear_locked();
        out_ << std::flush;
    }
    wake_.notify_all();
    if (ticker_.joinable())
        ticker_.join();
}

std::string Progress::good(const std::string &s) const { return color_ ? "\033[32m" + s + "\033[0m" : s; }
std::string Progress::bad(const std::string &s) const { return color_ ? "\033[31m" + s + "\033[0m" : s; }

void Progress::clear_locked() {
    if (style_ != ProgressStyle::Live || drawn_ == 0)
        return;
    out_ << "\033[" << drawn_ << "A\033[J";
    drawn_ = 0;
}

void Progress::redraw_locked() {
    if (style_ != ProgressStyle::Live)
        return;
    clear_locked();
    auto now = Clock::now();
    for (const auto &[module, r] : running_) {
        char line[256];
        std::snprintf(line, sizeof line, "  %-20s %-10s %6.1fs", module.c_str(), r.phase.c_str(),
                      std::chrono::duration<double>(now - r.start).count());
        out_ << line << "\n";
        ++drawn_;
    }
    out_ << std::flush;
}

void Progress::print_locked(const std::string &line) {
    clear_locked();
    out_ << line << "\n";
    redraw_locked();
    out_ << std::flush;
}

void Progress::phase(const std::string &module, const std::string &what) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, added] = running_.try_emplace(module, Running{what, Clock::now()});
    if (!added)
        it->second.phase = what; // the clock shown runs from when the module went back to work
    // A phase said once per module: the renaming of 76 .so is one line.
    if (style_ == ProgressStyle::Plain && verbosity_ != Verbosity::Quiet && said_[module] != what) {
        said_[module] = what;
        print_locked(module + ": " + what);
    }
    else
        redraw_locked();
}

void Progress::idle(const std::string &module) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (running_.erase(module))
        redraw_locked();
}

void Progress::finish(const std::string &module, const std::string &status, double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    running_.erase(module);
    if (verbosity_ == Verbosity::Quiet && status != "failed") {
        redraw_locked();
        return;
    }
    char line[256];
    std::string word = status == "failed" ? bad(status) : good(status);
    std::snprintf(line, sizeof line, "%s: %s (%.1fs)", module.c_str(), word.c_str(), seconds);
    print_locked(line);
}

void Progress::note(const std::string &line, bool verbose) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (verbosity_ == Verbosity::Quiet || (verbose && verbosity_ != Verbosity::Verbose))
        return;
    print_locked(line);
}

void Progress::always(const std::string &line) {
    std::lock_guard<std::mutex> lock(mutex_);
    print_locked(line);
}

} // namespace kmpack
