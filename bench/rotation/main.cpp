// Owns bench/rotation: the AES-256-GCM throughput of our envelope code next to `openssl speed`
// run in the same process run, and the CPU-only rewrap rate rotation is bounded by.
// Usage: bench_rotation [--round-ms N] [--rounds N]
#include "crypto/ciphertext.hpp"
#include "crypto/envelope.hpp"
#include "crypto/key_file.hpp"
#include "crypto/keyring.hpp"
#include "measure.hpp"
#include "openssl_speed.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

using namespace blazed;
using namespace blazed::crypto;

namespace {

struct Options {
  std::chrono::milliseconds round{1000};
  int rounds = 5;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (flag == "--round-ms" && v > 0) o.round = std::chrono::milliseconds{v};
    else if (flag == "--rounds" && v > 0) o.rounds = v;
    else {
      std::fprintf(stderr, "usage: %s [--round-ms N] [--rounds N]\n", argv[0]);
      std::exit(2);
    }
  }
  return o;
}

// A throwaway keyring in a private temporary directory: an old key and an active one.
struct BenchKeyring {
  std::filesystem::path dir;
  Keyring ring;
  BenchKeyring() : dir(make_dir()), ring(load(dir)) {}
  ~BenchKeyring() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  static std::filesystem::path make_dir() {
    std::string templ = (std::filesystem::temp_directory_path() / "blazed-bench-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) std::exit(1);
    return templ;
  }
  static Keyring load(const std::filesystem::path& d) {
    generate_key_file(d, "bench-old").value();
    generate_key_file(d, "bench-active").value();
    KeyringOptions o;
    o.dir = d;
    o.active_key = "bench-active";
    return Keyring::load(o).value();
  }
};

double mib(double bytes) { return bytes / (1024.0 * 1024.0); }

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse(argc, argv);
  BenchKeyring keys;
  const Aad aad{kPurposeRawPayload, "raw_payloads", "123456"};

  std::printf("AES-256-GCM throughput, MiB/s (median of %d rounds of %lld ms; spread in brackets)\n",
              opt.rounds, static_cast<long long>(opt.round.count()));
  std::printf("%-8s %20s %20s %20s %10s\n", "size", "blazed seal", "blazed open", "openssl speed",
              "seal/ossl");
  for (std::size_t size : {std::size_t{1024}, std::size_t{16384}}) {
    const std::string plain(size, 'x');
    const Bytes sealed = seal(keys.ring, random_nonces(), aad, plain).value();
    const bench::Rate s = bench::measure([&] { return seal(keys.ring, random_nonces(), aad, plain).has_value(); },
                                  opt.round, opt.rounds);
    const bench::Rate o = bench::measure([&] { return open_envelope(keys.ring, aad, sealed).has_value(); },
                                  opt.round, opt.rounds);
    const double seal_bps = s.ops_per_second * static_cast<double>(size);
    const double open_bps = o.ops_per_second * static_cast<double>(size);
    const auto ossl = bench::openssl_speed_gcm(size, static_cast<int>(std::max<long long>(
                                                         1, opt.round.count() * opt.rounds / 1000)));
    char ossl_text[32] = "n/a";
    char ratio_text[16] = "n/a";
    if (ossl) {
      std::snprintf(ossl_text, sizeof ossl_text, "%.0f", mib(*ossl));
      std::snprintf(ratio_text, sizeof ratio_text, "%.2f", seal_bps / *ossl);
    }
    std::printf("%-8zu %12.0f [%4.0f%%] %12.0f [%4.0f%%] %20s %10s\n", size, mib(seal_bps),
                s.spread * 100, mib(open_bps), o.spread * 100, ossl_text, ratio_text);
  }

  // What rotation does per row, without the database: open under the old key, seal under the
  // active one. Token-sized (~400 B refresh token) and payload-sized (4 KiB) values.
  std::printf("\nrewrap, CPU only (open old key + seal active key), rows/s\n");
  const Key& old_key = *keys.ring.find("bench-old");
  for (std::size_t size : {std::size_t{400}, std::size_t{4096}}) {
    const std::string plain(size, 't');
    const Bytes under_old =
        seal(old_key, random_nonces(), aad,
             std::span(reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size()))
            .value();
    const bench::Rate r = bench::measure(
        [&] { return rewrap(keys.ring, random_nonces(), aad, under_old).has_value(); }, opt.round,
        opt.rounds);
    std::printf("%-8zu %12.0f rows/s [%4.0f%%]\n", size, r.ops_per_second, r.spread * 100);
  }
  return 0;
}
