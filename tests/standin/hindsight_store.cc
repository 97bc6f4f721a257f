#include "hindsight_store.h"

#include <algorithm>

#include "ids.h"
#include "text.h"

namespace standin::hindsight {
namespace {

// Hindsight's default HINDSIGHT_API_RETAIN_BATCH_TOKENS: async work is split into child
// operations of at most this many tokens (~4 chars each).
constexpr size_t kBatchTokens = 10000;

std::string seen_key(const std::string& bank, const std::string& doc) { return bank + '\n' + doc; }

size_t tokens_of(const std::string& s) { return (s.size() + 3) / 4; }

void add_field(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out.push_back(':');
  out += s;
}

void add_optional(std::string& out, const std::optional<std::string>& s) {
  if (s) add_field(out, *s);
  else out += "~";
}

// Identity of a retain request's payload. The server replays a known operation_id whatever
// the payload; the stand-in counts the replays whose payload differed, which lose that text.
std::string fingerprint(const RetainInput& in) {
  std::string f;
  for (const auto& it : in.items) {
    f += "{";
    add_field(f, it.content);
    add_optional(f, it.timestamp);
    add_optional(f, it.context);
    add_optional(f, it.document_id);
    add_optional(f, it.strategy);
    add_optional(f, it.observation_scopes);
    add_optional(f, it.update_mode);
    for (const auto& [k, v] : it.metadata) add_field(f, k), add_field(f, v);
    f += "|";
    for (const auto& t : it.tags) add_field(f, t);
    f += "|";
    for (const auto& e : it.entities) add_field(f, e.text), add_optional(f, e.type);
    f += it.resolve_entities ? "r}" : "n}";
  }
  if (in.document_tags)
    for (const auto& t : *in.document_tags) add_field(f, t);
  return sha256_hex(f);
}

void merge_tags(std::vector<std::string>& into, const std::vector<std::string>& add) {
  for (const auto& t : add)
    if (std::find(into.begin(), into.end(), t) == into.end()) into.push_back(t);
}

void write_usage(JsonOut& j, size_t input_tokens) {
  size_t output = input_tokens / 5;
  j.key("usage").begin_object();
  j.field("input_tokens", input_tokens).field("output_tokens", output).field("total_tokens", input_tokens + output);
  j.field("cached_tokens", 0).field("thoughts_tokens", 0);
  j.end_object();
}

std::string marker_error(const std::vector<PendingDoc>& docs, const std::string& marker) {
  if (marker.empty()) return {};
  for (const auto& d : docs)
    if (d.content.find(marker) != std::string::npos)
      return "Stand-in: fact extraction failed for document '" + d.id + "' (content contains the fail-op marker)";
  return {};
}

}  // namespace

std::vector<PendingDoc> fold_items(std::vector<RetainItem>& items, const std::optional<std::vector<std::string>>& document_tags) {
  std::set<std::string> explicit_ids;
  for (const auto& it : items)
    if (it.document_id) explicit_ids.insert(*it.document_id);
  std::optional<std::string> absorb;
  if (explicit_ids.size() == 1) absorb = *explicit_ids.begin();

  std::vector<PendingDoc> docs;
  std::map<std::string, size_t> index;
  for (auto& it : items) {
    std::string id = it.document_id ? *it.document_id : absorb ? *absorb : new_uuid();
    std::vector<std::string> tags = std::move(it.tags);
    if (document_tags) merge_tags(tags, *document_tags);
    auto found = index.find(id);
    if (found == index.end()) {
      index.emplace(id, docs.size());
      PendingDoc d;
      d.id = std::move(id);
      d.content = std::move(it.content);
      d.context = std::move(it.context);
      d.timestamp = std::move(it.timestamp);
      d.observation_scopes = std::move(it.observation_scopes);
      d.tags = std::move(tags);
      d.metadata = std::move(it.metadata);
      d.entities = std::move(it.entities);
      if (it.update_mode) d.update_mode = *it.update_mode;
      d.mode_set = it.update_mode.has_value();
      docs.push_back(std::move(d));
      continue;
    }
    PendingDoc& d = docs[found->second];
    // The server takes a document's mode from the first of its items that names one.
    if (!d.mode_set && it.update_mode) {
      d.update_mode = *it.update_mode;
      d.mode_set = true;
    }
    d.content += "\n";
    d.content += it.content;
    merge_tags(d.tags, tags);
    for (auto& kv : it.metadata) {
      auto m = std::find_if(d.metadata.begin(), d.metadata.end(), [&](const auto& e) { return e.first == kv.first; });
      if (m == d.metadata.end()) d.metadata.push_back(std::move(kv));
      else m->second = std::move(kv.second);
    }
    for (auto& e : it.entities) d.entities.push_back(std::move(e));
    if (!d.context) d.context = std::move(it.context);
    if (!d.timestamp) d.timestamp = std::move(it.timestamp);
  }
  return docs;
}

Store::Bank& Store::bank_locked(const std::string& bank_id) {
  auto it = banks_.find(bank_id);
  if (it != banks_.end()) return it->second;
  Bank& b = banks_[bank_id];
  b.id = bank_id;
  b.name = bank_id;
  b.created_at = b.updated_at = std::chrono::system_clock::now();
  return b;
}

void Store::apply_locked(const std::string& bank_id, PendingDoc&& p, SysTime now) {
  Bank& bank = bank_locked(bank_id);
  if (p.drop) return;
  Document& d = bank.docs[p.id];
  bool existed = d.times_received > 0;
  // Hindsight sanitizes content at ingress: the stored text is what content_hash covers.
  std::string text = remove_control_chars(p.content);
  // An append prepends the stored text as one more item, joined with "\n"; with no stored
  // text (a new or empty document) it stores the new text alone.
  if (p.update_mode == "append" && !d.content.empty()) {
    d.content += "\n";
    d.content += text;
    ++d.appends;
  } else {
    d.content = std::move(text);
  }
  d.bank_id = bank_id;
  d.id = p.id;
  d.content_hash = sha256_hex(d.content);
  d.context = std::move(p.context);
  d.timestamp = std::move(p.timestamp);
  d.tags = std::move(p.tags);
  d.metadata = std::move(p.metadata);
  d.entities = std::move(p.entities);
  d.observation_scopes = std::move(p.observation_scopes);
  d.empty = p.empty;
  // Upsert deletes the old memory units and extracts new ones.
  d.memory_id = new_uuid();
  d.chunk_id = new_uuid();
  if (!existed) d.created_at = now;
  d.updated_at = now;
  ++d.times_received;
  bank.updated_at = now;
  bank.last_write = now;
}

void Store::settle_locked(SysTime now) {
  while (!due_.empty() && due_.begin()->first <= now) {
    auto node = due_.extract(due_.begin());
    ChildOp& c = children_.at(node.mapped());
    c.applied = true;
    if (c.error) continue;
    const std::string& bank = ops_.at(c.parent_id).bank_id;
    for (auto& d : c.docs) apply_locked(bank, std::move(d), c.done);
    c.docs.clear();
    c.docs.shrink_to_fit();
  }
}

void Store::count_retain_request() {
  std::lock_guard lock(mu_);
  ++retain_requests_;
}

RetainResult Store::retain(const std::string& bank_id, RetainInput&& in, const Knobs& k) {
  SysTime now = std::chrono::system_clock::now();
  std::string fp = in.async && in.operation_id ? fingerprint(in) : std::string();
  size_t n_items = in.items.size();

  std::lock_guard lock(mu_);
  settle_locked(now);
  if (in.async && in.operation_id) {
    // Checked before anything else, as the server does (memory_engine.py
    // _resolve_retain_replay): the id alone decides, the payload is not compared.
    auto existing = ops_.find(*in.operation_id);
    bool taken_by_child = children_.count(*in.operation_id) > 0;
    if (taken_by_child || (existing != ops_.end() && existing->second.bank_id != bank_id)) {
      JsonOut j;
      j.begin_object().field("detail", "operation_id " + *in.operation_id + " is already in use").end_object();
      return {409, j.take()};
    }
    if (existing != ops_.end()) {
      // The original operation, no new work. A different payload under a known id is
      // replayed all the same: its text is silently not stored (counted for tests).
      ++replayed_operations_;
      if (existing->second.fingerprint != fp) ++replayed_other_payload_;
      JsonOut j;
      j.begin_object().field("success", true).field("bank_id", bank_id).field("items_count", existing->second.items);
      j.field("async", true).field("operation_id", existing->first).field("operation_ids", nullptr).end_object();
      return {200, j.take()};
    }
  }
  if (in.async) {
    std::vector<std::string> dups;
    std::set<std::string> ids;
    for (const auto& it : in.items)
      if (it.document_id && !ids.insert(*it.document_id).second &&
          std::find(dups.begin(), dups.end(), *it.document_id) == dups.end())
        dups.push_back(*it.document_id);
    if (!dups.empty()) {
      std::string list = "[";
      for (size_t i = 0; i < dups.size(); ++i) list += (i ? ", '" : "'") + dups[i] + "'";
      list += "]";
      JsonOut j;
      j.begin_object()
          .field("detail", "Batch contains duplicate document_ids: " + list +
                               ". Async retain processes sub-batches in parallel, so items sharing a document_id "
                               "would overwrite each other; send the batch synchronously (async=false), which "
                               "processes them sequentially, or merge the items.")
          .end_object();
      return {400, j.take()};
    }
  }

  std::vector<PendingDoc> docs = fold_items(in.items, in.document_tags);
  size_t input_tokens = 0;
  for (const auto& d : docs) input_tokens += tokens_of(d.content);

  if (!in.async) {
    std::string failure = marker_error(docs, k.fail_op_marker);
    if (!failure.empty()) {
      JsonOut j;
      j.begin_object().field("detail", failure).end_object();
      return {500, j.take()};
    }
  }

  for (auto& d : docs) {
    if (k.drop_documents_every > 0 && ++documents_seen_ % static_cast<uint64_t>(k.drop_documents_every) == 0) {
      d.drop = true;
      ++dropped_documents_;
    }
    d.empty = !k.empty_marker.empty() && d.content.find(k.empty_marker) != std::string::npos;
  }
  bank_locked(bank_id);
  items_received_ += n_items;
  // Resent = the id was accepted by an earlier request; items sharing an id inside this
  // request are a fold, not a resend.
  for (const auto& it : in.items)
    if (it.document_id && seen_ids_.count(seen_key(bank_id, *it.document_id))) ++resent_items_;
  for (const auto& d : docs) seen_ids_.insert(seen_key(bank_id, d.id));

  JsonOut j;
  if (!in.async) {
    for (auto& d : docs) apply_locked(bank_id, std::move(d), now);
    j.begin_object().field("success", true).field("bank_id", bank_id).field("items_count", n_items).field("async", false);
    write_usage(j, input_tokens);
    j.end_object();
    return {200, j.take()};
  }

  Operation op;
  op.id = in.operation_id ? *in.operation_id : new_uuid();
  op.bank_id = bank_id;
  op.fingerprint = fp;
  op.items = n_items;
  op.created = now;
  auto total = std::chrono::milliseconds(k.op_ms);
  op.start = now + total / 4;
  op.done = now + total;

  // Split into children of at most kBatchTokens; an oversized document is a child of its own.
  std::vector<std::vector<PendingDoc>> groups;
  size_t group_tokens = 0;
  for (auto& d : docs) {
    size_t t = tokens_of(d.content);
    if (groups.empty() || group_tokens + t > kBatchTokens) {
      groups.emplace_back();
      group_tokens = 0;
    }
    group_tokens += t;
    groups.back().push_back(std::move(d));
  }
  auto processing = op.done - op.start;
  SysTime prev = op.start;
  for (size_t i = 0; i < groups.size(); ++i) {
    ChildOp c;
    c.id = new_uuid();
    c.parent_id = op.id;
    c.index = static_cast<int>(i);
    c.items = groups[i].size();
    c.start = prev;
    c.done = op.start + processing * static_cast<long>(i + 1) / static_cast<long>(groups.size());
    prev = c.done;
    std::string failure = marker_error(groups[i], k.fail_op_marker);
    if (!failure.empty()) c.error = failure;
    c.stuck = !k.stuck_op_marker.empty() && std::any_of(groups[i].begin(), groups[i].end(), [&](const PendingDoc& d) {
      return d.content.find(k.stuck_op_marker) != std::string::npos;
    });
    c.docs = std::move(groups[i]);
    if (c.stuck) c.done = SysTime::max();
    else due_.emplace(c.done, c.id);
    op.children.push_back(c.id);
    children_.emplace(c.id, std::move(c));
  }
  std::string op_id = op.id;
  ops_.emplace(op_id, std::move(op));
  settle_locked(now);

  j.begin_object().field("success", true).field("bank_id", bank_id).field("items_count", n_items).field("async", true);
  j.field("operation_id", op_id).field("operation_ids", nullptr).end_object();
  return {200, j.take()};
}

std::string Store::child_status_locked(const ChildOp& c, SysTime now) const {
  if (c.stuck) return "pending";
  if (now < c.start) return "pending";
  if (now < c.done) return "processing";
  return c.error ? "failed" : "completed";
}

std::string Store::op_status_locked(const Operation& op, SysTime now) const {
  if (now < op.start) return "pending";
  bool failed = false;
  for (const auto& id : op.children) {
    const ChildOp& c = children_.at(id);
    if (c.stuck) return "pending";
    if (now < c.done) return "processing";
    failed = failed || c.error.has_value();
  }
  return failed ? "failed" : "completed";
}

void Store::write_operation_locked(JsonOut& j, const Operation& op, SysTime now) const {
  std::string status = op_status_locked(op, now);
  size_t processed = 0;
  std::optional<std::string> error;
  for (const auto& id : op.children) {
    const ChildOp& c = children_.at(id);
    if (now >= c.done) ++processed;
    if (now >= c.done && c.error && !error) error = c.error;
  }
  bool terminal = status == "completed" || status == "failed";
  j.begin_object();
  j.field("operation_id", op.id).field("status", status).field("operation_type", "batch_retain");
  j.field("created_at", iso_utc(op.created));
  j.field("updated_at", iso_utc(terminal ? op.done : now < op.start ? op.created : now));
  j.key("completed_at");
  if (terminal) j.value(iso_utc(op.done));
  else j.value(nullptr);
  j.key("error_message");
  if (status == "failed" && error) j.value(*error);
  else j.value(nullptr);
  j.field("retry_count", 0).field("next_retry_at", nullptr);
  j.key("progress");
  if (status == "pending") {
    j.value(nullptr);
  } else {
    j.begin_object().field("stage", terminal ? status : "processing_batch").field("at", iso_utc(now));
    j.field("processed", processed).field("total", op.children.size()).end_object();
  }
  j.field("result_metadata", nullptr).field("details", nullptr);
  j.key("child_operations").begin_array();
  for (const auto& id : op.children) {
    const ChildOp& c = children_.at(id);
    std::string cs = child_status_locked(c, now);
    j.begin_object().field("operation_id", c.id).field("status", cs).field("sub_batch_index", c.index);
    j.field("items_count", c.items).key("error_message");
    if (cs == "failed") j.value(*c.error);
    else j.value(nullptr);
    j.end_object();
  }
  j.end_array();
  j.field("task_payload", nullptr);
  j.end_object();
}

std::optional<std::string> Store::operation_status(const std::string& bank_id, const std::string& op_id) {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  settle_locked(now);
  JsonOut j;
  auto it = ops_.find(op_id);
  if (it != ops_.end() && it->second.bank_id == bank_id) {
    write_operation_locked(j, it->second, now);
    return j.take();
  }
  auto c = children_.find(op_id);
  if (c != children_.end() && ops_.at(c->second.parent_id).bank_id == bank_id) {
    const ChildOp& child = c->second;
    std::string status = child_status_locked(child, now);
    bool terminal = status == "completed" || status == "failed";
    j.begin_object().field("operation_id", child.id).field("status", status).field("operation_type", "retain");
    j.field("created_at", iso_utc(ops_.at(child.parent_id).created));
    j.field("updated_at", iso_utc(terminal ? child.done : now));
    j.key("completed_at");
    if (terminal) j.value(iso_utc(child.done));
    else j.value(nullptr);
    j.key("error_message");
    if (status == "failed") j.value(*child.error);
    else j.value(nullptr);
    j.field("retry_count", 0).field("progress", nullptr).field("child_operations", nullptr).end_object();
    return j.take();
  }
  return std::nullopt;
}

std::string Store::list_operations(const std::string& bank_id, const std::string& status, const std::string& type,
                                   long long limit, long long offset, bool exclude_parents) {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  settle_locked(now);
  struct Row {
    SysTime created;
    std::string id, task_type, status, doc_id;
    size_t items;
    std::optional<std::string> error;
    size_t processed, total;
  };
  std::vector<Row> rows;
  for (const auto& [id, op] : ops_) {
    if (op.bank_id != bank_id) continue;
    if (!exclude_parents) {
      size_t processed = 0;
      std::optional<std::string> err;
      for (const auto& cid : op.children) {
        const ChildOp& c = children_.at(cid);
        if (now >= c.done) ++processed;
        if (now >= c.done && c.error && !err) err = c.error;
      }
      std::string st = op_status_locked(op, now);
      rows.push_back({op.created, id, "batch_retain", st, "", op.items, st == "failed" ? err : std::nullopt, processed,
                      op.children.size()});
    }
    for (const auto& cid : op.children) {
      const ChildOp& c = children_.at(cid);
      std::string st = child_status_locked(c, now);
      rows.push_back({op.created, c.id, "retain", st, "", c.items, st == "failed" ? c.error : std::nullopt,
                      size_t(now >= c.done), 1});
    }
  }
  std::erase_if(rows, [&](const Row& r) {
    bool type_ok = type.empty() || r.task_type == type || (type == "retain" && r.task_type == "batch_retain");
    return (!status.empty() && r.status != status) || !type_ok;
  });
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.created > b.created; });
  JsonOut j;
  j.begin_object().field("bank_id", bank_id).field("total", rows.size()).field("limit", limit).field("offset", offset);
  j.key("operations").begin_array();
  for (size_t i = static_cast<size_t>(offset); i < rows.size() && i < static_cast<size_t>(offset + limit); ++i) {
    const Row& r = rows[i];
    j.begin_object().field("id", r.id).field("task_type", r.task_type).field("items_count", r.items);
    j.field("document_id", nullptr).field("created_at", iso_utc(r.created)).field("status", r.status);
    j.key("error_message");
    if (r.error) j.value(*r.error);
    else j.value(nullptr);
    j.field("retry_count", 0);
    j.key("progress").begin_object().field("stage", r.status).field("at", iso_utc(now));
    j.field("processed", r.processed).field("total", r.total).end_object();
    j.end_object();
  }
  j.end_array().end_object();
  return j.take();
}

