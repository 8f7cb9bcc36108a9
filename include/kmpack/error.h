// Errors that reach the user. Each carries the file (and line, where there
// is one) it is about; the CLI reports it once, at the top.
#pragma once

#include <stdexcept>
#include <string>

namespace kmpack {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string &message) : std::runtime_error(message) {}
};

} // namespace kmpack
