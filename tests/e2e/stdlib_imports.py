"""Imports every standard module a lib-dynload directory holds as shared.

    python.km stdlib_imports.py LIB_DYNLOAD KMPACK_BUILD_JSON

A module kmpack left out must be named, with its reason, in the notes of the
interpreter's module in kmpack-build.json; every other one must import.
"""
import importlib
import json
import os
import sys

lib_dynload, build_json = sys.argv[1], sys.argv[2]
names = sorted({f.split(".")[0] for f in os.listdir(lib_dynload) if f.endswith(".so")})
with open(build_json) as f:
    build = json.load(f)
notes = [n for m in build["modules"] if m["name"] == "python" for n in m["notes"]]
left_out = {n.split(".")[0]: n.split(": left out: ", 1)[1] for n in notes if ": left out: " in n}
left_out = {name: why for name, why in left_out.items() if name in names}

failed = []
for name in names:
    if name in left_out:
        print(f"left out: {name}: {left_out[name]}")
        continue
    try:
        module = importlib.import_module(name)
    except Exception as e:  # noqa: BLE001 - every failure is reported
        failed.append(f"{name}: {e!r}")
        continue
    # It is the one linked into python.km, not a file from elsewhere.
    origin = getattr(module.__spec__, "origin", "") or ""
    if lib_dynload in origin:
        failed.append(f"{name}: imported from {origin}")
# A few of them at work.
if not failed:
    import bz2, decimal, hashlib, json, lzma, sqlite3, ssl, zoneinfo  # noqa: E401,F401

    db = sqlite3.connect(":memory:")
    assert db.execute("select sqlite_version(), 6 * 7").fetchone()[1] == 42
    assert hashlib.md5(b"kmpack").hexdigest() == "111ee77786ad04bc75f114e0d6fb5be3"
    assert hashlib.sha256(b"").hexdigest().startswith("e3b0c442")
    assert ssl.create_default_context().verify_mode == ssl.CERT_REQUIRED
    assert json.loads(json.dumps({"a": [1, 2.5]})) == {"a": [1, 2.5]}
    assert decimal.Decimal("1.1") + decimal.Decimal("2.2") == decimal.Decimal("3.3")
    assert lzma.decompress(lzma.compress(b"x" * 1000)) == b"x" * 1000
    assert bz2.decompress(bz2.compress(b"y" * 1000)) == b"y" * 1000
    print("sqlite3, hashlib, ssl, json, decimal, lzma, bz2: working")
print(f"{len(names) - len(left_out) - len(failed)} of {len(names)} shared standard modules imported, "
      f"{len(left_out)} left out, {len(failed)} failed")
for f in failed:
    print("FAILED", f)
sys.exit(1 if failed or len(names) < 30 else 0)
