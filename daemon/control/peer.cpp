// Owns reading peer credentials and deciding a peer's role (see peer.hpp).
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
  return PeerPolicy({0, geteuid()}, Members{cfg.admin_uids, cfg.admin_gids},
                    Members{cfg.read_uids, cfg.read_gids});
}

namespace {

template <class Id>
bool listed(const std::vector<Id>& list, Id id) {
  return id != config::kOverflowId && std::find(list.begin(), list.end(), id) != list.end();
}

bool is_member(const Members& m, const Peer& peer) {
  if (listed(m.uids, peer.uid) || listed(m.gids, peer.gid)) return true;
  return std::any_of(peer.groups.begin(), peer.groups.end(), [&](gid_t g) { return listed(m.gids, g); });
}

}  // namespace

Role PeerPolicy::role_of(const Peer& peer) const {
  // An unmapped peer (a user namespace between us) could be anyone.
  if (peer.uid == config::kOverflowId) return Role::none;
  if (listed(always_admin_, peer.uid) || is_member(admin_, peer)) return Role::admin;
  if (is_member(read_, peer)) return Role::read;
  return Role::none;
}

}  // namespace blazed::control
