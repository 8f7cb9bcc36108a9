#include "kmpack/outcomes.h"

#include "kmpack/error.h"

#include <algorithm>

namespace kmpack {

Outcomes::Outcomes(std::vector<ModuleOutcome> modules, bool keep_going, Status &status)
    : modules_(std::move(modules)), keep_going_(keep_going), status_(status) {}

void Outcomes::guard(size_t i, const std::function<void()> &fn, bool fatal) {
    if (failed(i))
        return;
    try {
        fn();
    } catch (const Error &e) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (modules_[i].failed())
                return; // two .so of one module failed at once: the first one says why
            modules_[i].state = ModuleState::Failed;
            modules_[i].error = e.what();
        }
        status_.finish(modules_[i].name, std::string(to_string(ModuleState::Failed)));
        if (fatal || !keep_going_)
            throw;
    }
}

bool Outcomes::failed(size_t i) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return modules_[i].failed();
}

void Outcomes::clock(size_t i) {
    double now = status_.elapsed(modules_[i].name);
    std::lock_guard<std::mutex> lock(mutex_);
    modules_[i].seconds = std::max(modules_[i].seconds, now);
}

void Outcomes::finish(size_t i, ModuleState state, std::vector<SoRecord> shared_objects, bool pure, bool library) {
    std::string status;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        modules_[i].state = state;
        modules_[i].shared_objects = std::move(shared_objects);
        modules_[i].pure = pure;
        modules_[i].library = library;
        status = modules_[i].status();
    }
    status_.finish(modules_[i].name, status);
}

std::string ModuleOutcome::status() const {
    std::string s(to_string(state));
    if (failed())
        return s;
    return library ? s + ", C library" : pure ? s + ", pure Python" : s;
}

bool Outcomes::ok() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::none_of(modules_.begin(), modules_.end(), [](const ModuleOutcome &m) { return m.failed(); });
}

} // namespace kmpack
