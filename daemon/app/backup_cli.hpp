// Owns `blazed backup decrypt`: disaster recovery from a downloaded backup object with nothing
// but the key directory (no Redis, PostgreSQL, S3 or running daemon), writing the dump file that
// pg_restore reads.
#pragma once

#include <string>
#include <vector>

namespace blazed::app {

// `args` are the words after `blazed backup`: decrypt --key-dir DIR [--manifest FILE] IN OUT.
// OUT appears only once the whole object authenticated (and matched the manifest, if given);
// meanwhile it is written as OUT.partial, removed on failure. Returns 0 ok, 1 failure (the error
// code and message on stderr), 2 usage.
int run_backup_cli(const std::vector<std::string>& args);

}  // namespace blazed::app
