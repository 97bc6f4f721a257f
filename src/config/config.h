// The memconn.toml model: plain structs, no toml++ types, so commands and tests can build a
// Config by hand. Loading validates everything up front and names file:line for each
// mistake, because a daemon that finds a typo at 3 a.m. on its first scheduled run is the
// failure mode we most want to avoid.
//
// Values that a flag or environment variable can override are std::optional: the command
// layer applies flag > env > config > built-in default, and only it knows the defaults.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/schedule.h"

namespace memconn {

// Environment access is injected so tests never depend on (or change) the real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
// getenv-backed lookup for main().
EnvLookup process_env();
// An environment of exactly these variables (tests: the real one is never read or changed).
EnvLookup env_of(std::map<std::string, std::string> vars);

// [hindsight]: the default target of ingest/recall/reflect. line = 0 when absent.
struct HindsightSection {
  int line = 0;
  std::optional<std::string> url;  // validated http(s), trailing '/' removed
  std::optional<std::string> api_key;
  std::optional<std::string> api_key_file;  // resolved against the config directory
  std::optional<std::string> bank;
  std::optional<std::string> ca_file;  // resolved against the config directory
};

struct Defaults {
  int line = 0;
  std::optional<int> workers;               // 1..256
  std::optional<int> batch_size;            // 1..1000
  std::optional<int64_t> max_batch_bytes;   // >= 1024
  std::optional<std::chrono::milliseconds> timeout;          // > 0, per request
  std::optional<std::chrono::milliseconds> connect_timeout;  // > 0
  std::optional<int> retries;               // 0..100
  std::optional<double> rate;               // requests/s, 0 = unlimited
  std::optional<int> breaker_failures;      // 0..1000000, 0 = never trip
  std::optional<int> same_failure_limit;    // 0..1000000, 0 = off
  std::optional<std::chrono::milliseconds> max_outage;
  std::optional<std::chrono::milliseconds> drain_timeout;
  std::optional<int64_t> max_response_bytes;  // >= 1024
  std::optional<int64_t> max_line_bytes;      // >= 1
};

// [api]: `memconn serve`'s HTTP API (docs/connectors.md, "The service and its API"). The
// listen address is checked by serve (and doctor), which know what loopback means. line = 0
// when absent.
struct ApiSection {
  int line = 0;
  std::optional<std::string> listen;    // "ADDR:PORT"; --listen overrides it
  std::optional<std::string> key;       // the Bearer key as written, ${VAR} unexpanded (serve expands it)
  std::optional<std::string> key_file;  // resolved against the config directory
  std::optional<double> rate_limit;     // requests per second per client, 0 = no limit
  std::optional<int> rate_burst;        // 1..100000
  std::vector<std::string> cors_origins;  // "https://dash.example.org" or "*"; empty = no CORS
  std::optional<int> max_connections;     // 8..100000
  std::optional<std::chrono::milliseconds> idle_timeout;  // a connection idle this long is closed
};

struct StateSection {
  int line = 0;
  std::optional<std::string> path;  // resolved against the config directory
};

// The kinds of target a [targets.NAME] table may name; targets/registry.cc has one row per kind.
enum class TargetKind { kHindsight, kLightrag };
inline constexpr size_t kTargetKindCount = 2;
// "hindsight", "lightrag": the value of `kind` in the config, and what status shows.
const char* target_kind_name(TargetKind k);

struct TargetConfig {
  std::string name;
  int line = 0;  // the [targets.NAME] header
  TargetKind kind = TargetKind::kLightrag;
  std::string url;
  std::optional<std::string> api_key;       // "" after ${VAR:-} expansion counts as absent
  std::optional<std::string> api_key_file;  // resolved against the config directory
  std::string bank;                         // hindsight: required; lightrag: empty
  std::optional<std::string> query_mode;    // lightrag: local|global|hybrid|naive|mix|bypass
  std::string ca_file;  // PEM bundle for a private CA (CURLOPT_CAINFO), resolved against the config directory; "" = system store
};

enum class SourceKind { kMemoryApi, kHttpJson };
enum class Paging { kNone, kPage, kOffset, kCursor };

struct SourceConfig {
  std::string name;
  int line = 0;
  SourceKind kind = SourceKind::kMemoryApi;
  std::string url;
  std::optional<std::string> api_key;
  std::optional<std::string> api_key_file;
  std::optional<std::chrono::milliseconds> timeout;  // unset: defaults.timeout applies
  std::string ca_file;  // as TargetConfig::ca_file
  // Most records one fetch may hold (all pages together): a server that sends without end
  // fails the run instead of exhausting memory. 1..100000000.
  int64_t max_records = 100000;

  // memory-api (GET {url}/memory/{context}?limit=&range=, X-API-KEY)
  std::string context;
  int limit = 1000;  // largest limit to ask for, 1..10000