std::vector<Document> Store::memories(const std::string& bank_id, bool create_bank) {
  std::lock_guard lock(mu_);
  settle_locked(std::chrono::system_clock::now());
  if (create_bank) bank_locked(bank_id);
  std::vector<Document> out;
  auto it = banks_.find(bank_id);
  if (it == banks_.end()) return out;
  out.reserve(it->second.docs.size());
  for (const auto& [id, d] : it->second.docs) out.push_back(d);
  return out;
}

std::optional<Document> Store::document(const std::string& bank_id, const std::string& doc_id) {
  std::lock_guard lock(mu_);
  settle_locked(std::chrono::system_clock::now());
  auto b = banks_.find(bank_id);
  if (b == banks_.end()) return std::nullopt;
  auto d = b->second.docs.find(doc_id);
  if (d == b->second.docs.end()) return std::nullopt;
  return d->second;
}

bool Store::delete_document(const std::string& bank_id, const std::string& doc_id) {
  std::lock_guard lock(mu_);
  settle_locked(std::chrono::system_clock::now());
  auto b = banks_.find(bank_id);
  return b != banks_.end() && b->second.docs.erase(doc_id) > 0;
}

std::string Store::list_documents(const std::string& bank_id, const std::string& q, long long limit, long long offset) {
  std::lock_guard lock(mu_);
  settle_locked(std::chrono::system_clock::now());
  std::vector<const Document*> rows;
  if (auto b = banks_.find(bank_id); b != banks_.end()) {
    std::string needle = q;
    std::transform(needle.begin(), needle.end(), needle.begin(), ::tolower);
    for (const auto& [id, d] : b->second.docs) {
      std::string lid = id;
      std::transform(lid.begin(), lid.end(), lid.begin(), ::tolower);
      if (needle.empty() || lid.find(needle) != std::string::npos) rows.push_back(&d);
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Document* a, const Document* b) { return a->updated_at > b->updated_at; });
  JsonOut j;
  j.begin_object().key("items").begin_array();
  for (size_t i = static_cast<size_t>(offset); i < rows.size() && i < static_cast<size_t>(offset + limit); ++i) {
    const Document& d = *rows[i];
    j.begin_object().field("id", d.id).field("bank_id", d.bank_id).field("content_hash", d.content_hash);
    j.field("created_at", iso_utc(d.created_at)).field("updated_at", iso_utc(d.updated_at));
    // PostgreSQL LENGTH(original_text): characters (code points), not bytes.
    j.field("text_length", utf8_length(d.content)).field("memory_unit_count", d.empty ? 0 : 1);
    j.key("tags").begin_array();
    for (const auto& t : d.tags) j.value(t);
    j.end_array();
    j.key("document_metadata").begin_object();
    for (const auto& [k, v] : d.metadata) j.field(k, v);
    j.end_object().end_object();
  }
  j.end_array().field("total", rows.size()).field("limit", limit).field("offset", offset).end_object();
  return j.take();
}

