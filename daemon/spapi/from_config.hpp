// Owns turning the `spapi` config section into the options of the HTTP, LWA and SP-API clients,
// validated (URLs, plain http, user agent, page size, datasets) so start-up fails clearly.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"
#include "http/client.hpp"
#include "spapi/client.hpp"
#include "spapi/lwa.hpp"

namespace blazed::spapi {

struct ClientSetup {
  http::ClientOptions http;
  LwaOptions lwa;
  SpApiOptions spapi;
};

// `client_secret` is the resolved value of cfg.client_secret. Fails with `bad_config`.
Result<ClientSetup> setup_from_config(const config::SpApiConfig& cfg, Secret client_secret);

}  // namespace blazed::spapi
