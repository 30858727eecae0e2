#!/bin/sh
# Checks that every tracked C/C++ file is formatted as .clang-format (LLVM
# style) says, judged by `clang-format --dry-run -Werror`, and lists the files
# that are not with the command that fixes them.
#
#   scripts/check-format.sh
#
# check-tgc runs it (test/format/clang-format.test) when clang-format 14 is
# installed (Debian 12's, which build.sh installs): the tree is formatted with
# it, and other versions break some lines differently. CLANG_FORMAT names the
# binary to use; the default is clang-format-14, else clang-format.
#
# Not checked: test inputs (test/**/Inputs/), which are data for the tests.
# Exit status: 0 formatted, 1 some files are not, 2 cannot check.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check-format: $root is not a git checkout (the check lists tracked files)" >&2
  exit 2
fi

clang_format=${CLANG_FORMAT:-}
if [ -z "$clang_format" ]; then
  clang_format=$(command -v clang-format-14 || command -v clang-format || true)
fi
if [ -z "$clang_format" ] || ! version=$("$clang_format" --version 2>/dev/null); then
  echo "check-format: clang-format not found (install Debian's clang-format" \
       "package or set CLANG_FORMAT)" >&2
  exit 2
fi
case "$version" in
*"version 14."*) ;;
*) echo "check-format: warning: the tree is formatted with clang-format 14;" \
        "$version may disagree on some lines" >&2 ;;
esac

files=$(mktemp)
trap 'rm -f "$files"' EXIT
git ls-files -- '*.c' '*.cpp' '*.h' '*.hpp' ':(glob,exclude)test/**/Inputs/**' >"$files"

count=0
bad=
while IFS= read -r file; do
  [ -f "$file" ] || continue # deleted but not yet committed
  count=$((count + 1))
  if ! "$clang_format" --dry-run -Werror "$file" >/dev/null 2>&1; then
    bad="$bad
$file"
  fi
done <"$files"

if [ -z "$bad" ]; then
  echo "check-format: all $count C/C++ files are formatted"
  exit 0
fi
bad=$(echo "$bad" | sed '/^$/d')
echo "check-format: $(echo "$bad" | wc -l | tr -d ' ') of $count C/C++ files are not formatted as .clang-format says:" >&2
echo "$bad" | sed 's/^/  /' >&2
first=$(echo "$bad" | head -n 1)
echo "check-format: the first one, as clang-format would have it:" >&2
"$clang_format" "$first" | diff -u "$first" - | head -n 30 >&2 || true
tool=$(basename "$clang_format")
echo "check-format: fix with \`$tool -i FILE...\` in $root:" >&2
echo "  $tool -i $(echo "$bad" | paste -sd ' ' -)" >&2
exit 1
