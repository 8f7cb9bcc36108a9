"""kmcpp: C++17 extension (static init, exceptions, COMDAT)."""
