// Owns building the targets' S3 clients (see targets.hpp).
#include "jobs/backup/targets.hpp"
#include "s3/errc.hpp"
#include "jobs/backup/errc.hpp"

namespace blazed::jobs::backup {

Result<s3::Credentials> target_credentials(const config::SecretRef& ref, const s3::EnvLookup& env) {
  switch (ref.kind) {
    case config::SecretRef::Kind::env: {
      const std::string prefix = ref.name;
      // The standard variable names, read under the configured prefix.
      return s3::credentials_from_env([&](std::string_view name) -> std::optional<std::string> {
        std::string_view rest = name;
        if (rest.starts_with("AWS_")) rest.remove_prefix(4);
        return env(prefix + "_" + std::string(rest));
      });
    }
    case config::SecretRef::Kind::file:
      return s3::credentials_from_file(ref.name);
    case config::SecretRef::Kind::credential:
      return s3::credentials_from_systemd(ref.name, "default", env);
  }
  return make_error(blazed::s3::errc::s3_credentials, "unknown credentials reference");
}

Result<std::vector<Target>> open_targets(boost::asio::any_io_executor executor,
                                         const config::BackupConfig& config, const Clock& clock) {
  if (config.targets.empty()) return make_error(blazed::jobs::backup::errc::backup_no_targets, "backup.targets is empty");
  std::vector<Target> out;
  for (const auto& t : config.targets) {
    auto credentials = target_credentials(t.credentials);
    if (!credentials) return credentials.error().context("backup target '" + t.name + "'");
    s3::ClientOptions o;
    o.endpoint = t.endpoint;
    o.region = t.region;
    o.bucket = t.bucket;
    o.addressing = t.addressing == "path"      ? s3::Addressing::path
                   : t.addressing == "virtual" ? s3::Addressing::virtual_hosted
                                               : s3::Addressing::automatic;
    o.transport.allow_plain_http = t.allow_plain_http;
    auto client = s3::Client::create(executor, std::move(o), std::move(*credentials), clock);
    if (!client) return client.error().context("backup target '" + t.name + "'");
    out.push_back(Target{t, std::move(*client)});
  }
  return out;
}

std::vector<std::string> same_region_targets(const config::BackupConfig& config) {
  std::vector<std::string> out;
  if (config.primary_region.empty()) return out;
  for (const auto& t : config.targets)
    if (t.region == config.primary_region) out.push_back(t.name);
  return out;
}

std::vector<RegionCheck> region_checks(const config::BackupConfig& config) {
  std::vector<RegionCheck> out;
  for (const auto& t : config.targets) {
    const bool off_site = config.primary_region.empty() || t.region != config.primary_region;
    out.push_back({t.name, t.region, off_site, off_site && !config.primary_region.empty()});
  }
  return out;
}

}  // namespace blazed::jobs::backup
