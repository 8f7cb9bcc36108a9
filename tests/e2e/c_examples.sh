# Sourced. c_examples_manifest SOURCE_DIR OUT: OUT is SOURCE_DIR/modules.txt
# without the Rust examples (kmrusta, kmrustb), its relative sources made
# absolute. For the tests whose subject is the C and C++ compiles (compiler
# launchers, which rustc does not go through; the interpreter built from
# --cpython): the Rust examples, each some two minutes of cargo on 2 cores,
# are built by e2e_build, e2e_reproducible and the others.
c_examples_manifest() {
  grep -Ev '^kmrust[ab][[:space:]]' "$1/modules.txt" |
    sed -E "s#^([A-Za-z0-9_.-]+[[:space:]]+)examples/#\\1$1/examples/#" >"$2"
}
