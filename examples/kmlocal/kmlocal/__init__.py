"""kmlocal: extensions linking a package-local static library."""
