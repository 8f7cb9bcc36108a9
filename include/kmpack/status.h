// What the library says while it works, and what it is told nothing else
// about: the seam between the pipeline and whoever shows its progress (the
// terminal's Progress, a test's recorder).
#pragma once

#include <string>

namespace kmpack {

class Status {
public:
    virtual ~Status() = default;
    // A module (or "python.km") enters a phase: fetch, build, analyse, rename, link, ...
    virtual void phase(const std::string &module, const std::string &what) = 0;
    // A module is finished: to_string(ModuleState), or the link's summary,
    // and the seconds of its own work (not of waiting for others).
    virtual void finish(const std::string &module, const std::string &status, double seconds) = 0;
    // A module waits (for a later stage, or for the others): it is shown as
    // running again at its next phase.
    virtual void idle(const std::string &module) = 0;
    // A line of information; `verbose` lines show only with -v.
    virtual void note(const std::string &line, bool verbose = false) = 0;
    // A line that always shows, even with -q.
    virtual void always(const std::string &line) = 0;
};

} // namespace kmpack
