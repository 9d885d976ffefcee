// Owns who may talk to the control socket: reading the peer's credentials from the kernel and
// checking them against the allow-list.
#pragma once

#include "config/config.hpp"
#include "control/protocol.hpp"

#include <vector>

namespace blazed::control {

// The peer's pid, uid and primary gid (SO_PEERCRED) and its supplementary groups
// (SO_PEERGROUPS), as the kernel recorded them when the peer connected.
Result<Peer> read_peer(int fd);

// A peer is allowed when its uid is in `always_uids` or `allow_uids`, or its primary gid or any
// of its supplementary groups is in `allow_gids`.
class PeerPolicy {
 public:
  // root and the daemon's effective uid are always allowed.
  static PeerPolicy from_config(const config::ControlConfig& cfg);
  PeerPolicy(std::vector<uid_t> always_uids, std::vector<uid_t> allow_uids,
             std::vector<gid_t> allow_gids)
      : always_uids_(std::move(always_uids)),
        allow_uids_(std::move(allow_uids)),
        allow_gids_(std::move(allow_gids)) {}

  [[nodiscard]] bool allows(const Peer& peer) const;

 private:
  std::vector<uid_t> always_uids_;
  std::vector<uid_t> allow_uids_;
  std::vector<gid_t> allow_gids_;
};

}  // namespace blazed::control
