// kmpack-capture: the compiler wrapper used while building a package.
#include "kmpack/capture.h"

int main(int argc, char **argv) { return kmpack::capture_main(argc, argv); }
