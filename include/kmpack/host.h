// What the library is handed to reach the outside world: the runner of the
// commands it starts and the status it reports to. The CLI passes the real
// ones (SystemRunner, Progress); tests pass a FakeRunner that records argv
// and replays output, and a recording Status.
#pragma once

#include "kmpack/process.h"
#include "kmpack/status.h"

namespace kmpack {

struct Host {
    CommandRunner &runner;
    Status &status;
};

} // namespace kmpack
