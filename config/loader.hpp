// Owns turning YAML text into a validated Config: unknown keys and wrong types are errors that
// name the key and its line; secrets are resolved from their references, never read from YAML.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace blazed::config {

// Parses and validates `yaml`. `origin` names the source in messages (a file path).
Result<Config> parse_config(std::string_view yaml, std::string_view origin);

// Reads and parses a file.
Result<Config> load_config_file(const std::string& path);

// The restart-only keys whose value differs between two configs (for a reload's log line).
std::vector<std::string> restart_only_changes(const Config& running, const Config& loaded);

// Resolves a secret reference (env:, file:, credential:). Errors name the reference, never a value.
Result<Secret> resolve_secret(const SecretRef& ref);

// Parses "env:NAME", "file:/path" or "credential:NAME".
Result<SecretRef> parse_secret_ref(std::string_view text);

// Parses "250ms", "30s", "5m", "2h", "7d" into milliseconds.
Result<Duration> parse_duration(std::string_view text);

}  // namespace blazed::config
