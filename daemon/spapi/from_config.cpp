// Owns the mapping and validation of config::SpApiConfig into client options.
#include "spapi/from_config.hpp"

#include "core/errc.hpp"
#include "http/url.hpp"
#include "http/user_agent.hpp"
#include "spapi/orders.hpp"

namespace blazed::spapi {

namespace {

Status check_endpoint(const std::string& key, const std::string& url, bool allow_plain) {
  auto parsed = http::parse_url(url);
  if (!parsed) return make_error(blazed::errc::bad_config, "spapi." + key + " is not an http(s) URL");
  if (!parsed->tls && !allow_plain) {
    return make_error(blazed::errc::bad_config, "spapi." + key + " uses plain http; set spapi.allow_plain_http");
  }
  return {};
}

}  // namespace

Result<ClientSetup> setup_from_config(const config::SpApiConfig& cfg, Secret client_secret) {
  for (const auto& [key, url] : {std::pair<std::string, const std::string&>{"endpoint_na", cfg.endpoint_na},
                                 {"endpoint_eu", cfg.endpoint_eu},
                                 {"endpoint_fe", cfg.endpoint_fe},
                                 {"lwa_endpoint", cfg.lwa_endpoint}}) {
    if (auto st = check_endpoint(key, url, cfg.allow_plain_http); !st) return st.error();
  }
  if (cfg.client_id.empty()) return make_error(blazed::errc::bad_config, "spapi.client_id is empty");
  if (client_secret.empty()) return make_error(blazed::errc::bad_config, "spapi.client_secret is empty");
  auto ua = http::make_user_agent(cfg.user_agent_app, cfg.user_agent_version);
  if (!ua) return ua.error().context("spapi.user_agent_app/user_agent_version");
  if (cfg.max_results_per_page < 1 || cfg.max_results_per_page > 100) {
    return make_error(blazed::errc::bad_config, "spapi.max_results_per_page must be 1..100");
  }
  if (cfg.max_response_bytes < 1024) {
    return make_error(blazed::errc::bad_config, "spapi.max_response_bytes must be at least 1024");
  }
  // Reuse the request builder's dataset check on a request that is otherwise valid.
  if (auto t = get_order_target("x", cfg.included_data); !t) {
    return make_error(blazed::errc::bad_config, "spapi.included_data: " + t.error().message);
  }

  ClientSetup out;
  out.http.ca_file = cfg.ca_file;
  out.http.allow_plain_http = cfg.allow_plain_http;
  out.http.connect_timeout = cfg.connect_timeout;
  out.http.read_timeout = cfg.read_timeout;
  out.http.total_timeout = cfg.total_timeout;
  out.http.max_response_bytes = cfg.max_response_bytes;
  out.http.user_agent = *ua;
  out.lwa.endpoint = cfg.lwa_endpoint;
  out.lwa.client_id = cfg.client_id;
  out.lwa.client_secret = std::move(client_secret);
  out.lwa.refresh_margin = std::chrono::duration_cast<std::chrono::seconds>(cfg.token_refresh_margin);
  out.spapi.endpoint_na = cfg.endpoint_na;
  out.spapi.endpoint_eu = cfg.endpoint_eu;
  out.spapi.endpoint_fe = cfg.endpoint_fe;
  out.spapi.included_data = cfg.included_data;
  out.spapi.max_results_per_page = cfg.max_results_per_page;
  return out;
}

}  // namespace blazed::spapi
