// Owns MultipartUpload: turns a stream of bytes into an S3 multipart upload, choosing part sizes
// within S3's limits (>= 5 MiB, <= 10,000 parts, growing with the stream), sending each part
// with its SHA-256, completing at the end, and aborting on any failure, so a failed or partial
// upload never becomes an object. Up to `parts_in_flight` parts are sent while the next one
// fills, so the producer does not wait on each part's round trip and one slow answer does not
// stall the stream. Memory: parts_in_flight + 1 part buffers.
#pragma once

#include "s3/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace blazed::s3 {

struct MultipartOptions {
  // The first parts' size; never below S3's 5 MiB minimum.
  std::uint64_t min_part_size = kMinPartSize;
  // Expected total size, if known (0: unknown). Raises the part size so that the expected size
  // fits in 10,000 parts without growing.
  std::uint64_t size_hint = 0;
  // Parts sent at once (at least 1). Each costs a part buffer (5 MiB and up) and a connection.
  int parts_in_flight = 2;
  PutOptions put;
};

// The size of part `number` (1-based): `base` for parts 1-1000, doubling every 1000 parts,
// capped at 5 GiB. From 5 MiB, 10,000 parts cover about 4.88 TiB (5 MiB * 1000 * 1023);
// a size hint raises the base for anything larger.
std::uint64_t part_size_for(int number, std::uint64_t base);
// The base size for these options: max(min_part_size, ceil(size_hint / 10000)), whole MiB.
std::uint64_t base_part_size(const MultipartOptions& options);

class MultipartUpload {
 public:
  MultipartUpload(Client& client, std::string key, MultipartOptions options = {});
  MultipartUpload(const MultipartUpload&) = delete;
  MultipartUpload& operator=(const MultipartUpload&) = delete;

  // Buffers `data`, sending each part as it fills (when `parts_in_flight` parts are out, the
  // oldest must have been accepted first: a part's failure shows on a later write, or on
  // finish). On failure the upload is aborted and every later call returns the same error.
  boost::asio::awaitable<Status> write(std::span<const std::uint8_t> data);
  // Sends the last part (possibly short, or the only one) and completes the upload. An empty
  // stream uploads one empty part.
  boost::asio::awaitable<Result<ObjectInfo>> finish();
  // Gives up: waits for the parts in flight, then aborts the upload on S3 (idempotent). Call it
  // when the producer failed.
  boost::asio::awaitable<void> abort();

  [[nodiscard]] const std::vector<CompletedPart>& parts() const { return parts_; }
  // Bytes of the parts handed to S3 (those in flight included).
  [[nodiscard]] std::uint64_t bytes_sent() const { return bytes_sent_; }
  [[nodiscard]] const std::string& upload_id() const { return upload_id_; }
  // Whether the last abort was acknowledged by S3 (s3rver answers 405: false there).
  [[nodiscard]] bool abort_acknowledged() const { return abort_acknowledged_; }

 private:
  struct PartInFlight;
  // Starts sending the buffer as the next part (once fewer than parts_in_flight are out).
  boost::asio::awaitable<Status> send_part();
  // Waits for the oldest part in flight and records it; its failure fails the upload.
  boost::asio::awaitable<Status> settle_oldest();
  // Waits for every part in flight; the first failure is returned.
  boost::asio::awaitable<Status> settle_all();
  // The number the next part sent gets (1-based).
  [[nodiscard]] int next_part_number() const;
  boost::asio::awaitable<Status> fail(Error e);

  Client& client_;
  std::string key_;
  MultipartOptions options_;
  std::uint64_t base_;
  std::string upload_id_;
  std::vector<std::uint8_t> buffer_;
  std::vector<CompletedPart> parts_;
  std::deque<std::shared_ptr<PartInFlight>> in_flight_;  // oldest first; shared with their senders
  std::uint64_t bytes_sent_ = 0;
  std::optional<Error> error_;
  bool done_ = false;
  bool abort_acknowledged_ = false;
  log::Logger log_{"s3"};
};

}  // namespace blazed::s3
