#!/usr/bin/env bash
# Regenerates the ELF seeds of fuzz_elf (fuzz/corpus/fuzz_elf/): a tiny
# relocatable object, shared object and static archive made with gcc and ar
# (and, with clang, 32-bit and big-endian ones), each well under 4 KB. The committed seeds came from this script (Debian 12,
# gcc 12); run it again only to refresh them.
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)/corpus/fuzz_elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
flags=(-Os -g0 -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-ident -fPIC)

# Every kind of symbol kmpack sorts: global, hidden, weak, TLS, data,
# undefined, a constructor; and in the archive member a common symbol.
cat > a.c <<'C'
int counter;
static int hidden_helper(int x) { return x + 1; }
__attribute__((visibility("hidden"))) int hid(int x) { return hidden_helper(x); }
__attribute__((weak)) int weak_fn(void) { return 2; }
__thread int tls_var = 3;
const int data_var[4] = {1, 2, 3, 4};
extern int undefined_fn(int);
int PyInit_a(void) { return undefined_fn(counter) + hid(1) + weak_fn() + tls_var + data_var[0]; }
__attribute__((constructor)) static void init(void) { counter = 1; }
C
printf 'int b_fn(void) { return 7; }\nint b_common;\n' > b.c

gcc "${flags[@]}" -c a.c -o a.o
strip --strip-unneeded -R .comment -R .note.GNU-stack a.o -o tiny.o
gcc "${flags[@]}" -shared -nostdlib -Wl,--build-id=none -Wl,-z,norelro -Wl,-z,noseparate-code \
  -Wl,--unresolved-symbols=ignore-all a.o -o a.so
strip -R .comment a.so -o tiny.so
chmod -x tiny.so
# A member name longer than 15 characters makes ar write the "//" name table.
gcc "${flags[@]}" -fcommon -c b.c -o a_member_with_a_long_name.o
strip --strip-unneeded -R .comment a_member_with_a_long_name.o
ar rcD tiny.a tiny.o a_member_with_a_long_name.o

cp tiny.o tiny.so tiny.a "$out/"

# Other ELF classes and byte orders, through clang's cross targets (no libc
# needed): a 32-bit little-endian .o and .so, a 64-bit big-endian .o.
if command -v clang >/dev/null && command -v ld.lld >/dev/null && command -v llvm-strip-19 >/dev/null; then
  cflags=(-Os -g0 -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-ident -fPIC)
  clang -target i386-linux-gnu "${cflags[@]}" -c a.c -o i386.o
  clang -target powerpc64-linux-gnu "${cflags[@]}" -c a.c -o ppc64be.o
  clang -target i386-linux-gnu -fuse-ld=lld "${cflags[@]}" -shared -nostdlib -Wl,--build-id=none \
    -Wl,--unresolved-symbols=ignore-all a.c -o i386.so
  llvm-strip-19 --strip-unneeded -R .comment -R .note.GNU-stack -R .llvm_addrsig i386.o ppc64be.o
  llvm-strip-19 -R .comment i386.so
  chmod -x i386.so
  cp i386.o ppc64be.o i386.so "$out/"
else
  echo "make-elf-seeds.sh: clang, ld.lld or llvm-strip-19 missing: no 32-bit or big-endian seeds" >&2
fi
head -c 100 tiny.a > "$out/truncated.a"
printf '!<arch>\n' > "$out/empty.a"
ls -l "$out"
