// Owns reading peer credentials and the allow-list check (see peer.hpp).
#include "control/peer.hpp"

#include "control/errc.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace blazed::control {

Result<Peer> read_peer(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return make_error(errc::peer_credentials, std::string("SO_PEERCRED failed: ") + std::strerror(errno));
  }
  Peer peer{cred.pid, cred.uid, cred.gid, {}};
  // SO_PEERGROUPS answers ERANGE with the size it needs when the buffer is too small.
  std::vector<gid_t> groups(32);
  for (int attempt = 0; attempt < 4; ++attempt) {
    socklen_t bytes = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &bytes) == 0) {
      groups.resize(bytes / sizeof(gid_t));
      peer.groups = std::move(groups);
      return peer;
    }
    if (errno != ERANGE) break;
    groups.resize(bytes / sizeof(gid_t) + 1);
  }
  // Without supplementary groups the check falls back to uid and primary gid only.
  return peer;
}

PeerPolicy PeerPolicy::from_config(const config::ControlConfig& cfg) {
  return PeerPolicy({0, geteuid()}, cfg.allow_uids, cfg.allow_gids);
}

bool PeerPolicy::allows(const Peer& peer) const {
  auto has = [](const auto& list, auto v) { return std::find(list.begin(), list.end(), v) != list.end(); };
  if (has(always_uids_, peer.uid) || has(allow_uids_, peer.uid)) return true;
  if (has(allow_gids_, peer.gid)) return true;
  return std::any_of(peer.groups.begin(), peer.groups.end(),
                     [&](gid_t g) { return has(allow_gids_, g); });
}

}  // namespace blazed::control
