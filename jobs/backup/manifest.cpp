// Owns the manifest's JSON form and the object key layout (see manifest.hpp).
#include "jobs/backup/manifest.hpp"
#include "jobs/backup/errc.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <ctime>

namespace blazed::jobs::backup {
namespace json = boost::json;

namespace {
constexpr std::string_view kObjectSuffix = ".bkp";
constexpr std::string_view kManifestSuffix = ".manifest.json";
}  // namespace

std::string format_utc(Clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<Clock::time_point> parse_utc(std::string_view text) {
  std::tm tm{};
  const std::string s(text);
  const char* end = ::strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

std::optional<Clock::time_point> parse_listed_utc(std::string_view text) {
  if (text.size() < 19) return std::nullopt;
  return parse_utc(std::string(text.substr(0, 19)) + "Z");
}

std::string make_backup_id(Clock::time_point at, std::uint32_t random_suffix) {
  std::string t = format_utc(at);  // 2026-12-03T03:00:00Z
  std::string compact;
  for (char c : t)
    if (c != '-' && c != ':') compact.push_back(c);
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "-%08x", random_suffix);
  return compact + suffix;
}

bool valid_backup_id(std::string_view id) {
  // YYYYMMDDTHHMMSSZ-xxxxxxxx
  if (id.size() != 25 || id[8] != 'T' || id[15] != 'Z' || id[16] != '-') return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 15 || i == 16) continue;
    const char c = id[i];
    const bool digit = c >= '0' && c <= '9';
    const bool hex = digit || (c >= 'a' && c <= 'f');
    if (i < 15 ? !digit : !hex) return false;
  }
  return true;
}

std::string object_key(std::string_view prefix, std::string_view backup_id) {
  return std::string(prefix) + std::string(backup_id) + std::string(kObjectSuffix);
}

std::string manifest_key(std::string_view prefix, std::string_view backup_id) {
  return std::string(prefix) + std::string(backup_id) + std::string(kManifestSuffix);
}

std::optional<ParsedKey> parse_key(std::string_view prefix, std::string_view key) {
  if (!key.starts_with(prefix)) return std::nullopt;
  key.remove_prefix(prefix.size());
  for (auto [suffix, kind] : {std::pair{kObjectSuffix, KeyKind::object},
                              std::pair{kManifestSuffix, KeyKind::manifest}}) {
    if (key.ends_with(suffix)) {
      std::string_view id = key.substr(0, key.size() - suffix.size());
      if (valid_backup_id(id)) return ParsedKey{std::string(id), kind};
    }
  }
  return std::nullopt;
}

std::string manifest_to_json(const Manifest& m) {
  json::array tables;
  for (const auto& t : m.tables)
    tables.push_back(json::object{{"schema", t.schema}, {"table", t.table}, {"rows_estimate", t.rows}});
  json::object o{
      {"manifest_version", m.manifest_version},
      {"format_version", m.format_version},
      {"backup_id", m.backup_id},
      {"key_id", m.key_id},
      {"dump_bytes", m.dump_bytes},
      {"compressed_bytes", m.compressed_bytes},
      {"object_bytes", m.object_bytes},
      {"object_sha256", m.object_sha256},
      {"pg_server_version", m.pg_server_version},
      {"pg_dump_version", m.pg_dump_version},
      {"instance_id", m.instance_id},
      {"started_at", format_utc(m.started_at)},
      {"finished_at", format_utc(m.finished_at)},
      {"tables", std::move(tables)},
  };
  return json::serialize(o);
}

Result<Manifest> manifest_from_json(std::string_view text) {
  const auto bad = [](const char* what) { return make_error(blazed::jobs::backup::errc::backup_bad_manifest, what); };
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return bad("the manifest is not a JSON object");
  const json::object& o = v.as_object();
  Manifest m;
  try {
    m.manifest_version = static_cast<int>(o.at("manifest_version").to_number<std::int64_t>());
    if (m.manifest_version != kManifestVersion) return bad("unsupported manifest version");
    m.format_version = static_cast<int>(o.at("format_version").to_number<std::int64_t>());
    m.backup_id = json::value_to<std::string>(o.at("backup_id"));
    m.key_id = json::value_to<std::string>(o.at("key_id"));
    m.dump_bytes = o.at("dump_bytes").to_number<std::uint64_t>();
    m.compressed_bytes = o.at("compressed_bytes").to_number<std::uint64_t>();
    m.object_bytes = o.at("object_bytes").to_number<std::uint64_t>();
    m.object_sha256 = json::value_to<std::string>(o.at("object_sha256"));
    m.pg_server_version = json::value_to<std::string>(o.at("pg_server_version"));
    m.pg_dump_version = json::value_to<std::string>(o.at("pg_dump_version"));
    m.instance_id = json::value_to<std::string>(o.at("instance_id"));
    auto started = parse_utc(json::value_to<std::string>(o.at("started_at")));
    auto finished = parse_utc(json::value_to<std::string>(o.at("finished_at")));
    if (!started || !finished) return bad("bad times in the manifest");
    m.started_at = *started;
    m.finished_at = *finished;
    for (const auto& t : o.at("tables").as_array()) {
      const auto& to = t.as_object();
      m.tables.push_back({json::value_to<std::string>(to.at("schema")),
                          json::value_to<std::string>(to.at("table")),
                          to.at("rows_estimate").to_number<std::int64_t>()});
    }
  } catch (const std::exception&) {
    return bad("a manifest field is missing or has the wrong type");
  }
  if (!valid_backup_id(m.backup_id)) return bad("bad backup id in the manifest");
  return m;
}

}  // namespace blazed::jobs::backup
