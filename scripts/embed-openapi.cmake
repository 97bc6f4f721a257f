# cmake -DIN=docs/openapi.json -DOUT=.../openapi_document.cc -P embed-openapi.cmake
# Writes the JSON as a C++ raw string (split in pieces: a compiler's literal limit is 64 KiB).
file(READ ${IN} text)
string(LENGTH "${text}" len)
set(out "// Generated from docs/openapi.json by scripts/embed-openapi.cmake; do not edit.\n#include \"serve/openapi.h\"\n\nnamespace memconn {\n\nstd::string_view openapi_document() {\n  static const char text[] =\n")
set(pos 0)
while(pos LESS len)
  string(SUBSTRING "${text}" ${pos} 8000 piece)
  string(APPEND out "      R\"openapi(${piece})openapi\"\n")
  math(EXPR pos "${pos} + 8000")
endwhile()
string(APPEND out "      \"\";\n  return std::string_view(text, sizeof text - 1);\n}\n\n}  // namespace memconn\n")
file(WRITE ${OUT} "${out}")
