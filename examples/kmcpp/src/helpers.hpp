#ifndef KMCPP_HELPERS_HPP
#define KMCPP_HELPERS_HPP
#include <stdexcept>
#include <string>
#include <vector>

namespace kmcpp {

// Inline function with a static local: emitted as a COMDAT in every TU that
// uses it; the static local becomes an STB_GNU_UNIQUE object ("u" in nm).
inline int &instance_counter() {
    static int c = 0;
    return c;
}

// Template with a constant-initialized static data member and a member
// function with a static local: more unique/COMDAT objects. (The vector is a
// function-local static so it is safe to use from another static ctor.)
template <typename T>
struct Registry {
    static int adds;
    static std::vector<T> &items() {
        static std::vector<T> v;
        return v;
    }
    static void add(const T &v) {
        items().push_back(v);
        ++adds;
        ++instance_counter();
    }
    static std::size_t size() { return items().size(); }
};
template <typename T>
int Registry<T>::adds = 0;

template <typename T>
T sum(const std::vector<T> &v) {
    T acc{};
    for (const auto &x : v) acc += x;
    return acc;
}

// Custom exception type: its typeinfo is a weak COMDAT symbol shared by
// helpers.cpp (thrower) and _cpp.cpp (catcher).
struct KmError : std::runtime_error {
    int code;
    KmError(const std::string &m, int c) : std::runtime_error(m), code(c) {}
};

// Defined in helpers.cpp.
long checked_div(long a, long b);        // throws std::runtime_error
void raise_km_error(int code);           // throws KmError
int bump_from_helpers();                 // uses instance_counter() in other TU
std::string join(const std::vector<std::string> &parts, const std::string &sep);

}  // namespace kmcpp
#endif
