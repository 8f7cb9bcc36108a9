// Running independent jobs on a few threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kmpack {

// Calls fn(i) for every i in [0, count) on up to `jobs` threads. The first
// exception (lowest index) is rethrown after every started job has finished;
// once one job fails, no new job starts.
inline void parallel_for(size_t count, unsigned jobs, const std::function<void(size_t)> &fn) {
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    size_t failed_index = count;
    std::exception_ptr error;
    auto worker = [&] {
        for (;;) {
            size_t i = next.fetch_add(1);
            if (i >= count || failed.load())
                return;
            try {
                fn(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mutex);
                if (i < failed_index) {
                    failed_index = i;
                    error = std::current_exception();
                }
                failed = true;
            }
        }
    };
    unsigned n = static_cast<unsigned>(std::min<size_t>(std::max(1u, jobs), count));
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < n; ++t)
        threads.emplace_back(worker);
    worker();
    for (auto &t : threads)
        t.join();
    if (error)
        std::rethrow_exception(error);
}

} // namespace kmpack
