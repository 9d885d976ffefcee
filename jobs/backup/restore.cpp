// Owns reading a backup back (see restore.hpp).
#include "jobs/backup/restore.hpp"

#include "core/log.hpp"
#include "jobs/backup/handoff.hpp"
#include "jobs/backup/worker.hpp"
#include "jobs/backup/errc.hpp"

#include <boost/asio/this_coro.hpp>

#include <fstream>

namespace blazed::jobs::backup {
namespace asio = boost::asio;

namespace {

// The worker's side: everything that blocks or burns CPU.
Status open_into(Handoff& in, OpenStream& open, DumpDestination& destination, std::atomic<pid_t>& child) {
  if (auto st = destination.open(child); !st) return st;
  Status result;
  while (auto piece = in.pop()) {
    if (auto st = open.feed(*piece); !st) {
      result = st;
      break;
    }
  }
  if (result && in.cancelled()) result = make_error(blazed::jobs::backup::errc::backup_cancelled, "the download side stopped");
  if (result) result = open.finish();
  if (result) result = destination.commit();
  if (!result) destination.discard();
  return result;
}

constexpr std::size_t kPieceSize = 1 << 20;
constexpr std::size_t kPiecesInFlight = 4;

// False when the worker stopped taking pieces.
asio::awaitable<bool> push_in_pieces(Handoff& handoff, const std::string& range) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(range.data());
  for (std::size_t at = 0; at < range.size(); at += kPieceSize) {
    const std::size_t n = std::min(kPieceSize, range.size() - at);
    if (!co_await handoff.async_push(Bytes(data + at, data + at + n))) co_return false;
  }
  co_return true;
}

}  // namespace

asio::awaitable<Result<RestoreResult>> restore_backup(Target& target, const Manifest& manifest,
                                                      const crypto::Keyring& keyring,
                                                      DumpDestination& destination,
                                                      std::uint64_t range_size) {
  const auto start = std::chrono::steady_clock::now();
  const std::string key = object_key(target.config.prefix, manifest.backup_id);
  auto head = co_await target.client->head_object(key);
  if (!head && head.error().code == "s3_not_found")
    co_return make_error(blazed::jobs::backup::errc::backup_not_found, "target '" + target.config.name + "' has no object for backup " +
                                                 manifest.backup_id);
  if (!head) co_return head.error().context("target '" + target.config.name + "'");

  // The worker gets small pieces, not whole ranges: what is in flight stays a few MiB whatever
  // the range size, and it never waits on more than a queue's worth of bytes.
  Handoff handoff(co_await asio::this_coro::executor, kPiecesInFlight);
  Status worker_result;
  std::uint64_t dump_bytes = 0;
  Worker worker(handoff, [&](std::atomic<pid_t>& child) {
    OpenStream open(keyring, [&](std::span<const std::uint8_t> d) { return destination.write(d); },
                    ExpectedObject{manifest.object_bytes, manifest.object_sha256});
    worker_result = open_into(handoff, open, destination, child);
    dump_bytes = open.dump_bytes();
    if (!worker_result) handoff.cancel();  // the loop stops downloading
    handoff.mark_done();
  });

  std::optional<Error> download_error;
  for (std::uint64_t first = 0; first < head->size; first += range_size) {
    const std::uint64_t last = std::min(head->size, first + range_size) - 1;
    auto bytes = co_await target.client->get_object_range(key, first, last);
    if (!bytes) {
      download_error = bytes.error().context("target '" + target.config.name + "'");
      break;
    }
    if (!co_await push_in_pieces(handoff, *bytes)) break;  // the worker failed
  }
  if (download_error) {
    worker.stop();
    co_return *download_error;
  }
  handoff.close();
  co_await handoff.async_wait_done();
  worker.join();
  if (!worker_result) co_return worker_result.error();
  co_return RestoreResult{head->size, dump_bytes,
                          std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - start)};
}

Result<RestoreResult> decrypt_file(const std::filesystem::path& object, const crypto::Keyring& keyring,
                                   DumpDestination& destination, const ExpectedObject& expected) {
  const auto start = std::chrono::steady_clock::now();
  std::ifstream in(object, std::ios::binary);
  if (!in) return make_error(blazed::jobs::backup::errc::backup_io, "cannot read " + object.string());
  std::atomic<pid_t> no_child{-1};
  if (auto st = destination.open(no_child); !st) return st.error();
  OpenStream open(keyring, [&](std::span<const std::uint8_t> d) { return destination.write(d); }, expected);
  Bytes buffer(1 << 20);
  Status result;
  while (result && in) {
    in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n > 0) result = open.feed({buffer.data(), n});
  }
  if (result && in.bad()) result = make_error(blazed::jobs::backup::errc::backup_io, "reading " + object.string());
  if (result) result = open.finish();
  if (result) result = destination.commit();
  if (!result) {
    destination.discard();
    return result.error();
  }
  return RestoreResult{open.object_bytes(), open.dump_bytes(),
                       std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)};
}

}  // namespace blazed::jobs::backup
