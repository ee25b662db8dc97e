#!/bin/sh
# Runs a test under valgrind's memcheck: any error or leak fails the test.
exec valgrind --quiet --error-exitcode=99 --leak-check=full \
  --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
  "$@"
