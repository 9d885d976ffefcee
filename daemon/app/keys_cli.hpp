// Owns `blazed keys ...`: operator key commands that run without the daemon (today `generate`).
#pragma once

#include <string>
#include <vector>

namespace blazed::app {

// Exit codes of `blazed keys generate` (docs/operations.md, "Keys and rotation").
inline constexpr int kKeysExitExists = 73;  // EX_CANTCREAT: a key with that id already exists

// `args` are the words after `blazed keys`, e.g. {"generate", "--dir", "/etc/blazed/keys"}.
// `generate --dir DIR [--id ID]` writes a new random v1 key file DIR/ID (mode 0400, never
// overwriting) and prints the key id alone on stdout; without --id the id is the UTC time
// (k-YYYYMMDD-HHMMSS). Returns 0 ok, 1 failure, 2 usage or bad id, 73 the key exists.
int run_keys_cli(const std::vector<std::string>& args);

}  // namespace blazed::app
