// Owns the judgement of the compliance report (see evaluate.hpp).
#include "jobs/compliance/evaluate.hpp"

#include "jobs/backup/manifest.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace blazed::jobs::compliance {

namespace json = boost::json;

namespace {

const json::value* at(const json::value& v, std::string_view key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}
std::int64_t int_at(const json::value& v, std::string_view key) {
  const auto* f = at(v, key);
  return f != nullptr && f->is_int64() ? f->as_int64() : 0;
}
bool bool_at(const json::value& v, std::string_view key) {
  const auto* f = at(v, key);
  return f != nullptr && f->is_bool() && f->as_bool();
}
std::string text_at(const json::value& v, std::string_view key, std::string_view fallback = "") {
  const auto* f = at(v, key);
  return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string(fallback);
}
const json::array& array_at(const json::value& v, std::string_view key) {
  static const json::array none;
  const auto* f = at(v, key);
  return f != nullptr && f->is_array() ? f->as_array() : none;
}
// The sum of an object's numbers ({"seller_tokens": 2, "raw_payloads": 0} -> 2).
std::int64_t total_at(const json::value& v, std::string_view key) {
  std::int64_t n = 0;
  if (const auto* f = at(v, key); f != nullptr && f->is_object())
    for (const auto& [k, x] : f->as_object())
      if (x.is_int64()) n += x.as_int64();
  return n;
}

// Evidence that could not be read fails its check: the report cannot show the promise is kept.
Line unreadable(const char* section, std::string check, const Error& error) {
  return {section, std::move(check), Verdict::fail, "unreadable", error.code + ": " + error.message};
}

std::string days_text(std::int64_t days) { return std::to_string(days) + " days"; }

// A credential's age line from keys.status's {known, age_days, max_age_days, over_policy}.
Line credential_line(std::string check, const json::value& age, std::string_view unknown_fix) {
  Line l{section::credentials, std::move(check), Verdict::pass, "unknown", {}};
  const std::string limit = "policy: at most " + days_text(int_at(age, "max_age_days"));
  if (!bool_at(age, "known")) {
    l.status = Verdict::warn;
    l.detail = "creation time unknown; " + std::string(unknown_fix);
    return l;
  }
  l.value = days_text(int_at(age, "age_days"));
  l.status = bool_at(age, "over_policy") ? Verdict::fail : Verdict::pass;
  l.detail = bool_at(age, "over_policy") ? "over policy (" + limit + "): rotate it" : limit;
  return l;
}

void credentials(const Result<json::value>& keys, std::vector<Line>& out) {
  if (!keys) {
    out.push_back(unreadable(section::credentials, "keys", keys.error()));
    return;
  }
  const json::value& k = *keys;
  for (const auto& key : array_at(k, "keys")) {
    const std::string id = text_at(key, "id");
    Line l = credential_line("key " + id + " age", key, "its file's creation time is what counts");
    if (bool_at(key, "active")) l.detail += "; active key";
    out.push_back(std::move(l));
  }
  if (const auto* lwa = at(k, "lwa_client_secret"); lwa != nullptr)
    out.push_back(credential_line("LWA client secret age", *lwa, "set credential_ages.lwa_client_secret_created"));
  const std::int64_t legacy = total_at(k, "legacy_rows");
  out.push_back({section::credentials, "legacy AES-CBC rows left", legacy > 0 ? Verdict::warn : Verdict::pass,
                 std::to_string(legacy), legacy > 0 ? "key rotation upgrades them (blazectl keys rotate)" : "none"});
  const std::int64_t stale = total_at(k, "rows_to_rotate");
  out.push_back({section::credentials, "rows not under the active key", stale > 0 ? Verdict::warn : Verdict::pass,
                 std::to_string(stale), stale > 0 ? "rotation pending (blazectl keys rotate)" : "all rotated"});
  const auto& missing = array_at(k, "missing_keys");
  std::string ids;
  for (const auto& m : missing) ids += (ids.empty() ? "" : ", ") + text_at(m, "id");
  out.push_back({section::credentials, "rows under a key not loaded", missing.empty() ? Verdict::pass : Verdict::fail,
                 std::to_string(missing.size()) + " keys",
                 missing.empty() ? "every stored row can be opened" : "cannot be opened: " + ids});
}

void retention(const Evidence& e, const Policy& p, std::vector<Line>& out) {
  if (e.oldest_raw_payload) {
    const auto& oldest = *e.oldest_raw_payload;
    const std::string limit = "limit " + age_text(p.raw_payload_max_age) + " (retention.raw_payloads)";
    if (!oldest) out.push_back(unreadable(section::retention, "oldest raw payload", oldest.error()));
    else if (!*oldest) out.push_back({section::retention, "oldest raw payload", Verdict::pass, "none stored", limit});
    else {
      const auto age = e.now - **oldest;
      out.push_back({section::retention, "oldest raw payload", age > p.raw_payload_max_age ? Verdict::fail : Verdict::pass,
                     age_text(age), limit + "; received " + backup::format_utc(**oldest)});
    }
  }
  if (e.deletions) {
    const auto& d = *e.deletions;
    if (!d) {
      out.push_back(unreadable(section::retention, "account deletions", d.error()));
    } else {
      const std::int64_t overdue = int_at(*d, "overdue");
      const std::int64_t pending = int_at(*d, "pending");
      out.push_back({section::retention, "account deletions", overdue > 0 ? Verdict::fail : Verdict::pass,
                     std::to_string(pending) + " pending, " + std::to_string(overdue) + " overdue",
                     overdue > 0 ? "past the 7-business-day deadline (blazectl deletions)"
                                 : "deadline 7 business days"});
    }
  }
}

void backups(const Evidence& e, const Policy& p, std::vector<Line>& out) {
  if (e.backups) {
    const auto& b = *e.backups;
    if (!b) {
      out.push_back(unreadable(section::backup, "backups", b.error()));
    } else {
      for (const auto& r : b->regions) {
        const std::string check = "target " + r.target + " off-site";
        if (!r.off_site) out.push_back({section::backup, check, Verdict::fail, r.region, "in the server's own region"});
        else if (!r.ok)
          out.push_back({section::backup, check, Verdict::warn, r.region,
                         "backup.primary_region is not set: off-site cannot be shown"});
        else out.push_back({section::backup, check, Verdict::pass, r.region, "not the server's region"});
      }
      // Good means complete on every target, so the newest good one is each target's.
      const std::string limit = "limit " + age_text(p.backup_max_age);
      for (const auto& r : b->regions) {
        const std::string check = "newest good backup on " + r.target + " (" + r.region + ")";
        if (!b->newest_good_finished) {
          out.push_back({section::backup, check, Verdict::fail, "none", "no backup is complete on every target"});
          continue;
        }
        const auto age = e.now - *b->newest_good_finished;
        out.push_back({section::backup, check, age > p.backup_max_age ? Verdict::fail : Verdict::pass, age_text(age),
                       limit + "; " + b->newest_good.value_or("")});
      }
    }
  }
  if (e.drill) {
    const auto& d = *e.drill;
    if (!d) {
      out.push_back(unreadable(section::backup, "last restore drill", d.error()));
    } else if (!*d) {
      out.push_back({section::backup, "last restore drill", Verdict::fail, "never", "no restore drill recorded"});
    } else {
      const auto& drill = **d;
      const auto age = e.now - drill.finished_at;
      Line last{section::backup, "last restore drill", Verdict::pass, age_text(age) + " ago",
                "finished " + backup::format_utc(drill.finished_at)};
      if (!drill.success) {
        last.status = Verdict::fail;
        last.detail += "; failed: " + drill.error_code.value_or("unknown");
      } else if (age > p.drill_max_age) {
        last.status = Verdict::warn;
        last.detail += "; older than " + age_text(p.drill_max_age) + " (drills are quarterly)";
      }
      out.push_back(std::move(last));
      Line rto{section::backup, "restore drill duration", Verdict::pass, "unknown", "RTO " + age_text(p.rto)};
      if (drill.duration) {
        rto.value = age_text(*drill.duration);
        if (*drill.duration > p.rto) rto.status = Verdict::fail;
      } else {
        rto.status = Verdict::warn;
        rto.detail += "; the last drill recorded no duration";
      }
      out.push_back(std::move(rto));
    }
  }
}

void logging(const Evidence& e, const Policy& p, std::vector<Line>& out) {
  if (!e.redaction) return;
  const bool kept = p.audit_retention >= p.audit_min_retention;
  out.push_back({section::logging, "audit trail retention", kept ? Verdict::pass : Verdict::fail,
                 age_text(p.audit_retention), "at least " + days_text(p.audit_min_retention.count()) + " (retention.audit)"});
  const auto& r = *e.redaction;
  out.push_back({section::logging, "log redaction self-test", r.passed ? Verdict::pass : Verdict::fail,
                 std::string(r.passed ? "passed" : "failed") + " at " + backup::format_utc(r.ran_at), r.detail});
}

// An open incident's deadline line from its notice state (notice_deadlines.hpp's names).
Line notice_line(const json::value& incident, std::string_view step, const char* name) {
  std::string due = "-";
  for (const auto& s : array_at(incident, "steps"))
    if (text_at(s, "step") == step)
      if (const auto* d = at(s, "deadline"); d != nullptr) due = text_at(*d, "due", "-");
  const std::string state = text_at(incident, step == "notify_amazon" ? "amazon_notice" : "users_notice");
  Line l{section::incidents, "incident " + std::to_string(int_at(incident, "id")) + " " + name, Verdict::pass, state,
         "due " + due};
  if (state == "past") l.status = Verdict::fail;
  else if (state == "near" || state == "late") l.status = Verdict::warn;
  else if (state == "unconfirmed") {
    l.status = Verdict::warn;
    l.detail = "not confirmed: the deadlines start at confirmation";
  }
  return l;
}

void incidents(const Result<json::value>& list, std::vector<Line>& out) {
  if (!list) {
    out.push_back(unreadable(section::incidents, "incidents", list.error()));
    return;
  }
  const std::int64_t open = int_at(*list, "open");
  out.push_back({section::incidents, "open incidents", open > 0 ? Verdict::warn : Verdict::pass, std::to_string(open),
                 open > 0 ? "being handled (blazectl incident list)" : "none"});
  for (const auto& i : array_at(*list, "incidents")) {
    if (text_at(i, "state") != "open") continue;
    out.push_back(notice_line(i, "notify_amazon", "notice to Amazon (24 h)"));
    out.push_back(notice_line(i, "notify_users", "notice to users (72 h)"));
  }
}

}  // namespace

std::string age_text(Clock::duration age) {
  using namespace std::chrono;
  if (age < Clock::duration::zero()) age = Clock::duration::zero();
  const auto days = duration_cast<hours>(age).count() / 24;
  const auto h = duration_cast<hours>(age).count() % 24;
  const auto min = duration_cast<minutes>(age).count() % 60;
  if (days > 0) return std::to_string(days) + " days" + (h > 0 ? " " + std::to_string(h) + " h" : "");
  if (h > 0) return std::to_string(h) + " h" + (min > 0 ? " " + std::to_string(min) + " min" : "");
  if (min > 0) return std::to_string(min) + " min";
  return std::to_string(duration_cast<seconds>(age).count()) + " s";
}

std::vector<Line> evaluate(const Evidence& evidence, const Policy& policy) {
  std::vector<Line> out;
  if (evidence.keys) credentials(*evidence.keys, out);
  retention(evidence, policy, out);
  backups(evidence, policy, out);
  logging(evidence, policy, out);
  if (evidence.incidents) incidents(*evidence.incidents, out);
  return out;
}

}  // namespace blazed::jobs::compliance
