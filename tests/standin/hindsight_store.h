// In-memory Hindsight: banks, documents (one memory unit each) and async retain
// operations. Async work is simulated on the clock: an operation's documents are written
// when its child operation's completion time has passed, checked lazily on every access.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "clock.h"
#include "hindsight_requests.h"
#include "json_out.h"
#include "knobs.h"

namespace standin::hindsight {

struct Document {
  std::string bank_id, id;
  std::string content, content_hash;
  std::optional<std::string> context, timestamp;
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<EntityInput> entities;
  std::optional<std::string> observation_scopes;
  std::string memory_id, chunk_id;  // the stand-in keeps one memory unit and one chunk per document
  SysTime created_at, updated_at;
  uint64_t times_received = 0;  // writes applied to the document: sends that took effect
  uint64_t appends = 0;         // of which appended onto stored text
  bool empty = false;  // extraction produced no memory units (knob empty_marker)
};

// What a request will write under one document_id, after folding items that share it.
struct PendingDoc {
  std::string id;
  std::string content;
  std::optional<std::string> context, timestamp, observation_scopes;
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<EntityInput> entities;
  std::string update_mode = "replace";
  bool mode_set = false;  // an item named the mode (the first one that does decides)
  bool drop = false, empty = false;  // knobs drop_documents_every, empty_marker
};

struct RetainResult {
  int status = 200;
  std::string body;
};

class Store {
 public:
  // Counts every retain request that reached the handler, valid or not.
  void count_retain_request();
  RetainResult retain(const std::string& bank_id, RetainInput&& in, const Knobs& k);

  // Operation status; nullopt = unknown id (the route answers status not_found).
  std::optional<std::string> operation_status(const std::string& bank_id, const std::string& op_id);
  std::string list_operations(const std::string& bank_id, const std::string& status, const std::string& type,
                              long long limit, long long offset, bool exclude_parents);

  // Snapshot of a bank's memories for recall/reflect; creates the bank when asked to.
  std::vector<Document> memories(const std::string& bank_id, bool create_bank);
  std::optional<Document> document(const std::string& bank_id, const std::string& doc_id);
  bool delete_document(const std::string& bank_id, const std::string& doc_id);
  std::string list_documents(const std::string& bank_id, const std::string& q, long long limit, long long offset);

  bool bank_exists(const std::string& bank_id);
  void put_bank(const std::string& bank_id, const std::optional<std::string>& name,
                const std::optional<std::string>& mission);
  std::string bank_profile(const std::string& bank_id);  // caller checks existence
  std::string bank_stats(const std::string& bank_id);
  std::string list_banks(const std::string& q, long long limit, long long offset);

  // POST …/operations/{id}/retry and …/documents/{id}/reprocess (hindsight_repair.cc).
  RetainResult retry_operation(const std::string& bank_id, const std::string& op_id, const Knobs& k);
  RetainResult reprocess_document(const std::string& bank_id, const std::string& doc_id);

  void write_stats(JsonOut& j);
  void write_documents(JsonOut& j);
  void reset();

 private:
  struct ChildOp {
    std::string id, parent_id;
    int index = 0;
    std::vector<PendingDoc> docs;
    size_t items = 0;
    SysTime start, done;
    std::optional<std::string> error;  // set when the operation is to fail
    bool applied = false;
    bool stuck = false;  // knob stuck_op_marker: never finishes
  };
  struct Operation {
    std::string id, bank_id, fingerprint;
    size_t items = 0;
    SysTime created, start, done;
    std::vector<std::string> children;
  };
  struct Bank {
    std::string id, name, mission;
    SysTime created_at, updated_at;
    std::optional<SysTime> last_write;
    std::map<std::string, Document> docs;
  };

  Bank& bank_locked(const std::string& bank_id);
  void settle_locked(SysTime now);
  void apply_locked(const std::string& bank_id, PendingDoc&& p, SysTime now);
  std::string child_status_locked(const ChildOp& c, SysTime now) const;
  std::string op_status_locked(const Operation& op, SysTime now) const;
  void write_operation_locked(JsonOut& j, const Operation& op, SysTime now) const;

  std::mutex mu_;
  std::map<std::string, Bank> banks_;
  std::map<std::string, Operation> ops_;        // parents, by id
  std::map<std::string, ChildOp> children_;     // children, by id
  std::multimap<SysTime, std::string> due_;     // children not yet applied, by completion time
  std::set<std::string> seen_ids_;              // bank '\n' document_id, every id ever accepted
  uint64_t documents_seen_ = 0, dropped_documents_ = 0;  // for drop_documents_every
  uint64_t retain_requests_ = 0, items_received_ = 0, resent_items_ = 0, replayed_operations_ = 0;
  uint64_t replayed_other_payload_ = 0;  // replays whose payload differed from the original's
};

// Folds a request's items into documents the way the server does: items sharing a
// document_id become one document ("\n"-joined, request order); id-less items are
// absorbed into the only explicit id when there is exactly one (issue #3010); other
// id-less items get a fresh UUID each.
std::vector<PendingDoc> fold_items(std::vector<RetainItem>& items, const std::optional<std::vector<std::string>>& document_tags);

}  // namespace standin::hindsight
