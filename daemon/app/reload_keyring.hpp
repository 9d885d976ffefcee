// Owns the keyring part of a SIGHUP reload (reload_keyring.cpp). Internal to blazed_server.
#pragma once

#include "config/config.hpp"
#include "app/parts.hpp"

#include <boost/asio/awaitable.hpp>

namespace blazed::app {

enum class KeyringReload { unchanged, applied, refused };

// Loads the keys `next` describes and, when they differ from the running ones, swaps them in.
// Refused (the running keys stay, the reason is logged) when the new set does not load (a
// missing active key, an insecure file...) or drops a key that rows are still sealed under.
// Applied: audited as keys.reload; a new active key enqueues the rotation job.
boost::asio::awaitable<KeyringReload> reload_keyring(Parts& parts, const config::KeyringConfig& next);

}  // namespace blazed::app
