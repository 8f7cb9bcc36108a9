"""Checks every artifact of a kmpack build against what nm and md5sum say.

Usage: check_artifacts.py BUILD_DIR PAYLOAD_INCLUDE_DIR
Exits non-zero with a message naming the .so and the artifact on the first
mismatch; prints "N passed, 0 failed" at the end.
"""
import json
import os
import subprocess
import sys
import tempfile

LINKER_SYMBOLS = {"_init", "_fini", "_edata", "_end", "__bss_start", "__end__"}


def run(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def nm_globals(args, defined_only=True):
    """Names of global definitions nm reports (any visibility)."""
    out = run("nm", "--defined-only" if defined_only else "-A", *args)
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and (parts[1].isupper() or parts[1] in "uvw") and parts[1] not in "NU":
            names.add(parts[2])
    return names


def archive_member_globals(archive, member):
    """Globals defined by one member of an archive (by extracting it)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["ar", "x", os.path.abspath(archive), member], cwd=tmp, check=True)
        return nm_globals([os.path.join(tmp, member)])


class Checker:
    def __init__(self):
        self.passed = 0

    def expect(self, condition, what):
        if not condition:
            print("FAILED: " + what, file=sys.stderr)
            print(f"{self.passed} passed, 1 failed")
            sys.exit(1)
        self.passed += 1


def main():
    build_dir, include_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(build_dir, "kmpack-build.json")) as f:
        build = json.load(f)
    c = Checker()
    seen_ids = set()
    # What the library lines' archives define (C libraries built from source):
    # a .so that links one exports its functions too, yet they are not the
    # package's; python.km links the library once, and the .so's table
    # leaves them out, each named in skipped_exports.
    library_globals = set()
    for prefix in build.get("libraries", []):
        lib = os.path.join(build_dir, prefix, "lib")
        archives = [os.path.join(lib, f) for f in os.listdir(lib) if f.endswith(".a")]
        c.expect(archives, f"{prefix}: a library line's prefix with no archive")
        for archive in archives:
            library_globals |= nm_globals([archive])
    for module in build["modules"]:
        work = os.path.join(build_dir, "modules", module["name"])
        if module is build["modules"][0] and build["interpreter_dir"]:
            work = build["interpreter_dir"]  # a built interpreter's objects are in the cache
        lib_dir = os.path.join(build_dir, module["lib_dir"])
        if not module["shared_objects"]:
            # A pure-Python package: nothing to post-process, and truly no .so.
            files = [os.path.join(d, f) for d, _, fs in os.walk(lib_dir) for f in fs]
            c.expect(files and not [f for f in files if f.endswith(".so")],
                     f"{module['name']}: no .so recorded, yet its lib/ is empty or holds a .so")
            c.expect(any(f.endswith(".py") for f in files), f"{module['name']}: a pure package with no .py file")
            continue
        for so in module["shared_objects"]:
            so_path = os.path.join(lib_dir, so["path"])
            stem = os.path.join(build_dir, so["artifacts"])
            where = f"{module['name']}: {so['path']}"
            with open(stem + ".json") as f:
                meta = json.load(f)
            md5 = run("md5sum", so_path).split()[0]
            c.expect(meta["md5"] == md5, f"{where}: .km.json md5 {meta['md5']} != md5sum {md5}")
            c.expect(meta["path"] == so["path"], f"{where}: .km.json path {meta['path']}")
            c.expect(meta["id"] not in seen_ids, f"{where}: id {meta['id']} used twice")
            seen_ids.add(meta["id"])
            digest = meta["digest"]
            c.expect(meta["id"].endswith("_" + digest + "_km"), f"{where}: id {meta['id']} does not end in the digest")

            exports = nm_globals(["-D", so_path]) - LINKER_SYMBOLS
            listed = {e["name"] for e in meta["exports"]}
            from_libraries = (exports - listed) & library_globals
            skipped = {s.split(":")[0] for s in meta["skipped_exports"]
                       if s.endswith(": not defined by the package's objects")}
            c.expect(from_libraries <= skipped,
                     f"{where}: exports {sorted(from_libraries - skipped)} of a library line not in skipped_exports")
            exports -= from_libraries
            c.expect(listed == exports, f"{where}: exports {sorted(listed ^ exports)} differ from nm -D")

            # The symmap renames exactly the globals the .so's objects define.
            defined = set()
            for obj in meta["objects"]:
                name = obj["name"]
                if name.endswith(")") and "(" in name:
                    archive, member = name[:-1].split("(", 1)
                    defined |= archive_member_globals(os.path.join(work, archive), member)
                else:
                    defined |= nm_globals([os.path.join(work, name)])
            with open(stem + ".symmap") as f:
                pairs = [line.split() for line in f.read().splitlines()]
            c.expect(all(len(p) == 2 for p in pairs), f"{where}: .km.symmap has a line that is not 'old new'")
            old = [p[0] for p in pairs]
            c.expect(old == sorted(old), f"{where}: .km.symmap is not sorted")
            c.expect(set(old) == defined, f"{where}: .km.symmap differs from the objects' globals: "
                     f"{sorted(set(old) ^ defined)}")
            c.expect(all(new == o + "_" + digest + "_km" for o, new in pairs), f"{where}: a renamed name is off")
            c.expect(exports <= set(old), f"{where}: an export is not renamed")

            # The renamed archive defines nothing under an original name.
            archive_globals = nm_globals([stem + ".lib.a"])
            stray = {g for g in archive_globals if not g.endswith("_" + digest + "_km")}
            c.expect(not stray, f"{where}: .km.lib.a defines un-renamed globals {sorted(stray)[:5]}")
            c.expect({p[1] for p in pairs} <= archive_globals, f"{where}: .km.lib.a misses renamed globals")

            with tempfile.TemporaryDirectory() as tmp:
                subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-c", "-I", include_dir,
                                stem + ".symbols.c", "-o", os.path.join(tmp, "s.o")], check=True)
            c.passed += 1

            placeholder_dir = os.path.join(build_dir, "dist", "lib", os.path.dirname(so["path"]))
            id_file = os.path.join(placeholder_dir, os.path.basename(so["path"])[:-3] + ".km.id")
            with open(id_file) as f:
                c.expect(f.read().strip() == meta["id"], f"{where}: {id_file} does not hold the id")
    print(f"{c.passed} passed, 0 failed")


if __name__ == "__main__":
    main()