  // http-json: a generic JSON list endpoint. Paths are dotted ("data.items"); "" for
  // items_path means the response itself is the array, "" for time_field means no time.
  std::string items_path;
  std::string id_field = "id";
  std::string text_field = "text";
  std::string time_field = "created_at";
  Paging paging = Paging::kNone;
  std::string page_param = "page";
  std::string page_size_param = "limit";
  int page_size = 100;  // 1..10000
  int first_page = 1;
  std::string offset_param = "offset";
  std::string cursor_field = "next_cursor";
  std::string cursor_param = "cursor";
  std::string since_param;  // "" = the API has no "since" filter
  std::string auth_header = "Authorization";
  std::string auth_prefix = "Bearer ";
  std::map<std::string, std::string> headers;
};

enum class TransformKind { kStandard, kTemplate };

struct ConnectorConfig {
  std::string name;
  int line = 0;
  std::string source;  // names a key of Config::sources (checked)
  std::string target;  // names a key of Config::targets (checked)
  Schedule schedule = Schedule::every(std::chrono::hours(1));
  TransformKind transform = TransformKind::kStandard;
  std::string template_text;  // `template`; set iff transform == kTemplate
  std::vector<std::string> tags;
  std::optional<std::string> context;  // hindsight retain context
  bool enabled = true;
  std::chrono::milliseconds overlap = std::chrono::hours(1);  // re-fetch window before the cursor
  std::string notify_url;  // "" = no alerts (see connectors/notify.h)
  // Memory API range of the first run (and of any run after a gap of more than 28 days is
  // still "all"): all | month | week | day. Memory-api sources only (checked).
  std::string first_range = "all";
  // Where it is defined: "" = the config file itself, else the connectors.d/NAME.toml the
  // API wrote (only those may be changed or deleted through the API).
  std::string file;
  // connectors.d/NAME.paused exists (written by the API's pause): no scheduled run, like
  // enabled = false, but an operator's switch rather than the config's. paused_since is the
  // marker's content, the time it was paused.
  bool paused = false;
  std::string paused_since;
};

struct Config {
  std::string path;  // as given to parse_config/load_config
  HindsightSection hindsight;
  Defaults defaults;
  StateSection state;
  ApiSection api;
  std::map<std::string, TargetConfig> targets;  // std::map: iteration is sorted by name
  std::map<std::string, SourceConfig> sources;
  std::map<std::string, ConnectorConfig> connectors;

  // Directory of path ("." if it has none): relative paths in the file are relative to it.
  std::string dir() const;
  // dir()/connectors.d: the connectors the API created (NAME.toml) and paused (NAME.paused).
  std::string connectors_dir() const;
};

// Parses and validates. On any mistake returns the earliest one (by line) as
//   Error{"<path_for_messages>:<line>: <message>", exit_code::kConfig}
// e.g. `memconn.toml:12: unknown key "wokers" in [defaults]`; TOML syntax errors are
// `<path>:<line>:<column>: <description>`. ${VAR}, ${VAR:-default} and $$ are expanded in
// every string value before it is validated. resolve_secrets = false: an api_key naming an
// unset variable is left absent instead of being an error (for commands that send nothing).
Result<Config> parse_config(std::string_view toml_text, const std::string& path_for_messages, const EnvLookup& env,
                            bool resolve_secrets = true);

// Reads path (error: exit_code::kConfig) and parses it, then adds the connectors of
// connectors_dir(): each NAME.toml holds one connector's keys at top level (the keys of a
// [connectors.NAME] table), validated like the config's own with "<file>:<line>:" errors, and
// each NAME.paused marks connector NAME paused. A name defined twice is an error; files
// starting with '.' (an atomic write's temp file) and other extensions are ignored.
Result<Config> load_config(const std::string& path, const EnvLookup& env, bool resolve_secrets = true);

// Parses one connectors.d file's text as connector `name` into cfg (whose sources and
// targets it may name), as load_config does. path_for_messages prefixes errors.
Status add_connector_file(Config& cfg, std::string_view toml_text, const std::string& name,
                          const std::string& path_for_messages, const EnvLookup& env, bool resolve_secrets = true);

// $MEMCONN_CONFIG, else $XDG_CONFIG_HOME/memconn/config.toml, else
// $HOME/.config/memconn/config.toml, else "memconn.toml" (no HOME: the working directory).
std::string default_config_path(const EnvLookup& env);

// ${VAR} (unset -> error), ${VAR:-default} (unset or empty -> default), $$ -> '$'. Any other
// '$' is literal so passwords containing '$' need no escaping. The error message is
// `environment variable VAR is not set` (callers add the location).
Result<std::string> expand_env(std::string_view text, const EnvLookup& env);

// The key in an api_key_file: its first line, blanks trimmed. Empty is an error, because
// sending an empty key fails later with a confusing 401.
Result<std::string> read_api_key_file(const std::string& path);
// A key as it reaches a header: surrounding whitespace trimmed (a Kubernetes Secret or
// `echo key > file` ends in a newline), and any other control character refused, since a CR or
// LF inside it would start a header of its own. `where` names the key's origin for the error;
// the key itself is never part of the message.
Result<std::string> clean_api_key(std::string_view raw, const std::string& where);

// The toml++ this binary was built with, e.g. "3.3.0".
std::string toml_library_version();

}  // namespace memconn
