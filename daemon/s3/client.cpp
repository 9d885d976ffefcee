// Owns the S3 operations: request building, signing per attempt, retries with backoff, and the
// parsing of S3's answers.
#include "s3/client.hpp"

#include "s3/errc.hpp"
#include "s3/errors.hpp"
#include "s3/sigv4.hpp"
#include "s3/xml.hpp"

#include <openssl/evp.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include <charconv>
#include <new>

namespace blazed::s3 {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

struct Client::Call {
  std::string operation;  // "PutObject": prefixes every error message
  bhttp::verb method = bhttp::verb::get;
  std::string key;        // empty: a bucket-level call
  std::vector<QueryParam> query;
  std::vector<Header> headers;
  std::span<const std::uint8_t> body;
  std::size_t max_response_bytes = 0;  // 0: the client's default
  // CompleteMultipartUpload may answer 200 with an <Error> body; treat it as that error.
  bool error_in_ok_body = false;
  // The body's SHA-256 in hex when the caller already has it (a part's checksum is the same
  // digest): a body is hashed once. Empty: send() hashes it.
  std::string payload_hash;
};

namespace {

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

std::string md5_base64(std::string_view data) {
  unsigned char out[16];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, EVP_md5(), nullptr) != 1) throw std::bad_alloc();
  return base64(out, len);
}

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::uint64_t to_u64(std::string_view s) {
  std::uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

namespace {

struct BodyDigest {
  std::string hex;     // x-amz-content-sha256
  std::string base64;  // x-amz-checksum-sha256
};

BodyDigest sha256_both(std::span<const std::uint8_t> data) {
  unsigned char out[32];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
  static constexpr char kHex[] = "0123456789abcdef";
  BodyDigest d;
  d.hex.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    d.hex.push_back(kHex[out[i] >> 4]);
    d.hex.push_back(kHex[out[i] & 0xf]);
  }
  d.base64 = base64(out, len);
  return d;
}

}  // namespace

std::string sha256_base64(std::span<const std::uint8_t> data) { return sha256_both(data).base64; }

Result<std::unique_ptr<Client>> Client::create(asio::any_io_executor executor, ClientOptions options,
                                               Credentials credentials, const Clock& clock,
                                               Jitter jitter) {
  if (options.region.empty()) return make_error(errc::s3_bad_config, "S3 needs a region");
  if (!valid_bucket_name(options.bucket)) return make_error(errc::s3_bad_config, "invalid bucket name");
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty())
    return make_error(errc::s3_credentials, "S3 credentials are incomplete");
  if (options.retry.max_attempts < 1) return make_error(errc::s3_bad_config, "retry.max_attempts must be >= 1");
  auto endpoint = make_endpoint(options.endpoint, options.region, options.addressing);
  if (!endpoint) return endpoint.error();
  if (auto probe = address(*endpoint, options.bucket, ""); !probe) return probe.error();
  auto transport = Transport::create(executor, options.transport);
  if (!transport) return transport.error();
  if (!jitter) jitter = default_jitter();
  return std::unique_ptr<Client>(new Client(std::move(options), std::move(*endpoint), std::move(credentials),
                                            clock, std::move(jitter), std::move(*transport)));
}

Client::Client(ClientOptions options, Endpoint endpoint, Credentials credentials, const Clock& clock,
               Jitter jitter, std::unique_ptr<Transport> transport)
    : options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      credentials_(std::move(credentials)),
      clock_(clock),
      jitter_(std::move(jitter)),
      transport_(std::move(transport)) {}

