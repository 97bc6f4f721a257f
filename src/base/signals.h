// SIGINT/SIGTERM handling for runs that must checkpoint: the first signal asks the run to
// stop (drain, checkpoint, exit 130/143); a second one exits at once, which is safe because
// every state write is an atomic rename.
#pragma once
#include <chrono>

namespace memconn {

void install_stop_signals();
// 0 if no stop signal arrived, else the signal number.
int stop_signal_received();
// Sleeps up to d in short slices; false as soon as a stop signal arrived. A Retry-After can
// ask for minutes: Ctrl-C must not wait that out.
bool sleep_unless_stopped(std::chrono::milliseconds d);
// SIGPIPE on stdout (memconn ... | head) must surface as EPIPE, not kill the run.
void ignore_sigpipe();

}  // namespace memconn
