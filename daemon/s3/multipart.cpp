// Owns the multipart upload state machine: buffer, part sizing, send, complete or abort.
#include "s3/multipart.hpp"

#include "s3/errc.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace blazed::s3 {

namespace asio = boost::asio;

namespace {
constexpr std::uint64_t kMiB = 1024 * 1024;
}

std::uint64_t part_size_for(int number, std::uint64_t base) {
  const int doublings = std::clamp((number - 1) / 1000, 0, 20);
  std::uint64_t size = base;
  for (int i = 0; i < doublings && size < kMaxPartSize; ++i) size *= 2;
  return std::min(size, kMaxPartSize);
}

std::uint64_t base_part_size(const MultipartOptions& o) {
  std::uint64_t base = std::max(o.min_part_size, kMinPartSize);
  if (o.size_hint > 0) base = std::max(base, (o.size_hint + kMaxParts - 1) / kMaxParts);
  base = (base + kMiB - 1) / kMiB * kMiB;
  return std::min(base, kMaxPartSize);
}

// One part being sent. The sender owns it with the upload, so an upload destroyed while a part
// is out never leaves the sender writing into freed memory.
struct MultipartUpload::PartInFlight {
  explicit PartInFlight(asio::any_io_executor ex) : wake(std::move(ex)) {}
  std::vector<std::uint8_t> body;
  std::optional<Result<CompletedPart>> result;  // set when the answer is in
  asio::steady_timer wake;                      // cancelled when `result` is set
};

MultipartUpload::MultipartUpload(Client& client, std::string key, MultipartOptions options)
    : client_(client), key_(std::move(key)), options_(std::move(options)), base_(base_part_size(options_)) {}

asio::awaitable<Status> MultipartUpload::fail(Error e) {
  error_ = e;
  buffer_.clear();
  buffer_.shrink_to_fit();
  co_await abort();
  error_ = e;  // abort() leaves its own outcome aside: the first failure is what callers see
  co_return e;
}

asio::awaitable<void> MultipartUpload::abort() {
  if (!error_) error_ = make_error(errc::s3_aborted, "the multipart upload was aborted");
  done_ = true;
  // A part still out could land after the abort; let them finish first (their outcome is moot).
  static_cast<void>(co_await settle_all());
  if (upload_id_.empty()) co_return;
  auto st = co_await client_.abort_multipart_upload(key_, upload_id_);
  abort_acknowledged_ = st.has_value();
  if (!st) {
    // A leftover upload costs storage until a lifecycle rule removes it; never an object.
    log_.warn("AbortMultipartUpload failed; the bucket's lifecycle rule must clean the upload up",
              {{"key", key_}, {"code", st.error().code}});
  }
  co_return;
}

int MultipartUpload::next_part_number() const {
  return static_cast<int>(parts_.size() + in_flight_.size()) + 1;
}

asio::awaitable<Status> MultipartUpload::settle_oldest() {
  if (in_flight_.empty()) co_return Status{};
  const std::shared_ptr<PartInFlight> part = std::move(in_flight_.front());
  in_flight_.pop_front();
  while (!part->result) {
    part->wake.expires_at(asio::steady_timer::time_point::max());
    co_await part->wake.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (!*part->result) {
    if (error_) co_return *error_;  // already failing (abort): the first failure stands
    co_return co_await fail(part->result->error());
  }
  // Parts settle in the order they were sent, so parts_ stays ordered by number.
  parts_.push_back(std::move(**part->result));
  co_return Status{};
}

asio::awaitable<Status> MultipartUpload::settle_all() {
  Status first;
  while (!in_flight_.empty()) {
    auto st = co_await settle_oldest();
    if (!st && first) first = st;
  }
  co_return first;
}

asio::awaitable<Status> MultipartUpload::send_part() {
  while (static_cast<int>(in_flight_.size()) >= std::max(1, options_.parts_in_flight)) {
    if (auto st = co_await settle_oldest(); !st) co_return st;
  }
  const int number = next_part_number();
  if (number > kMaxParts)
    co_return co_await fail(make_error(errc::s3_limit, "the upload needs more than 10,000 parts"));
  if (upload_id_.empty()) {
    auto id = co_await client_.create_multipart_upload(key_, options_.put);
    if (!id) co_return co_await fail(id.error());
    upload_id_ = std::move(*id);
  }
  auto ex = co_await asio::this_coro::executor;
  auto part = std::make_shared<PartInFlight>(ex);
  part->body = std::move(buffer_);
  buffer_ = {};
  bytes_sent_ += part->body.size();
  in_flight_.push_back(part);
  asio::co_spawn(
      ex,
      [&client = client_, key = key_, id = upload_id_, number, part]() -> asio::awaitable<void> {
        auto sent = co_await client.upload_part(key, id, number, part->body);
        part->body = {};
        part->result = std::move(sent);
        part->wake.cancel();
      },
      asio::detached);
  co_return Status{};
}

asio::awaitable<Status> MultipartUpload::write(std::span<const std::uint8_t> data) {
  if (error_) co_return *error_;
  if (done_) co_return make_error(errc::s3_finished, "write after finish");
  while (!data.empty()) {
    const std::uint64_t target = part_size_for(next_part_number(), base_);
    if (bytes_sent_ + buffer_.size() + data.size() > kMaxObjectSize)
      co_return co_await fail(make_error(errc::s3_limit, "the object would exceed S3's 5 TiB limit"));
    if (buffer_.capacity() < target) buffer_.reserve(static_cast<std::size_t>(target));
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(target - buffer_.size(), data.size()));
    buffer_.insert(buffer_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
    data = data.subspan(take);
    // A full part is sent only once more bytes follow, so the last part is never empty
    // unless the whole stream is.
    if (buffer_.size() == target && !data.empty()) {
      if (auto st = co_await send_part(); !st) co_return st;
    }
  }
  co_return Status{};
}

asio::awaitable<Result<ObjectInfo>> MultipartUpload::finish() {
  if (error_) co_return *error_;
  if (done_) co_return make_error(errc::s3_finished, "finish called twice");
  if (!buffer_.empty() || (parts_.empty() && in_flight_.empty())) {
    if (auto st = co_await send_part(); !st) co_return st.error();
  }
  if (auto st = co_await settle_all(); !st) co_return st.error();
  auto done = co_await client_.complete_multipart_upload(key_, upload_id_, parts_);
  if (!done) {
    auto st = co_await fail(done.error());
    co_return st.error();
  }
  done_ = true;
  buffer_.clear();
  buffer_.shrink_to_fit();
  done->size = bytes_sent_;
  co_return std::move(*done);
}

}  // namespace blazed::s3
