// Owns S3 credentials: the access key id, the secret key and an optional session token, and
// reading them from a file, the environment or a systemd credential.
#pragma once

#include "core/error.hpp"
#include "core/secret.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace blazed::s3 {

struct Credentials {
  std::string access_key_id;  // not secret (it names the key), but kept out of logs anyway
  Secret secret_access_key;
  Secret session_token;       // empty: long-term credentials
};

// Looks an environment variable up; injected so tests need not touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup process_env();

// The AWS shared-credentials INI layout:
//   [default]
//   aws_access_key_id = AKID...
//   aws_secret_access_key = ...
//   aws_session_token = ...        (optional)
// `profile` selects the section. Parsing errors never quote the file's content.
Result<Credentials> parse_credentials_file(std::string_view text, std::string_view profile);

// Reads `path` (which must not be readable by others; group bits are allowed only when
// `allow_group` is set, as for systemd credentials) and parses it.
//   s3_credentials  missing file, bad permissions, missing or empty fields
Result<Credentials> credentials_from_file(const std::filesystem::path& path,
                                          std::string_view profile = "default",
                                          bool allow_group = false);

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, if set, AWS_SESSION_TOKEN.
Result<Credentials> credentials_from_env(const EnvLookup& env = process_env());

// A credential passed by systemd (LoadCredential=NAME:/path): $CREDENTIALS_DIRECTORY/NAME, in
// the shared-credentials layout.
Result<Credentials> credentials_from_systemd(std::string_view name,
                                             std::string_view profile = "default",
                                             const EnvLookup& env = process_env());

}  // namespace blazed::s3
