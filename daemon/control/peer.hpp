// Owns who may talk to the control socket and with which role: reading the peer's credentials
// from the kernel and checking them against the read and admin lists.
#pragma once

#include "config/config.hpp"
#include "control/protocol.hpp"
#include "control/registry.hpp"

#include <vector>

namespace blazed::control {

// The peer's pid, uid and primary gid (SO_PEERCRED) and its supplementary groups
// (SO_PEERGROUPS), as the kernel recorded them when the peer connected.
Result<Peer> read_peer(int fd);

// Users and groups holding one role: a peer is a member when its uid is in `uids`, or its primary
// gid or any of its supplementary groups is in `gids`.
struct Members {
  std::vector<uid_t> uids;
  std::vector<gid_t> gids;
};

// A peer's role: admin when its uid is in `always_admin` or it is a member of `admin`; else read
// when it is a member of `read`; else none (refused at accept). The overflow id
// (config::kOverflowId) never counts, whatever the lists say.
class PeerPolicy {
 public:
  // root and the daemon's effective uid are always admin.
  static PeerPolicy from_config(const config::ControlConfig& cfg);
  PeerPolicy(std::vector<uid_t> always_admin, Members admin, Members read)
      : always_admin_(std::move(always_admin)), admin_(std::move(admin)), read_(std::move(read)) {}

  [[nodiscard]] Role role_of(const Peer& peer) const;

 private:
  std::vector<uid_t> always_admin_;
  Members admin_;
  Members read_;
};

}  // namespace blazed::control
