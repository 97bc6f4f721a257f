// One configured target behind one interface: everything that differs between Hindsight,
// LightRAG and any later kind of memory server. Commands and connector runs hold a Target
// and never ask which kind it is; targets/registry.h makes one from a TargetSpec, one table
// row per kind. Each kind lives in its own folder (targets/hindsight/, targets/lightrag/).
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "base/digest.h"
#include "base/result.h"
#include "config/config.h"
#include "engine/item.h"
#include "engine/sender.h"
#include "net/checkup.h"
#include "net/http_client.h"

namespace memconn {

// Where a target is and how to reach it, resolved from a [targets.NAME] section or, for the
// default Hindsight target, from flags > environment > [hindsight].
struct TargetSpec {
  TargetKind kind = TargetKind::kHindsight;
  std::string name;     // the config section's name; empty for the flags' target
  std::string url;      // as configured: may hold user:password@ (never shown, never stored)
  std::string api_key;  // resolved; never printed
  std::string bank;     // Hindsight: the memory bank
  std::string ca_file;  // empty = the system CA store
  std::string ca_file_origin;  // where ca_file came from, for doctor's messages
  std::string query_mode;      // LightRAG: the /query mode when none is asked for
};

// What a target borrows from the command that uses it.
struct TargetEnv {
  HttpOptions http;              // timeouts, limits, user agent; the target adds its auth and CA
  CurlShare* share = nullptr;    // may be null (one-off requests)
  Diagnostics* console = nullptr;  // never null once made by the registry
  int retries = 5;               // per request, for the calls the target makes itself
  std::function<bool()> stopping = [] { return false; };  // a signal arrived: stop waiting
};

// How an edited record reached the target.
struct UpdateOutcome {
  enum class Kind {
    Updated,      // the target holds the new text (and only it)
    Deferred,     // not now (the target is busy or still deleting): the next run tries again
    Failed,       // refused; the next run tries again
    AuthRefused,  // stops the run (exit 4)
    Unreachable,  // stops the run (exit 69)
  };
  Kind kind = Kind::Failed;
  std::string message;
};

// What following the target's background work to its end found (--wait).
struct TargetWait {
  size_t total = 0, completed = 0, failed = 0;  // operations (Hindsight) or documents (LightRAG)
  std::vector<std::string> failures;            // one line each, for the report
  std::vector<std::pair<std::string, std::string>> failed_docs;  // (document id, the target's error)
  std::vector<std::string> pending;             // ids still not final when the wait ended
  bool complete = true;     // false: stopped early (signal, timeout, server went away)
  bool interrupted = false; // a signal ended the wait
};

// One document as the target lists it, for verify. Views live during the listing call.
struct ListedDocument {
  std::string_view id;         // the document id memconn gave it
  std::string_view server_id;  // the target's own id when it differs (LightRAG doc-…)
  // The identity key of what it holds, comparable with Target::identity_key(); empty when
  // the target gave none or the document is not finished.
  std::string identity;
  enum class State { Present, Empty, Failed, Open } state = State::Present;
  std::string_view status, created_at, track_id, error;  // as the target says (for reports)
};

// An operation the target runs in the background that is unfinished or failed (Hindsight).
struct TargetOperation {
  std::string id, status, task_type, created_at, error;
  long long items = 0;
};

// recall / reflect, in the target's neutral terms; each kind refuses what it cannot do.
struct QueryRequest {
  enum class Kind { Recall, Reflect } kind = Kind::Recall;
  std::string query;
  std::string budget;  // low | mid | high
  std::optional<int> max_tokens;
  std::vector<std::string> types;  // recall: world, experience, observation
  std::vector<std::string> tags;
  std::string tags_match;
  std::string query_timestamp;
  bool include_chunks = false;   // recall
  std::string context;           // reflect
  bool include_facts = false;    // reflect
  std::string response_schema;   // reflect: a JSON Schema object, minified
  std::string mode;              // LightRAG: local|global|hybrid|naive|mix|bypass
};

using Renderer = std::function<Result<std::string>(const std::string& body)>;

// A question ready to send: the request, how to show its answer, and whether the answer's
// own status decides the exit code even with --json.
struct PreparedQuery {
  HttpRequest request;
  Renderer render;
  bool check_answer = false;
  std::optional<std::chrono::milliseconds> timeout;  // the kind's default when no --timeout
};

class Target {
 public:
  explicit Target(TargetSpec spec, TargetEnv env) : spec_(std::move(spec)), env_(std::move(env)) {}
  virtual ~Target() = default;
  const TargetSpec& spec() const { return spec_; }
  const TargetEnv& env() const { return env_; }

