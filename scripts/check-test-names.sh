#!/bin/sh
# CTest registers one entry per doctest case and cuts its name at ';' (CMake's list
# separator): such an entry filters on half the name, runs zero cases and passes. Refuse them.
# Usage: check-test-names.sh SOURCE_DIR
if grep -rnE 'TEST_CASE\("[^"]*;' "$1/src" "$1/tests"; then
  echo "check-test-names: the test names above contain ';', so ctest would never run them; use ' - '" >&2
  exit 1
fi