bool Store::bank_exists(const std::string& bank_id) {
  std::lock_guard lock(mu_);
  return banks_.count(bank_id) > 0;
}

void Store::put_bank(const std::string& bank_id, const std::optional<std::string>& name,
                     const std::optional<std::string>& mission) {
  std::lock_guard lock(mu_);
  Bank& b = bank_locked(bank_id);
  if (name) b.name = *name;
  if (mission) b.mission = *mission;
  b.updated_at = std::chrono::system_clock::now();
}

std::string Store::bank_profile(const std::string& bank_id) {
  std::lock_guard lock(mu_);
  const Bank& b = bank_locked(bank_id);
  JsonOut j;
  j.begin_object().field("bank_id", b.id).field("name", b.name);
  j.key("disposition").begin_object().field("skepticism", 3).field("literalism", 3).field("empathy", 3).end_object();
  j.field("mission", b.mission).field("background", nullptr).end_object();
  return j.take();
}

std::string Store::bank_stats(const std::string& bank_id) {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  settle_locked(now);
  const Bank& b = bank_locked(bank_id);
  std::map<std::string, size_t> by_status;
  for (const auto& [id, op] : ops_)
    if (op.bank_id == bank_id) ++by_status[op_status_locked(op, now)];
  JsonOut j;
  j.begin_object().field("bank_id", bank_id).field("total_nodes", b.docs.size()).field("total_links", 0);
  j.field("total_documents", b.docs.size());
  j.key("nodes_by_fact_type").begin_object().field("world", b.docs.size()).end_object();
  j.key("links_by_link_type").begin_object().end_object();
  j.key("links_by_fact_type").begin_object().end_object();
  j.key("links_breakdown").begin_object().end_object();
  j.field("pending_operations", by_status["pending"] + by_status["processing"]);
  j.field("failed_operations", by_status["failed"]);
  j.key("operations_by_status").begin_object();
  for (const auto& [s, n] : by_status)
    if (n) j.field(s, n);
  j.end_object();
  j.field("last_consolidated_at", nullptr).key("last_memory_write_at");
  if (b.last_write) j.value(iso_utc(*b.last_write));
  else j.value(nullptr);
  j.field("pending_consolidation", 0).field("failed_consolidation", 0).field("total_observations", 0).end_object();
  return j.take();
}

