#include "connector_world.h"

namespace e2e {

World::World(std::vector<std::string> memory_args, std::string target_kind, std::vector<std::string> target_args,
             const std::string& extra, const std::string& source_extra)
    : memories(with_key(std::move(memory_args)), "memory-api"), target(std::move(target_args), target_kind) {
  state = dir.file("state.json");
  std::string t = target_kind == "lightrag"
                      ? "[targets.rag]\nkind = \"lightrag\"\nurl = \"" + target.url() + "\"\n"
                      : "[targets.rag]\nkind = \"hindsight\"\nurl = \"" + target.url() + "\"\nbank = \"team\"\n";
  std::string text = "[state]\npath = \"state.json\"\n" + t +
                     "[sources.pendant]\nkind = \"memory-api\"\nurl = \"" + memories.url() +
                     "\"\napi_key = \"${MEMORY_API_KEY}\"\ncontext = \"ctx1\"\nlimit = 5000\n" + source_extra +
                     "[connectors.p2r]\nsource = \"pendant\"\ntarget = \"rag\"\nschedule = \"every 1h\"\n"
                     "tags = [\"pendant\"]\n" + extra;
  for (auto at = text.find("__MEM__"); at != std::string::npos; at = text.find("__MEM__")) text.replace(at, 7, memories.url());
  config = dir.write("memconn.toml", text);
}

std::vector<std::string> World::with_key(std::vector<std::string> args) {
  args.insert(args.end(), {"--api-key", "mk"});
  return args;
}

RunResult World::run(std::vector<std::string> args, std::map<std::string, std::string> env) const {
  args.insert(args.begin(), {"--config", config});
  env.emplace("MEMORY_API_KEY", "mk");
  return run_memconn(args, RunOptions{.env = env});
}

std::map<std::string, std::string> World::source_memories() {
  std::map<std::string, std::string> out;
  for (const auto& d : memories.documents()) out[d.document_id] = d.content;
  return out;
}

size_t World::non_empty() {
  size_t n = 0;
  for (const auto& [id, text] : source_memories()) n += !text.empty();
  return n;
}

std::string memories_body(const std::string& prefix, const std::vector<std::string>& transcripts) {
  std::string s = R"({"context":"ctx1","memories":[)";
  for (size_t i = 0; i < transcripts.size(); ++i)
    s += (i ? "," : "") + std::string(R"({"id":")") + prefix + std::to_string(i) +
         R"(","type":"memory","audio":false,"image":false,"transcript":")" + transcripts[i] + R"("})";
  return s + "]}";
}

}  // namespace e2e