asio::awaitable<Result<WireResponse>> Client::send(const Call& call) {
  auto addr = address(endpoint_, options_.bucket, call.key);
  if (!addr) co_return addr.error();
  const std::string payload_hash =
      !call.payload_hash.empty()
          ? call.payload_hash
          : sha256_hex(std::string_view(reinterpret_cast<const char*>(call.body.data()), call.body.size()));
  std::string target = canonical_path(addr->raw_path, false);
  if (!call.query.empty()) target += "?" + canonical_query(call.query);

  for (int attempt = 1;; ++attempt) {
    SignableRequest sr;
    sr.method = std::string(bhttp::to_string(call.method));
    sr.path = addr->raw_path;
    sr.query = call.query;
    sr.headers = call.headers;
    sr.headers.emplace_back("Host", addr->host_header);
    sr.headers.emplace_back("x-amz-content-sha256", payload_hash);
    sr.payload_hash = payload_hash;
    SigningParams params;
    params.region = options_.region;
    params.time = clock_.now();  // per attempt: a retry long after the first try still signs fresh
    Signature sig = sign_headers(sr, credentials_, params);

    WireRequest w;
    w.method = call.method;
    w.address = &*addr;
    w.target = target;
    w.headers = call.headers;
    w.headers.emplace_back("x-amz-content-sha256", payload_hash);
    for (auto& h : sig.added) w.headers.push_back(std::move(h));
    w.body = call.body;
    w.max_response_bytes = call.max_response_bytes ? call.max_response_bytes : options_.max_response_bytes;

    ++attempts_;
    auto res = co_await transport_->exchange(w);
    secure_wipe(w.headers.back().second.data(), w.headers.back().second.size());
    Error err;
    if (res) {
      const bool ok = res->status / 100 == 2 &&
                      !(call.error_in_ok_body && xml::root(res->body) == "Error");
      if (ok) co_return std::move(*res);
      err = error_from_response(res->status, res->body, call.operation, call.method == bhttp::verb::head);
    } else {
      err = res.error().context(call.operation);
    }
    if (!retryable(err) || attempt >= options_.retry.max_attempts) {
      if (attempt > 1) err.message += " (after " + std::to_string(attempt) + " attempts)";
      co_return err;
    }
    const auto delay = backoff_delay(options_.retry, attempt, err.code == errc::s3_slow_down, jitter_());
    log_.warn("S3 request failed, retrying",
              {{"operation", call.operation}, {"attempt", attempt}, {"code", err.code},
               {"delay_ms", static_cast<std::int64_t>(delay.count())}});
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<Result<ObjectInfo>> Client::put_object(std::string key, std::span<const std::uint8_t> body,
                                                       PutOptions options) {
  if (body.size() > kMaxPutSize)
    co_return make_error(errc::s3_limit, "PutObject: a single PUT holds at most 5 GiB; use a multipart upload");
  Call c;
  c.operation = "PutObject";
  c.method = bhttp::verb::put;
  c.key = key;
  c.body = body;
  BodyDigest digest = sha256_both(body);
  c.payload_hash = std::move(digest.hex);
  c.headers = {{"Content-Type", options.content_type}, {"x-amz-checksum-sha256", std::move(digest.base64)}};
  auto res = co_await send(c);
  if (!res) co_return res.error();
  co_return ObjectInfo{std::move(key), body.size(), std::string(res->header("ETag").value_or("")), {}};
}

asio::awaitable<Result<ObjectInfo>> Client::head_object(std::string key) {
  Call c;
  c.operation = "HeadObject";
  c.method = bhttp::verb::head;
  c.key = key;
  auto res = co_await send(c);
  if (!res) co_return res.error();
  ObjectInfo info;
  info.key = std::move(key);
  info.size = to_u64(res->header("Content-Length").value_or("0"));
  info.etag = std::string(res->header("ETag").value_or(""));
  info.last_modified = std::string(res->header("Last-Modified").value_or(""));
  co_return info;
}

asio::awaitable<Result<std::string>> Client::get_object_range(std::string key, std::uint64_t first,
                                                              std::uint64_t last) {
  if (last < first) co_return make_error(errc::s3_invalid_range, "GetObject: the range ends before it starts");
  const std::uint64_t want = last - first + 1;
  Call c;
  c.operation = "GetObject";
  c.key = std::move(key);
  c.headers = {{"Range", "bytes=" + std::to_string(first) + "-" + std::to_string(last)}};
  c.max_response_bytes = static_cast<std::size_t>(std::max<std::uint64_t>(want, options_.max_response_bytes));
  auto res = co_await send(c);
  if (!res) co_return res.error();
  if (res->status == 206) {
    if (res->body.size() > want)
      co_return make_error(errc::s3_protocol, "GetObject: the answer is longer than the range asked for");
    co_return std::move(res->body);
  }
  // 200: the server ignored the range and sent the whole object.
  if (first >= res->body.size()) co_return make_error(errc::s3_invalid_range, "GetObject: range beyond the object");
  co_return res->body.substr(static_cast<std::size_t>(first), static_cast<std::size_t>(want));
}

asio::awaitable<Result<ListPage>> Client::list_objects_page(std::string prefix,
                                                            std::optional<std::string> continuation,
                                                            int max_keys) {
  if (max_keys < 1 || max_keys > 1000) co_return make_error(errc::s3_limit, "ListObjectsV2: max-keys must be 1-1000");
  Call c;
  c.operation = "ListObjectsV2";
  c.query = {{"list-type", "2"}, {"max-keys", std::to_string(max_keys)}};
  if (!prefix.empty()) c.query.emplace_back("prefix", prefix);
  if (continuation) c.query.emplace_back("continuation-token", *continuation);
  auto res = co_await send(c);
  if (!res) co_return res.error();
  if (xml::root(res->body) != "ListBucketResult")
    co_return make_error(errc::s3_protocol, "ListObjectsV2: the answer is not a ListBucketResult");
  ListPage page;
  for (std::string_view item : xml::elements(res->body, "Contents")) {
    ObjectInfo o;
    o.key = xml::text(item, "Key").value_or("");
    o.size = to_u64(xml::text(item, "Size").value_or("0"));
    o.etag = xml::text(item, "ETag").value_or("");
    o.last_modified = xml::text(item, "LastModified").value_or("");
    page.objects.push_back(std::move(o));
  }
  if (xml::text(res->body, "IsTruncated").value_or("false") == "true") {
    page.next_continuation_token = xml::text(res->body, "NextContinuationToken");
    if (!page.next_continuation_token || page.next_continuation_token->empty())
      co_return make_error(errc::s3_protocol, "ListObjectsV2: truncated listing without a continuation token");
  }
  co_return page;
}

asio::awaitable<Result<std::vector<ObjectInfo>>> Client::list_objects(std::string prefix, int page_size) {
  std::vector<ObjectInfo> all;
  std::optional<std::string> token;
  do {
    auto page = co_await list_objects_page(prefix, token, page_size);
    if (!page) co_return page.error();
    for (auto& o : page->objects) all.push_back(std::move(o));
    if (page->next_continuation_token && page->next_continuation_token == token)
      co_return make_error(errc::s3_protocol, "ListObjectsV2: the continuation token did not advance");
    token = std::move(page->next_continuation_token);
  } while (token);
  co_return all;
}

asio::awaitable<Result<DeleteReport>> Client::delete_objects(std::vector<std::string> keys) {
  DeleteReport report;
  for (std::size_t start = 0; start < keys.size(); start += kMaxDeleteBatch) {
    const std::size_t end = std::min(keys.size(), start + kMaxDeleteBatch);
    std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
    for (std::size_t i = start; i < end; ++i) body += "<Object><Key>" + xml::escape(keys[i]) + "</Key></Object>";
    body += "</Delete>";
    Call c;
    c.operation = "DeleteObjects";
    c.method = bhttp::verb::post;
    c.query = {{"delete", ""}};
    c.body = bytes_of(body);
    c.headers = {{"Content-Type", "application/xml"}, {"Content-MD5", md5_base64(body)}};
    auto res = co_await send(c);
    if (!res) co_return res.error();
    ++report.batches;
    const auto errors = xml::elements(res->body, "Error");
    for (std::string_view e : errors)
      report.failed.emplace_back(xml::text(e, "Key").value_or(""), xml::text(e, "Code").value_or(""));
    report.deleted += (end - start) - errors.size();
  }
  co_return report;
}

asio::awaitable<Result<std::string>> Client::create_multipart_upload(std::string key, PutOptions options) {
  Call c;
  c.operation = "CreateMultipartUpload";
  c.method = bhttp::verb::post;
  c.key = std::move(key);
  c.query = {{"uploads", ""}};
  c.headers = {{"Content-Type", options.content_type}, {"x-amz-checksum-algorithm", "SHA256"}};
  auto res = co_await send(c);
  if (!res) co_return res.error();
  auto id = xml::text(res->body, "UploadId");
  if (!id || id->empty()) co_return make_error(errc::s3_protocol, "CreateMultipartUpload: no UploadId in the answer");
  co_return std::move(*id);
}

asio::awaitable<Result<CompletedPart>> Client::upload_part(std::string key, std::string upload_id,
                                                           int part_number,
                                                           std::span<const std::uint8_t> body) {
  if (part_number < 1 || part_number > kMaxParts)
    co_return make_error(errc::s3_limit, "UploadPart: part numbers run from 1 to 10000");
  if (body.size() > kMaxPartSize) co_return make_error(errc::s3_limit, "UploadPart: a part holds at most 5 GiB");
  CompletedPart part;
  part.number = part_number;
  part.size = body.size();
  BodyDigest digest = sha256_both(body);
  part.checksum_sha256 = std::move(digest.base64);
  Call c;
  c.operation = "UploadPart";
  c.method = bhttp::verb::put;
  c.key = std::move(key);
  c.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", std::move(upload_id)}};
  c.body = body;
  c.payload_hash = std::move(digest.hex);
  c.headers = {{"x-amz-checksum-sha256", part.checksum_sha256}};
  auto res = co_await send(c);
  if (!res) co_return res.error();
  auto etag = res->header("ETag");
  if (!etag || etag->empty()) co_return make_error(errc::s3_protocol, "UploadPart: no ETag in the answer");
  part.etag = std::string(*etag);
  co_return part;
}

asio::awaitable<Result<ObjectInfo>> Client::complete_multipart_upload(std::string key, std::string upload_id,
                                                                      std::vector<CompletedPart> parts) {
  if (parts.empty() || parts.size() > static_cast<std::size_t>(kMaxParts))
    co_return make_error(errc::s3_limit, "CompleteMultipartUpload: 1 to 10000 parts");
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  std::uint64_t total = 0;
  for (const auto& p : parts) {
    body += "<Part><ETag>" + xml::escape(p.etag) + "</ETag><PartNumber>" + std::to_string(p.number) +
            "</PartNumber><ChecksumSHA256>" + p.checksum_sha256 + "</ChecksumSHA256></Part>";
    total += p.size;
  }
  body += "</CompleteMultipartUpload>";
  Call c;
  c.operation = "CompleteMultipartUpload";
  c.method = bhttp::verb::post;
  c.key = key;
  c.query = {{"uploadId", std::move(upload_id)}};
  c.body = bytes_of(body);
  c.headers = {{"Content-Type", "application/xml"}};
  c.error_in_ok_body = true;
  auto res = co_await send(c);
  if (!res) co_return res.error();
  co_return ObjectInfo{std::move(key), total, xml::text(res->body, "ETag").value_or(""), {}};
}

asio::awaitable<Status> Client::abort_multipart_upload(std::string key, std::string upload_id) {
  Call c;
  c.operation = "AbortMultipartUpload";
  c.method = bhttp::verb::delete_;
  c.key = std::move(key);
  c.query = {{"uploadId", std::move(upload_id)}};
  auto res = co_await send(c);
  if (!res) co_return res.error();
  co_return Status{};
}

Result<UploadsPage> parse_uploads_page(std::string_view body) {
  if (xml::root(body) != "ListMultipartUploadsResult")
    return make_error(errc::s3_protocol, "ListMultipartUploads: the answer is not a ListMultipartUploadsResult");
  UploadsPage page;
  for (std::string_view item : xml::elements(body, "Upload")) {
    UploadInfo u;
    u.key = xml::text(item, "Key").value_or("");
    u.upload_id = xml::text(item, "UploadId").value_or("");
    u.initiated = xml::text(item, "Initiated").value_or("");
    if (u.key.empty() || u.upload_id.empty())
      return make_error(errc::s3_protocol, "ListMultipartUploads: an upload without its key or id");
    page.uploads.push_back(std::move(u));
  }
  if (xml::text(body, "IsTruncated").value_or("false") == "true") {
    page.next_key_marker = xml::text(body, "NextKeyMarker");
    page.next_upload_id_marker = xml::text(body, "NextUploadIdMarker");
    if (!page.next_key_marker || page.next_key_marker->empty())
      return make_error(errc::s3_protocol, "ListMultipartUploads: truncated listing without a next key marker");
    if (!page.next_upload_id_marker) page.next_upload_id_marker.emplace();
  }
  return page;
}

asio::awaitable<Result<std::vector<UploadInfo>>> Client::list_multipart_uploads(std::string prefix) {
  std::vector<UploadInfo> all;
  std::optional<std::string> key_marker;
  std::optional<std::string> upload_id_marker;
  do {
    Call c;
    c.operation = "ListMultipartUploads";
    c.query = {{"uploads", ""}};
    if (!prefix.empty()) c.query.emplace_back("prefix", prefix);
    if (key_marker) c.query.emplace_back("key-marker", *key_marker);
    if (upload_id_marker && !upload_id_marker->empty()) c.query.emplace_back("upload-id-marker", *upload_id_marker);
    auto res = co_await send(c);
    if (!res) co_return res.error();
    auto page = parse_uploads_page(res->body);
    if (!page) co_return page.error();
    for (auto& u : page->uploads) all.push_back(std::move(u));
    if (page->next_key_marker && page->next_key_marker == key_marker &&
        page->next_upload_id_marker == upload_id_marker)
      co_return make_error(errc::s3_protocol, "ListMultipartUploads: the markers did not advance");
    key_marker = std::move(page->next_key_marker);
    upload_id_marker = std::move(page->next_upload_id_marker);
  } while (key_marker);
  co_return all;
}

}  // namespace blazed::s3
