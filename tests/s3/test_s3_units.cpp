// Owns the S3 client's pure parts: the signer against botocore's own signatures, addressing,
// credentials sources, part sizing within S3's limits, backoff with jitter, and the XML helpers.
#include "harness/catch_result.hpp"
#include "harness/temp_dir.hpp"
#include "s3/addressing.hpp"
#include "s3/credentials.hpp"
#include "s3/errors.hpp"
#include "s3/multipart.hpp"
#include "s3/retry.hpp"
#include "s3/sigv4.hpp"
#include "s3/xml.hpp"
#include "signing_vectors.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <sstream>

namespace {

using namespace blazed;
using namespace blazed::s3;
namespace json = boost::json;
using blazed::testing::parse_query;
using blazed::testing::slurp;

TEST_CASE("signatures match botocore's S3SigV4Auth on requests shaped like ours", "[unit][sigv4]") {
  const json::object doc =
      json::parse(slurp(BLAZED_SOURCE_DIR "/tests/s3/vectors/botocore-vectors.json")).as_object();
  Credentials c;
  c.access_key_id = json::value_to<std::string>(doc.at("access_key_id"));
  c.secret_access_key = Secret(json::value_to<std::string>(doc.at("secret_access_key")));
  c.session_token = Secret(json::value_to<std::string>(doc.at("session_token")));
  SigningParams p;
  p.region = json::value_to<std::string>(doc.at("region"));
  p.time = std::chrono::system_clock::from_time_t(1796270706);  // 2026-12-03T04:05:06Z
  REQUIRE(amz_date(p.time) == "20261203T040506Z");
  int n = 0;
  for (const auto& v : doc.at("cases").as_array()) {
    const json::object& tc = v.as_object();
    const std::string url = json::value_to<std::string>(tc.at("url"));
    const std::string rest = url.substr(8);
    const std::string target = rest.substr(rest.find('/'));
    SignableRequest r;
    r.method = json::value_to<std::string>(tc.at("method"));
    const auto q = target.find('?');
    r.path = uri_decode(target.substr(0, q));  // the raw key, as the client holds it
    if (q != std::string::npos) r.query = parse_query(std::string_view(target).substr(q + 1));
    r.headers.emplace_back("Host", rest.substr(0, rest.find('/')));
    for (const auto& [k, hv] : tc.at("headers").as_object()) r.headers.emplace_back(std::string(k), json::value_to<std::string>(hv));
    r.payload_hash = sha256_hex(json::value_to<std::string>(tc.at("body")));
    r.headers.emplace_back("x-amz-content-sha256", r.payload_hash);
    const Signature s = sign_headers(r, c, p);
    CHECK(s.canonical_request == json::value_to<std::string>(tc.at("canonical_request")));
    CHECK(s.authorization == json::value_to<std::string>(tc.at("authorization")));
    ++n;
  }
  CHECK(n == 4);
}

// One addressing expectation; an empty expected field is not checked.
struct AddressCase {
  std::string endpoint, region, bucket, key;
  std::string host, host_header, raw_path;
  bool tls = true;
  std::uint16_t port = 0;
};

void check_address(const AddressCase& c) {
  INFO(c.endpoint << " " << c.bucket << "/" << c.key);
  auto endpoint = make_endpoint(c.endpoint, c.region, Addressing::automatic);
  REQUIRE(endpoint);
  auto a = address(*endpoint, c.bucket, c.key);
  REQUIRE(a);
  if (!c.host.empty()) CHECK(a->host == c.host);
  if (!c.host_header.empty()) CHECK(a->host_header == c.host_header);
  if (!c.raw_path.empty()) CHECK(a->raw_path == c.raw_path);
  if (c.port != 0) CHECK(a->port == c.port);
  CHECK(a->tls == c.tls);
}

TEST_CASE("virtual-hosted and path-style addressing", "[unit][s3]") {
  const std::string aws_vhost = "blazed-backups.s3.eu-central-1.amazonaws.com";
  check_address({"", "eu-central-1", "blazed-backups", "db/x y.enc", aws_vhost, aws_vhost, "/db/x y.enc", true, 443});
  // A dotted bucket cannot be virtual-hosted over TLS: path style.
  check_address({"", "eu-central-1", "blazed.backups", "k", "s3.eu-central-1.amazonaws.com", "", "/blazed.backups/k"});
  check_address({"", "eu-central-1", "blazed-backups", "", "", "", "/"});
  const std::string local = "http://127.0.0.1:4569";
  check_address({local, "us-east-1", "bucket1", "k", "127.0.0.1", "127.0.0.1:4569", "/bucket1/k", false});
  check_address({local, "us-east-1", "bucket1", "", "", "", "/bucket1", false});

  auto forced = make_endpoint("https://minio.internal:9000", "us-east-1", Addressing::virtual_hosted);
  REQUIRE(forced);
  CHECK(address(*forced, "b-1", "k")->host_header == "b-1.minio.internal:9000");
  CHECK(address(*forced, "b.1", "k").error().code == "s3_bad_config");
  auto path = make_endpoint("https://minio.internal", "us-east-1", Addressing::path);
  CHECK(address(*path, "bkt", "k")->host_header == "minio.internal");

  CHECK(make_endpoint("", "", Addressing::automatic).error().code == "s3_bad_config");
  CHECK(make_endpoint("https://x/y", "r", Addressing::automatic).error().code == "s3_bad_config");
  CHECK(!valid_bucket_name("Upper"));
  CHECK(!valid_bucket_name("ab"));
  CHECK(!valid_bucket_name("-ab"));
  CHECK(valid_bucket_name("blazed-backups-2026"));
}

TEST_CASE("credentials from a file, the environment and systemd", "[unit][s3]") {
  const std::string text =
      "# comment\n[default]\naws_access_key_id = AKID1\naws_secret_access_key=SECRET1\n\n"
      "[profile backup]\naws_access_key_id = AKID2\naws_secret_access_key = SECRET2\naws_session_token = TOK2\n";
  auto d = parse_credentials_file(text, "default");
  REQUIRE(d);
  CHECK(d->access_key_id == "AKID1");
  CHECK(d->secret_access_key.reveal() == "SECRET1");
  CHECK(d->session_token.empty());
  auto b = parse_credentials_file(text, "backup");
  REQUIRE(b);
  CHECK(b->session_token.reveal() == "TOK2");
  auto missing = parse_credentials_file(text, "nope");
  REQUIRE(!missing);
  CHECK(missing.error().code == "s3_credentials");
  auto incomplete = parse_credentials_file("[default]\naws_access_key_id=A\n", "default");
  REQUIRE(!incomplete);
  CHECK(incomplete.error().message.find("SECRET") == std::string::npos);

  testing::TempDir dir;
  const auto file = dir / "s3";
  { std::ofstream(file) << text; }
  ::chmod(file.c_str(), 0640);
  auto loose = credentials_from_file(file);
  REQUIRE(!loose);
  CHECK(loose.error().code == "s3_credentials");
  CHECK(loose.error().message.find("SECRET1") == std::string::npos);
  ::chmod(file.c_str(), 0600);
  REQUIRE(credentials_from_file(file, "backup"));

  std::map<std::string, std::string> env = {{"AWS_ACCESS_KEY_ID", "AKE"}, {"AWS_SECRET_ACCESS_KEY", "SKE"},
                                            {"AWS_SESSION_TOKEN", "TKE"}};
  auto lookup = [&](std::string_view n) -> std::optional<std::string> {
    auto it = env.find(std::string(n));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  auto e = credentials_from_env(lookup);
  REQUIRE(e);
  CHECK(e->access_key_id == "AKE");
  CHECK(e->session_token.reveal() == "TKE");

  CHECK(credentials_from_systemd("s3", "default", lookup).error().code == "s3_credentials");
  env["CREDENTIALS_DIRECTORY"] = dir.path().string();
  ::chmod(file.c_str(), 0640);  // systemd's ACL mask shows as group bits: allowed there
  auto sd = credentials_from_systemd("s3", "default", lookup);
  REQUIRE(sd);
  CHECK(sd->secret_access_key.reveal() == "SECRET1");
  ::chmod(file.c_str(), 0644);
  CHECK(credentials_from_systemd("s3", "default", lookup).error().code == "s3_credentials");
  CHECK(credentials_from_systemd("../s3", "default", lookup).error().code == "s3_credentials");
}

TEST_CASE("part sizes stay within S3's limits and grow with the stream", "[unit][s3]") {
  const std::uint64_t MiB = 1024 * 1024;
  CHECK(part_size_for(1, 5 * MiB) == 5 * MiB);
  CHECK(part_size_for(1000, 5 * MiB) == 5 * MiB);
  CHECK(part_size_for(1001, 5 * MiB) == 10 * MiB);
  CHECK(part_size_for(10000, 5 * MiB) == 2560 * MiB);
  // 10,000 parts from the 5 MiB minimum cover 5 MiB * 1000 * (2^10 - 1), about 4.88 TiB.
  std::uint64_t total = 0;
  for (int n = 1; n <= kMaxParts; ++n) {
    const std::uint64_t s = part_size_for(n, 5 * MiB);
    CHECK((s >= kMinPartSize && s <= kMaxPartSize));
    total += s;
  }
  CHECK(total == 5 * MiB * 1000 * 1023);
  MultipartOptions o;
  CHECK(base_part_size(o) == 5 * MiB);
  o.min_part_size = 1;  // never below S3's minimum
  CHECK(base_part_size(o) == 5 * MiB);
  o.size_hint = 200ull * 1024 * MiB;  // 200 GiB: 21 MiB parts fit in 10,000
  CHECK(base_part_size(o) == 21 * MiB);
  CHECK(base_part_size(o) * kMaxParts >= o.size_hint);
}

TEST_CASE("backoff is full jitter under an exponential ceiling", "[unit][s3]") {
  RetryOptions o;
  o.base_delay = std::chrono::milliseconds(100);
  o.max_delay = std::chrono::milliseconds(1000);
  o.slow_down_base_delay = std::chrono::milliseconds(400);
  CHECK(backoff_delay(o, 1, false, 0.5).count() == 50);
  CHECK(backoff_delay(o, 3, false, 1.0).count() == 400);
  CHECK(backoff_delay(o, 10, false, 1.0).count() == 1000);
  CHECK(backoff_delay(o, 1, true, 1.0).count() == 400);
  CHECK(backoff_delay(o, 2, false, 0.0).count() == 0);
  auto j = default_jitter();
  for (int i = 0; i < 100; ++i) {
    const double x = j();
    CHECK((x >= 0.0 && x < 1.0));
  }
}

TEST_CASE("the XML helpers read S3's answers", "[unit][s3]") {
  const std::string doc =
      "<?xml version=\"1.0\"?><ListBucketResult xmlns=\"x\"><IsTruncated>true</IsTruncated>"
      "<Contents><Key>a&amp;b</Key><Size>3</Size><ETag>&quot;e&quot;</ETag></Contents>"
      "<Contents><Key>c&#x20;d</Key><Size>4</Size></Contents><KeyCount>2</KeyCount>"
      "<NextContinuationToken>t/1=</NextContinuationToken></ListBucketResult>";
  CHECK(xml::root(doc) == "ListBucketResult");
  const auto items = xml::elements(doc, "Contents");
  REQUIRE(items.size() == 2);
  CHECK(xml::text(items[0], "Key") == "a&b");
  CHECK(xml::text(items[0], "ETag") == "\"e\"");
  CHECK(xml::text(items[1], "Key") == "c d");
  CHECK(xml::text(doc, "Key") == "a&b");  // not confused by <KeyCount>
  CHECK(xml::text(doc, "KeyCount") == "2");
  CHECK(xml::text(doc, "NextContinuationToken") == "t/1=");
  CHECK(!xml::text(doc, "Missing"));
  CHECK(xml::escape("<a&'\">") == "&lt;a&amp;&apos;&quot;&gt;");
}

TEST_CASE("ListMultipartUploads answers: uploads, markers of the next page, refusals", "[unit][s3]") {
  // Shaped like the example in S3's API reference.
  const std::string page =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Bucket>bucket</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>"
      "<NextKeyMarker>db/b.bkp</NextKeyMarker><NextUploadIdMarker>up&amp;2</NextUploadIdMarker>"
      "<MaxUploads>2</MaxUploads><IsTruncated>true</IsTruncated>"
      "<Upload><Key>db/a.bkp</Key><UploadId>up1</UploadId><Initiator><ID>arn</ID><DisplayName>x</DisplayName></Initiator>"
      "<Owner><ID>o</ID></Owner><StorageClass>STANDARD</StorageClass><Initiated>2026-12-01T03:00:00.000Z</Initiated></Upload>"
      "<Upload><Key>db/b.bkp</Key><UploadId>up&amp;2</UploadId><Initiated>2026-12-03T03:00:00.000Z</Initiated></Upload>"
      "</ListMultipartUploadsResult>";
  auto parsed = parse_uploads_page(page);
  REQUIRE(parsed);
  REQUIRE(parsed->uploads.size() == 2);
  CHECK(parsed->uploads[0].key == "db/a.bkp");
  CHECK(parsed->uploads[0].upload_id == "up1");  // not confused by <UploadIdMarker>
  CHECK(parsed->uploads[0].initiated == "2026-12-01T03:00:00.000Z");
  CHECK(parsed->uploads[1].upload_id == "up&2");
  CHECK(parsed->next_key_marker == "db/b.bkp");
  CHECK(parsed->next_upload_id_marker == "up&2");

  const std::string last = "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>";
  auto empty = parse_uploads_page(last);
  REQUIRE(empty);
  CHECK(empty->uploads.empty());
  CHECK_FALSE(empty->next_key_marker);

  CHECK(parse_uploads_page("<ListBucketResult></ListBucketResult>").error().code == "s3_protocol");
  CHECK(parse_uploads_page("<ListMultipartUploadsResult><IsTruncated>true</IsTruncated></ListMultipartUploadsResult>")
            .error().code == "s3_protocol");
  CHECK(parse_uploads_page("<ListMultipartUploadsResult><Upload><Key>k</Key></Upload></ListMultipartUploadsResult>")
            .error().code == "s3_protocol");

  // A server without the call (s3rver answers 501 NotImplemented): its own code, not retried.
  const Error e = error_from_response(501, "<Error><Code>NotImplemented</Code><Message>no</Message></Error>",
                                      "ListMultipartUploads", false);
  CHECK(e.code == "s3_not_implemented");
  CHECK_FALSE(retryable(e));
}

}  // namespace
