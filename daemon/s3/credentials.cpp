// Owns reading S3 credentials from the shared-credentials file layout, the environment and
// systemd's credentials directory.
#include "s3/credentials.hpp"

#include "s3/errc.hpp"

#include "core/env_secret.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace blazed::s3 {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Error cred_error(std::string message) { return make_error(errc::s3_credentials, std::move(message)); }

}  // namespace

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    // Where credentials live (CREDENTIALS_DIRECTORY) stays; credentials themselves are taken
    // out of the environment on first read (core/env_secret.hpp).
    if (name == "CREDENTIALS_DIRECTORY") {
      const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
      if (dir == nullptr) return std::nullopt;
      return std::string(dir);
    }
    auto v = take_env_secret(name);
    if (!v) return std::nullopt;
    return std::string(v->reveal());
  };
}

Result<Credentials> parse_credentials_file(std::string_view text, std::string_view profile) {
  Credentials out;
  bool in_profile = false;
  bool seen_profile = false;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return cred_error("line " + std::to_string(line_no) + ": bad section header");
      std::string_view name = trim(line.substr(1, line.size() - 2));
      if (name.rfind("profile ", 0) == 0) name = trim(name.substr(8));
      in_profile = name == profile;
      seen_profile = seen_profile || in_profile;
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos)
      return cred_error("line " + std::to_string(line_no) + ": expected 'name = value'");
    if (!in_profile) continue;
    const std::string_view key = trim(line.substr(0, eq));
    const std::string_view value = trim(line.substr(eq + 1));
    if (key == "aws_access_key_id") {
      out.access_key_id = std::string(value);
    } else if (key == "aws_secret_access_key") {
      out.secret_access_key = Secret(std::string(value));
    } else if (key == "aws_session_token") {
      out.session_token = Secret(std::string(value));
    }
  }
  if (!seen_profile) return cred_error("no profile [" + std::string(profile) + "]");
  if (out.access_key_id.empty() || out.secret_access_key.empty())
    return cred_error("profile [" + std::string(profile) +
                      "] needs aws_access_key_id and aws_secret_access_key");
  return out;
}

Result<Credentials> credentials_from_file(const std::filesystem::path& path, std::string_view profile,
                                          bool allow_group) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return cred_error("cannot read " + path.string());
  if (!S_ISREG(st.st_mode)) return cred_error(path.string() + " is not a regular file");
  const mode_t forbidden = allow_group ? S_IRWXO : (S_IRWXG | S_IRWXO);
  if ((st.st_mode & forbidden) != 0)
    return cred_error(path.string() + " is accessible to " + (allow_group ? "others" : "group or others") +
                      " (chmod 0600)");
  std::ifstream in(path, std::ios::binary);
  if (!in) return cred_error("cannot read " + path.string());
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  auto parsed = parse_credentials_file(text, profile);
  secure_wipe(text.data(), text.size());
  if (!parsed) return parsed.error().context(path.string());
  return parsed;
}

Result<Credentials> credentials_from_env(const EnvLookup& env) {
  auto id = env("AWS_ACCESS_KEY_ID");
  auto secret = env("AWS_SECRET_ACCESS_KEY");
  if (!id || id->empty() || !secret || secret->empty())
    return cred_error("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set");
  Credentials out;
  out.access_key_id = std::move(*id);
  out.secret_access_key = Secret(std::move(*secret));
  if (auto token = env("AWS_SESSION_TOKEN"); token && !token->empty())
    out.session_token = Secret(std::move(*token));
  return out;
}

Result<Credentials> credentials_from_systemd(std::string_view name, std::string_view profile,
                                             const EnvLookup& env) {
  auto dir = env("CREDENTIALS_DIRECTORY");
  if (!dir || dir->empty())
    return cred_error("$CREDENTIALS_DIRECTORY is not set (no LoadCredential= for '" +
                      std::string(name) + "')");
  if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..")
    return cred_error("bad credential name");
  // systemd's ACL mask shows as group bits inside a directory only the unit can enter.
  return credentials_from_file(std::filesystem::path(*dir) / std::string(name), profile, true);
}

}  // namespace blazed::s3
