#include "state/reset.h"

#include <filesystem>
#include <set>

#include "base/exit_codes.h"
#include "state/commit_journal.h"
#include "state/doc_index.h"
#include "state/file_store.h"
#include "state/state.h"

namespace memconn {

Result<ResetCounts> reset_all_progress(const std::string& state_path) {
  ResetCounts n;
  // A corrupt state file is what a user resets from: its run history is lost, the rest goes.
  auto st = load_state(state_path);
  State s = st ? std::move(*st) : State{};
  // Entries a run that died left in the journal count too: they are progress as well.
  State journal;
  CommitJournal::replay(state_path + ".journal", journal);
  FileStore store(FileStore::dir_for(state_path));
  auto held = store.count();
  if (!held) return held.error();
  // Distinct files: a key in the state file or the journal may be in the store already.
  std::set<std::string> extra;
  for (const auto& [k, _] : s.files) extra.insert(k);
  for (const auto& [k, _] : journal.files) extra.insert(k);
  auto stored = store.load(extra);
  if (!stored) return stored.error();
  n.files = *held + extra.size() - stored->size();
  for (const auto& [_, docs] : s.conversations) n.conversations += docs.size();
  if (auto c = store.clear(); !c) return c.error();
  DocIndex index(DocIndex::dir_for(state_path));
  if (auto c = index.clear(); !c) return c.error();
  std::error_code ec;
  std::filesystem::remove(state_path + ".journal", ec);
  std::filesystem::remove(state_path + ".journal.old", ec);
  s.files.clear();
  s.conversations.clear();
  if (std::filesystem::exists(state_path, ec))
    if (auto w = save_state(state_path, s); !w) return Error{w.error().message, exit_code::kCantCreate};
  return n;
}

}  // namespace memconn