std::string Store::list_banks(const std::string& q, long long limit, long long offset) {
  std::lock_guard lock(mu_);
  std::vector<const Bank*> rows;
  std::string needle = q;
  std::transform(needle.begin(), needle.end(), needle.begin(), ::tolower);
  for (const auto& [id, b] : banks_) {
    std::string hay = id + "\n" + b.name;
    std::transform(hay.begin(), hay.end(), hay.begin(), ::tolower);
    if (needle.empty() || hay.find(needle) != std::string::npos) rows.push_back(&b);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Bank* a, const Bank* b) {
    return a->last_write.value_or(a->created_at) > b->last_write.value_or(b->created_at);
  });
  JsonOut j;
  j.begin_object().key("banks").begin_array();
  for (size_t i = static_cast<size_t>(offset); i < rows.size() && i < static_cast<size_t>(offset + limit); ++i) {
    const Bank& b = *rows[i];
    j.begin_object().field("bank_id", b.id).field("name", b.name);
    j.key("disposition").begin_object().field("skepticism", 3).field("literalism", 3).field("empathy", 3).end_object();
    j.field("mission", b.mission).field("created_at", iso_utc(b.created_at)).field("updated_at", iso_utc(b.updated_at));
    j.field("fact_count", b.docs.size()).key("last_document_at");
    if (b.last_write) j.value(iso_utc(*b.last_write));
    else j.value(nullptr);
    j.key("last_write_at");
    if (b.last_write) j.value(iso_utc(*b.last_write));
    else j.value(nullptr);
    j.end_object();
  }
  j.end_array().field("total", rows.size()).field("limit", limit).field("offset", offset).end_object();
  return j.take();
}

