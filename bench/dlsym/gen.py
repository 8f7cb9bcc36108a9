#!/usr/bin/env python3
"""Generates the benchmark's sources into OUT_DIR (nothing here is committed).

  names.txt   the 5,000 exported names, one a line, in a fixed random order
  lib.c       defines them (int objects, value = line number); built as a
              real .so for glibc, and linked into the static binary for km_dl
  table.c     km_dl registration of the same set (sorted by strcmp), plus
              1,000 libraries with package paths for the dlopen benchmark
  paths.txt   the 1,000 package-relative paths

Usage: gen.py OUT_DIR [NSYMS] [NLIBS]
"""
import random
import sys

out = sys.argv[1]
nsyms = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
nlibs = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
rng = random.Random(20240601)

# Names shaped like a C extension's exports: shared prefixes, varied tails.
prefixes = ["PyInit_", "__pyx_pw_", "__pyx_pf_", "_cffi_", "np_", "Py", "_Py", "lxml_",
            "xmlSec", "ssl_", "EVP_", "sqlite3_", "z", "crc32_", "yaml_", "ffi_"]
syllables = ["get", "set", "new", "free", "parse", "read", "write", "buffer", "node", "list",
             "dict", "iter", "next", "init", "fini", "hash", "str", "bytes", "array", "type",
             "error", "state", "ctx", "key", "value", "object", "module", "method", "call",
             "count", "size", "len", "copy", "from", "to", "as", "is", "check", "format"]
names = set()
while len(names) < nsyms:
    parts = [rng.choice(syllables) for _ in range(rng.randint(1, 4))]
    sep = rng.choice(["_", ""])
    name = rng.choice(prefixes) + sep.join(parts)
    if rng.random() < 0.3:
        name += str(rng.randint(0, 99))
    if name[0].isdigit():
        continue
    names.add(name)
names = sorted(names)
rng.shuffle(names)

with open(f"{out}/names.txt", "w") as f:
    f.write("".join(n + "\n" for n in names))

with open(f"{out}/lib.c", "w") as f:
    for i, n in enumerate(names):
        f.write(f"int {n} = {i};\n")

words = ["falcon", "routing", "media", "numpy", "core", "linalg", "random", "lxml", "yaml",
         "crypto", "hazmat", "bindings", "pandas", "_libs", "tslibs", "window", "io", "sas"]
files = ["uri", "_multiarray_umath", "etree", "_yaml", "_openssl", "hashtable", "lib",
         "parsers", "_speedups", "cython_special", "_rust", "algos", "ops", "writers"]
paths = set()
while len(paths) < nlibs:
    depth = rng.randint(1, 4)
    d = "/".join(rng.choice(words) + str(rng.randint(0, 9)) for _ in range(depth))
    paths.add(f"{d}/{rng.choice(files)}.cpython-311-x86_64-linux-gnu.so")
paths = sorted(paths)
rng.shuffle(paths)
with open(f"{out}/paths.txt", "w") as f:
    f.write("".join(p + "\n" for p in paths))

with open(f"{out}/table.c", "w") as f:
    f.write('#include "km_dl.h"\n')
    for n in names:
        f.write(f"extern int {n};\n")
    f.write("static const km_dl_symbol syms[] = {\n")
    for n in sorted(names, key=lambda s: s.encode()):
        f.write(f'\t{{"{n}", &{n}, sizeof(int)}},\n')
    f.write("};\n")
    f.write('static const km_dl_library bench_lib = {KM_DL_ABI_VERSION, 0, "libbench.so", '
            '"bench/libbench.so", "libbench_km", syms, sizeof syms / sizeof *syms, 0, 0, 0, 0, 0, 0};\n')
    f.write("static const km_dl_symbol one[] = {{\"PyInit_x\", (void *)syms, 0}};\n")
    f.write("static const km_dl_library libs[] = {\n")
    for i, p in enumerate(paths):
        name = p.rsplit("/", 1)[1]
        f.write(f'\t{{KM_DL_ABI_VERSION, 0, "{name}", "{p}", "lib{i}_km", one, 1, 0, 0, 0, 0, 0, 0}},\n')
    f.write("};\n")
    f.write("__attribute__((constructor)) static void register_all(void)\n{\n"
            "\tkm_dl_register(&bench_lib);\n"
            "\tfor (unsigned long i = 0; i < sizeof libs / sizeof *libs; i++)\n"
            "\t\tkm_dl_register(&libs[i]);\n}\n")
