#include "tag_filter.h"

#include <algorithm>
#include <set>

namespace standin {
namespace {

const std::initializer_list<std::string_view> kModes = {"any", "all", "any_strict", "all_strict", "exact"};

bool read_group(simdjson::dom::element v, const Loc& loc, Violations& errs, TagGroup& out) {
  simdjson::dom::object obj;
  if (!read_model(v, loc, errs, obj)) return false;
  simdjson::dom::element child;
  if (!obj.at_key("and").get(child) || !obj.at_key("or").get(child)) {
    bool is_and = !obj.at_key("and").get(child);
    out.kind = is_and ? TagGroup::Kind::And : TagGroup::Kind::Or;
    reject_unknown(obj, loc, {is_and ? "and" : "or"}, errs);
    simdjson::dom::array arr;
    if (child.get_array().get(arr)) {
      errs.add(loc / std::string(is_and ? "and" : "or"), "list_type", "Input should be a valid list", child);
      return false;
    }
    long long i = 0;
    for (auto c : arr) {
      TagGroup g;
      if (!read_group(c, loc / std::string(is_and ? "and" : "or") / i++, errs, g)) return false;
      out.children.push_back(std::move(g));
    }
    return true;
  }
  if (!obj.at_key("not").get(child)) {
    out.kind = TagGroup::Kind::Not;
    reject_unknown(obj, loc, {"not"}, errs);
    TagGroup g;
    if (!read_group(child, loc / std::string("not"), errs, g)) return false;
    out.children.push_back(std::move(g));
    return true;
  }
  out.kind = TagGroup::Kind::Leaf;
  reject_unknown(obj, loc, {"tags", "match"}, errs);
  require(obj, loc, "tags", errs);
  if (!obj.at_key("tags").get(child) && !read_string_list(child, loc / std::string("tags"), errs, out.tags)) return false;
  if (!obj.at_key("match").get(child) && !read_enum(child, loc / std::string("match"), errs, kModes, out.match))
    return false;
  return true;
}

}  // namespace

bool tags_match(const std::vector<std::string>& memory_tags, const std::vector<std::string>& wanted,
                const std::string& mode) {
  auto has = [&](const std::string& t) { return std::find(memory_tags.begin(), memory_tags.end(), t) != memory_tags.end(); };
  bool untagged = memory_tags.empty();
  if (mode == "exact") {
    return std::set<std::string>(memory_tags.begin(), memory_tags.end()) ==
           std::set<std::string>(wanted.begin(), wanted.end());
  }
  if (wanted.empty()) return true;
  bool any = std::any_of(wanted.begin(), wanted.end(), has);
  bool all = std::all_of(wanted.begin(), wanted.end(), has);
  if (mode == "any") return untagged || any;
  if (mode == "all") return untagged || all;
  if (mode == "any_strict") return !untagged && any;
  if (mode == "all_strict") return !untagged && all;
  return false;
}

bool TagGroup::matches(const std::vector<std::string>& memory_tags) const {
  switch (kind) {
    case Kind::Leaf: return tags_match(memory_tags, tags, match);
    case Kind::And:
      return std::all_of(children.begin(), children.end(), [&](const TagGroup& g) { return g.matches(memory_tags); });
    case Kind::Or:
      return std::any_of(children.begin(), children.end(), [&](const TagGroup& g) { return g.matches(memory_tags); });
    case Kind::Not: return !children.front().matches(memory_tags);
  }
  return false;
}

bool TagFilter::matches(const std::vector<std::string>& memory_tags) const {
  for (const auto& g : groups)
    if (!g.matches(memory_tags)) return false;
  // Without tags every mode but exact is unfiltered; exact then selects untagged memories.
  if (!tags || tags->empty()) return match != "exact" || memory_tags.empty();
  return tags_match(memory_tags, *tags, match);
}

void read_tag_filter(simdjson::dom::object body, Violations& errs, TagFilter& out) {
  simdjson::dom::element v;
  if (!body.at_key("tags").get(v) && !v.is_null()) {
    std::vector<std::string> tags;
    if (read_string_list(v, Loc{std::string("body"), std::string("tags")}, errs, tags)) out.tags = std::move(tags);
  }
  if (!body.at_key("tags_match").get(v)) read_enum(v, Loc{std::string("body"), std::string("tags_match")}, errs, kModes, out.match);
  if (!body.at_key("tag_groups").get(v) && !v.is_null()) {
    simdjson::dom::array arr;
    Loc loc{std::string("body"), std::string("tag_groups")};
    if (v.get_array().get(arr)) {
      errs.add(loc, "list_type", "Input should be a valid list", v);
      return;
    }
    long long i = 0;
    for (auto g : arr) {
      TagGroup group;
      if (read_group(g, loc / i++, errs, group)) out.groups.push_back(std::move(group));
    }
  }
}

}  // namespace standin
