// Hindsight's tag scoping for recall/reflect: `tags` + `tags_match`, and the compound
// `tag_groups` (leaves AND-ed at the top level, with and/or/not nodes).
#pragma once

#include <simdjson.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "validation.h"

namespace standin {

// any        OR,  untagged memories included
// all        AND, untagged memories included
// any_strict OR,  untagged excluded
// all_strict AND, untagged excluded
// exact      set equality; no tags selects untagged memories only
bool tags_match(const std::vector<std::string>& memory_tags, const std::vector<std::string>& wanted,
                const std::string& mode);

struct TagGroup {
  enum class Kind { Leaf, And, Or, Not } kind = Kind::Leaf;
  std::vector<std::string> tags;  // Leaf
  std::string match = "any_strict";  // Leaf
  std::vector<TagGroup> children;  // And/Or: all; Not: exactly one

  bool matches(const std::vector<std::string>& memory_tags) const;
};

struct TagFilter {
  std::optional<std::vector<std::string>> tags;
  std::string match = "any";
  std::vector<TagGroup> groups;

  bool matches(const std::vector<std::string>& memory_tags) const;
};

// Reads tags / tags_match / tag_groups from a recall or reflect body.
void read_tag_filter(simdjson::dom::object body, Violations& errs, TagFilter& out);

}  // namespace standin
