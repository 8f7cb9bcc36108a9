// What a build says while it runs. On a terminal: one live line per running
// module with its phase and elapsed time. Elsewhere (or --progress=plain):
// one line per event. Lines from parallel work never interleave.
#pragma once

#include "kmpack/status.h"

#include <chrono>
#include <map>
#include <mutex>
#include <ostream>
#include <condition_variable>
#include <string>
#include <thread>
#include <vector>

namespace kmpack {

enum class ProgressStyle { Live, Plain, Quiet };
enum class Verbosity { Quiet, Normal, Verbose };

class Progress : public Status {
public:
    // `live` needs a terminal; `color` is off under NO_COLOR.
    Progress(std::ostream &out, ProgressStyle style, Verbosity verbosity, bool color);
    ~Progress() override;

    void phase(const std::string &module, const std::string &what) override;
    void finish(const std::string &module, const std::string &status, double seconds) override;
    void idle(const std::string &module) override;
    void note(const std::string &line, bool verbose = false) override;
    void always(const std::string &line) override;
    // Green/red words when colour is on.
    std::string good(const std::string &s) const;
    std::string bad(const std::string &s) const;

private:
    using Clock = std::chrono::steady_clock;
    struct Running {
        std::string phase;
        Clock::time_point start;
    };
    void print_locked(const std::string &line);
    void redraw_locked();
    void clear_locked();

    std::ostream &out_;
    ProgressStyle style_;
    Verbosity verbosity_;
    bool color_;
    mutable std::mutex mutex_;
    std::map<std::string, Running> running_; // the modules at work now, each since its phase began
    std::map<std::string, std::string> said_; // the last phase printed of each module (plain)
    size_t drawn_ = 0; // live lines on screen
    bool stopping_ = false;
    std::condition_variable wake_;
    std::thread ticker_; // redraws live lines so their clocks move
};

} // namespace kmpack
