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
    double seconds = 0;
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
    bool failed(size_t i) const;
    // Takes the module's time so far from the status (its clock runs from its first phase).
    void clock(size_t i);
    // Sets what a finished module reports.
    void finish(size_t i, ModuleState state, std::vector<SoRecord> shared_objects, bool pure = false,
                bool library = false);
    bool keep_going() const { return keep_going_; }

    bool ok() const;
    const std::vector<ModuleOutcome> &modules() const { return modules_; }
    std::vector<ModuleOutcome> take() { return std::move(modules_); }

private:
    std::vector<ModuleOutcome> modules_;
    bool keep_going_;
    Status &status_;
    mutable std::mutex mutex_;
};

} // namespace kmpack
