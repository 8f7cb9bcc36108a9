#include "helpers.hpp"

namespace kmcpp {

long checked_div(long a, long b) {
    if (b == 0) throw std::runtime_error("kmcpp: division by zero");
    return a / b;
}

void raise_km_error(int code) {
    throw KmError("kmcpp: KmError code " + std::to_string(code), code);
}

int bump_from_helpers() {
    Registry<std::string>::add("from-helpers");
    return ++instance_counter();
}

std::string join(const std::vector<std::string> &parts, const std::string &sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += sep;
        out += parts[i];
    }
    return out;
}

}  // namespace kmcpp
