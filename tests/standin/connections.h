// Reaching the server's TCP connections, which httplib 0.11 does not expose: needed to end
// idle keep-alive connections on shutdown, which would otherwise hold the thread pool
// (and the exit) for the whole keep-alive timeout.
#pragma once

namespace standin {

// shutdown() on every connected socket of the process; httplib still closes them.
void shutdown_client_connections();

}  // namespace standin