void Store::write_stats(JsonOut& j) {
  SysTime now = std::chrono::system_clock::now();
  std::lock_guard lock(mu_);
  settle_locked(now);
  size_t docs = 0;
  for (const auto& [id, b] : banks_) docs += b.docs.size();
  size_t pending = 0, failed = 0;
  for (const auto& [id, op] : ops_) {
    std::string s = op_status_locked(op, now);
    pending += s == "pending" || s == "processing";
    failed += s == "failed";
  }
  j.field("retain_requests", retain_requests_).field("items_received", items_received_);
  j.field("unique_document_ids", seen_ids_.size()).field("resent_items", resent_items_);
  j.field("documents", docs).field("banks", banks_.size()).field("operations", ops_.size());
  j.field("pending_operations", pending).field("failed_operations", failed);
  j.field("replayed_operations", replayed_operations_).field("replayed_other_payload", replayed_other_payload_);
  j.field("dropped_documents", dropped_documents_);
}

void Store::write_documents(JsonOut& j) {
  std::lock_guard lock(mu_);
  settle_locked(std::chrono::system_clock::now());
  j.begin_array();
  for (const auto& [bank_id, b] : banks_) {
    for (const auto& [id, d] : b.docs) {
      j.begin_object().field("bank", bank_id).field("document_id", id).field("content", d.content);
      j.key("context");
      if (d.context) j.value(*d.context);
      else j.value(nullptr);
      j.key("timestamp");
      if (d.timestamp) j.value(*d.timestamp);
      else j.value(nullptr);
      j.key("tags").begin_array();
      for (const auto& t : d.tags) j.value(t);
      j.end_array();
      j.key("metadata").begin_object();
      for (const auto& [k, v] : d.metadata) j.field(k, v);
      j.end_object();
      j.key("entities").begin_array();
      for (const auto& e : d.entities) j.value(e.text);
      j.end_array();
      j.field("content_hash", d.content_hash).field("times_received", d.times_received).field("appends", d.appends);
      j.field("created_at", iso_utc(d.created_at)).field("updated_at", iso_utc(d.updated_at));
      j.end_object();
    }
  }
  j.end_array();
}

void Store::reset() {
  std::lock_guard lock(mu_);
  banks_.clear();
  ops_.clear();
  children_.clear();
  due_.clear();
  seen_ids_.clear();
  retain_requests_ = items_received_ = resent_items_ = replayed_operations_ = replayed_other_payload_ = 0;
  documents_seen_ = dropped_documents_ = 0;
}

}  // namespace standin::hindsight
