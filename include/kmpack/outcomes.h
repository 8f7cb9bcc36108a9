// How each module of a build ended, and the --keep-going rule: an Error in a
// module's step fails that module (recorded once, the first error winning,
// and reported), and ends the build unless keep_going. Safe to use from the
// jobs of parallel stages.
#pragma once

#include "kmpack/conventions.h"
#include "kmpack/records.h"
#include "kmpack/status.h"

#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace kmpack {

struct ModuleOutcome {
    std::string name;
    ModuleState state = ModuleState::Built;
    std::string error; // when failed
    std::filesystem::path log;
    double seconds = 0;       // its own work: building, analysing, renaming; not waiting
    double build_seconds = 0; // of which its build stage: check, fetch, build (the rest: analyse, rename)
    bool announced = false;   // its "built" line was printed when its build ended
    std::vector<SoRecord> shared_objects;
    bool pure = false; // its build made no .so at all: a pure-Python package
    bool library = false; // a C library line (build=cmake, autotools, meson): static archives, no Python
    bool failed() const { return state == ModuleState::Failed; }
    // "built", "up to date", "failed"; ", pure Python" after the first two
    // for a pure package, ", C library" for a library line.
    std::string status() const;
};

class Outcomes {
public:
    Outcomes(std::vector<ModuleOutcome> modules, bool keep_going, Status &status);

    // Runs `fn` for module `i` unless the module failed already. An Error
    // from it fails the module, and is rethrown unless keep_going; always
    // with `fatal` (a step nothing else can go on without).
    void guard(size_t i, const std::function<void()> &fn, bool fatal = false);
    // guard(), and the time `fn` took is module i's own work (summed: two
    // .so of one module renamed at once count twice, as two jobs' work).
    void work(size_t i, const std::function<void()> &fn, bool fatal = false);
    bool failed(size_t i) const;
    // Module i's build stage ended (its package was built, or found
    // current): its time so far is its build time. When `built`, its
    // "built" line is printed now, not when the whole build ends.
    void end_build(size_t i, bool built);
    // Sets what a finished module reports; printed unless built() said it.
    void finish(size_t i, ModuleState state, std::vector<SoRecord> shared_objects, bool pure = false,
                bool library = false);
    bool keep_going() const { return keep_going_; }

    bool ok() const;
    const std::vector<ModuleOutcome> &modules() const { return modules_; }
    std::vector<ModuleOutcome> take() { return std::move(modules_); }

private:
    double seconds(size_t i) const;

    std::vector<ModuleOutcome> modules_;
    bool keep_going_;
    Status &status_;
    mutable std::mutex mutex_;
};

} // namespace kmpack
