// One turn, one line. The server's structured chunker keeps a line whole, and Hindsight's own
// chat import sends one turn per line, so a turn's text must not hold a line break. This is
// the one place that decides how a multi-line message (code, lists, paragraphs) becomes a
// line; docs/ingest.md ("Chat exports") states the same rules:
//   - line breaks are CR LF, CR, LF, U+0085, U+2028 and U+2029;
//   - each line loses its trailing spaces and tabs (indentation is kept: code stays legible);
//   - blank lines at the start and end go, and a run of blank lines inside counts as one;
//   - the lines are joined by the two characters '\' 'n', so "a\n\nb" reads `a\n\nb`: the
//     convention of JSON and of every language model's training text, while a real backslash
//     followed by 'n' in the message stays as it is (the text is for reading, not for
//     reversing);
//   - control characters other than tab are dropped (the server strips them when it stores
//     the text, and the digest must match what is stored); leading whitespace of the turn too.
// An empty result means the turn shows nothing and is skipped.
#pragma once
#include <string>
#include <string_view>

namespace memconn {

std::string flatten_turn_text(std::string_view text);

}  // namespace memconn
