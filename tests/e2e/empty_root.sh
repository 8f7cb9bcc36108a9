# Sourced by the e2e scripts that run python.km in an empty root.
# in_root_command ROOT: sets the array in_root to the command prefix that
# runs a program with ROOT as its root (chroot as root, else in a user
# namespace), or exits 77 (skipped) when neither is at hand, saying how many
# checks ($passed) passed before.
in_root_command() {
  local chroot
  chroot=$(command -v chroot || echo /usr/sbin/chroot)
  if [ "$(id -u)" -eq 0 ]; then
    in_root=("$chroot" "$1")
  elif unshare -r true 2>/dev/null; then
    in_root=("$(command -v unshare)" -r "$chroot" "$1")
  else
    echo "skipped: the empty-root checks need root or user namespaces (${passed:-0} passed before)"
    exit 77
  fi
}

# write_root_checks ROOT SOURCE_DIR STDLIB_MODULES: ROOT/checks/ gets every
# example's kmcheck.py (as <example>.py) and stdlib.py, which asserts the
# root is empty and imports STDLIB_MODULES (comma-separated).
write_root_checks() {
  local root=$1 src=$2 modules=$3 check
  mkdir -p "$root/checks"
  for check in "$src"/examples/*/kmcheck.py; do
    cp "$check" "$root/checks/$(basename "$(dirname "$check")").py"
  done
  cat >"$root/checks/stdlib.py" <<PY
import importlib, os
assert not os.path.exists("/usr") and not os.path.exists("/etc"), "not an empty root"
for name in "$modules".split(","):
    importlib.import_module(name)
print("ok stdlib: $modules")
PY
}
