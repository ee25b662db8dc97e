#!/bin/sh
# Checks (default) or applies (--fix) the project's clang-format style on
# every C source and header under include/, src/, tests/ and bench/.
cd "$(dirname "$0")/.." || exit 1
files=$(find include src tests bench -name '*.[ch]' | sort)
if [ "${1:-}" = "--fix" ]; then
  exec clang-format -i $files
fi
exec clang-format --dry-run -Werror $files