  // --- identity ---
  // Names the target in dead letters, resume keys and pending operations: never holds
  // credentials, and registry's spec_from_label() reads it back.
  virtual std::string label() const = 0;
  // For messages: "bank b at http://host:8888", "LightRAG at http://host:9621".
  virtual std::string describe() const = 0;
  // HTTP options for any request to this target: env().http plus auth and CA file.
  virtual HttpOptions http_options() const = 0;

  // --- items ---
  // The id under which the target stores a document memconn calls `document_id`.
  virtual std::string document_key(const std::string& document_id) const = 0;
  // Fills item.json with what the target receives for the item (reader thread, once).
  virtual void encode(Item& item) const = 0;
  // A dead letter's item (the JSON encode() made) back into content and document id.
  virtual bool decode(std::string_view json, Item& out) const = 0;
  // The identity key verify compares: what the target will report for this text, or
  // nullopt when that cannot be predicted (then only presence is checked).
  virtual std::optional<Sha256> identity_key(const std::string& text) const = 0;

  // --- sending ---
  // True when the target takes async requests with an operation id (--async).
  virtual bool supports_async() const = 0;
  // One per pipeline worker (each holds its own keep-alive connection).
  virtual std::unique_ptr<BatchSender> make_sender(bool async, const std::atomic<bool>* abort) = 0;
  // What --dry-run prints for one request carrying these items (async: as --async sends it).
  virtual std::string dry_run_body(const std::vector<const Item*>& items, bool async) const = 0;
  // Checked before a run fetches or sends anything (a dead or refusing target must not cost
  // a source fetch). Its error's exit code becomes the run's.
  virtual Status prepare() = 0;
  // Replaces the target's copy of an edited record. before_delete runs before anything is
  // deleted (the caller saves the pending update there, so a crash cannot lose the memory).
  virtual UpdateOutcome update(const Item& item, const std::function<void()>& before_delete) = 0;
  // Follows the target's background processing of what a run sent (operation or track ids)
  // to its end. sources_of names the inputs an operation carried (for messages).
  virtual TargetWait wait(const std::vector<std::string>& ids,
                          const std::function<std::vector<std::string>(const std::string&)>& sources_of,
                          std::chrono::milliseconds timeout) = 0;
  // True when a run's acknowledgements leave work the target finishes later (--wait has
  // something to follow); async: the run sent with --async.
  virtual bool leaves_background_work(bool async) const = 0;

  // --- verify and repair ---
  // Every document the target holds, page by page (pages of page_size where it has them).
  virtual Status list_documents(int page_size, const std::function<void(const ListedDocument&)>& on_document) = 0;
  // True when the listing says per document whether it failed or is still being processed
  // (then verify reports documents, not operations).
  virtual bool tracks_documents() const = 0;
  // Background operations that are unfinished or failed; empty where the target has none.
  virtual Result<std::vector<TargetOperation>> open_operations() = 0;
  // Asks the target to process again: one document it holds without result (Hindsight's
  // empty documents), one failed operation, or every failed document (LightRAG). Each
  // answers an Error whose message says why it could not; exit code 0 in that Error means
  // the kind has no such call (nothing went wrong, nothing was done).
  virtual Status reprocess_document(const std::string& document_id) = 0;
  virtual Status retry_operation(const std::string& operation_id) = 0;
  virtual Status reprocess_failed() = 0;

  // --- doctor, recall and reflect ---
  // Reachability, health, version, credentials and the target's own settings.
  virtual void doctor(Checkup& c) = 0;
  virtual Result<PreparedQuery> prepare_query(const QueryRequest& q) const = 0;

 protected:
  TargetSpec spec_;
  TargetEnv env_;
};

}  // namespace memconn
