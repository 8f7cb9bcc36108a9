#include "kmpack/outcomes.h"

#include "kmpack/error.h"

#include <algorithm>
#include <chrono>

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
        status_.finish(modules_[i].name, std::string(to_string(ModuleState::Failed)), seconds(i));
        if (fatal || !keep_going_)
            throw;
    }
}

bool Outcomes::failed(size_t i) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return modules_[i].failed();
}

void Outcomes::work(size_t i, const std::function<void()> &fn, bool fatal) {
    auto start = std::chrono::steady_clock::now();
    auto add = [&] {
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::lock_guard<std::mutex> lock(mutex_);
        modules_[i].seconds += s;
    };
    guard(
        i,
        [&] {
            try {
                fn();
            } catch (...) {
                add(); // before guard() reports the failure with the time
                throw;
            }
            add();
        },
        fatal);
    status_.idle(modules_[i].name);
}

double Outcomes::seconds(size_t i) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return modules_[i].seconds;
}

void Outcomes::end_build(size_t i, bool built) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (modules_[i].failed())
            return;
        modules_[i].build_seconds = modules_[i].seconds;
        modules_[i].announced = built;
    }
    if (built)
        status_.finish(modules_[i].name, std::string(to_string(ModuleState::Built)), seconds(i));
}

void Outcomes::finish(size_t i, ModuleState state, std::vector<SoRecord> shared_objects, bool pure, bool library) {
    std::string status;
    bool said;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        modules_[i].state = state;
        modules_[i].shared_objects = std::move(shared_objects);
        modules_[i].pure = pure;
        modules_[i].library = library;
        status = modules_[i].status();
        said = modules_[i].announced && state == ModuleState::Built;
    }
    if (said)
        status_.idle(modules_[i].name);
    else
        status_.finish(modules_[i].name, status, seconds(i));
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
