#include <memory>

#include "cli/app.h"
#include "cli/doctor.h"

namespace memconn {

void register_doctor(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<DoctorOptions>();
  auto* sub = app.add_subcommand(
      "doctor", "Check the Hindsight target, or a connector's source and target (DNS, TLS, key, version, bank, clock), "
                "and the state files; one line each");
  sub->add_option("--connector", o->connector,
                  "Check this connector's source (connect, key, a one-memory read) and target (LightRAG /health and "
                  "key, or Hindsight as without it) instead of the Hindsight settings")
      ->type_name("CONNECTOR");
  sub->footer(
      "Exit 0 when no check failed (warnings allowed), 1 otherwise. The API key is never printed.\n\n"
      "Examples:\n"
      "  memconn doctor --bank team\n"
      "  memconn doctor --ca-file /etc/ssl/corp-ca.pem --json\n"
      "  memconn doctor --connector pendant-to-rag\n");
  sub->callback([o, &ctx] { ctx.exit_code = run_doctor(ctx.global, *o); });
}

}  // namespace memconn
