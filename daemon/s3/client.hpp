// Owns the S3 client: one bucket's objects (put, head, ranged get, list with continuation,
// batched delete, the multipart calls), each request signed with SigV4 and retried with
// backoff and jitter on 5xx, SlowDown, timeouts and resets. Operations are Asio coroutines
// returning Result<T>; see errors.hpp for the codes.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "s3/addressing.hpp"
#include "s3/credentials.hpp"
#include "s3/retry.hpp"
#include "s3/transport.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::s3 {

// Plain options; the configuration keys that fill them come later (config/ is not touched here).
struct ClientOptions {
  std::string endpoint;  // empty: https://s3.REGION.amazonaws.com
  std::string region;    // signs every request; required
  std::string bucket;
  Addressing addressing = Addressing::automatic;
  TransportOptions transport;
  RetryOptions retry;
  std::size_t max_response_bytes = 16 * 1024 * 1024;  // XML answers; ranged GETs add their range
};

struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;           // with its quotes, as S3 sends it
  std::string last_modified;  // as S3 sends it (ISO 8601 in listings, HTTP date on HEAD)
};

struct ListPage {
  std::vector<ObjectInfo> objects;
  std::optional<std::string> next_continuation_token;  // set when the listing is truncated
};

struct DeleteReport {
  std::size_t deleted = 0;
  std::size_t batches = 0;
  // Keys S3 refused to delete, with its code (the listing keeps them; a later run retries).
  std::vector<std::pair<std::string, std::string>> failed;
};

// A multipart upload begun and neither completed nor aborted.
struct UploadInfo {
  std::string key;
  std::string upload_id;
  std::string initiated;  // ISO 8601, as S3 sends it
};

struct UploadsPage {
  std::vector<UploadInfo> uploads;
  // Set when the listing is truncated: where the next page starts.
  std::optional<std::string> next_key_marker;
  std::optional<std::string> next_upload_id_marker;
};

// A ListMultipartUploadsResult; s3_protocol when the body is not one, or is truncated without
// the markers of the next page.
Result<UploadsPage> parse_uploads_page(std::string_view body);

struct CompletedPart {
  int number = 0;
  std::string etag;
  std::string checksum_sha256;  // base64
  std::uint64_t size = 0;
};

struct PutOptions {
  std::string content_type = "application/octet-stream";
};

// S3's published limits, enforced here because test servers do not.
inline constexpr std::uint64_t kMinPartSize = 5ull * 1024 * 1024;
inline constexpr std::uint64_t kMaxPartSize = 5ull * 1024 * 1024 * 1024;
inline constexpr int kMaxParts = 10'000;
inline constexpr std::uint64_t kMaxObjectSize = 5ull * 1024 * 1024 * 1024 * 1024;
inline constexpr std::uint64_t kMaxPutSize = kMaxPartSize;
inline constexpr std::size_t kMaxDeleteBatch = 1000;

// Base64 of the SHA-256 of `data` (x-amz-checksum-sha256).
std::string sha256_base64(std::span<const std::uint8_t> data);

// Threading: one Client belongs to one executor (its connection pool is not locked).
class Client {
 public:
  static Result<std::unique_ptr<Client>> create(boost::asio::any_io_executor executor,
                                                ClientOptions options, Credentials credentials,
                                                const Clock& clock = SystemClock::instance(),
                                                Jitter jitter = default_jitter());

  boost::asio::awaitable<Result<ObjectInfo>> put_object(std::string key,
                                                        std::span<const std::uint8_t> body,
                                                        PutOptions options = {});
  boost::asio::awaitable<Result<ObjectInfo>> head_object(std::string key);
  // Bytes first..last inclusive (an explicit range; suffix ranges are not used).
  boost::asio::awaitable<Result<std::string>> get_object_range(std::string key, std::uint64_t first,
                                                               std::uint64_t last);
  // One page of ListObjectsV2 (max_keys 1-1000).
  boost::asio::awaitable<Result<ListPage>> list_objects_page(std::string prefix,
                                                             std::optional<std::string> continuation,
                                                             int max_keys = 1000);
  // Every object under `prefix`, following continuation tokens.
  boost::asio::awaitable<Result<std::vector<ObjectInfo>>> list_objects(std::string prefix,
                                                                       int page_size = 1000);
  // DeleteObjects in batches of at most 1000 keys. A key S3 refuses lands in `failed`; a
  // request that fails (after retries) stops the run with its error.
  boost::asio::awaitable<Result<DeleteReport>> delete_objects(std::vector<std::string> keys);

  // The multipart calls (MultipartUpload drives them).
  boost::asio::awaitable<Result<std::string>> create_multipart_upload(std::string key,
                                                                      PutOptions options = {});
  boost::asio::awaitable<Result<CompletedPart>> upload_part(std::string key, std::string upload_id,
                                                            int part_number,
                                                            std::span<const std::uint8_t> body);
  boost::asio::awaitable<Result<ObjectInfo>> complete_multipart_upload(
      std::string key, std::string upload_id, std::vector<CompletedPart> parts);
  boost::asio::awaitable<Status> abort_multipart_upload(std::string key, std::string upload_id);
  // Every upload in progress under `prefix` (ListMultipartUploads, following its markers).
  // s3_not_implemented from servers without the call (s3rver).
  boost::asio::awaitable<Result<std::vector<UploadInfo>>> list_multipart_uploads(std::string prefix);

  [[nodiscard]] const ClientOptions& options() const { return options_; }
  [[nodiscard]] std::uint64_t connections_opened() const { return transport_->connections_opened(); }
  // Requests sent, retries included.
  [[nodiscard]] std::uint64_t attempts() const { return attempts_; }

  struct Call;

 private:
  Client(ClientOptions options, Endpoint endpoint, Credentials credentials, const Clock& clock,
         Jitter jitter, std::unique_ptr<Transport> transport);
  // Signs and sends `call`, retrying what is retryable; returns 2xx answers (and the statuses
  // the call accepts), or the mapped error.
  boost::asio::awaitable<Result<WireResponse>> send(const Call& call);

  ClientOptions options_;
  Endpoint endpoint_;
  Credentials credentials_;
  const Clock& clock_;
  Jitter jitter_;
  std::unique_ptr<Transport> transport_;
  log::Logger log_{"s3"};
  std::uint64_t attempts_ = 0;
};

}  // namespace blazed::s3
