// A second translation unit of _core: its static constructor fills the same registry.
#include "kmpybind.h"

static kmpybind::Registrar core_extra("core:extra");

int core_extra_answer() { return static_cast<int>(kmpybind::registry().size()); }
