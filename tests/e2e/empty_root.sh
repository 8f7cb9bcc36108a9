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
