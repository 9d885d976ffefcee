// Owns bench/rotation: the AES-256-GCM throughput of our envelope code next to `openssl speed`
// run in the same process run (rounds interleaved), and the CPU-only rewrap rate rotation is
// bounded by, and the rows per second of the rotation job on a private PostgreSQL.
// Build with -DCMAKE_BUILD_TYPE=RelWithDebInfo (and BLAZED_TESTS=ON, for the PostgreSQL harness)
// for meaningful figures.
// Usage: bench_rotation [--round-ms N] [--rounds N]
#include "crypto/ciphertext.hpp"
#include "crypto/envelope.hpp"
#include "crypto/key_file.hpp"
#include "crypto/keyring.hpp"
#include "measure.hpp"
#include "openssl_speed.hpp"
#include "rows.hpp"

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
  int rounds = 3;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i += 2) {
    const std::string_view flag = argv[i];
    const int v = i + 1 < argc ? std::atoi(argv[i + 1]) : 0;
    if (flag == "--round-ms" && v >= 1000) {
      o.round = std::chrono::milliseconds{v};
    } else if (flag == "--rounds" && v > 0) {
      o.rounds = v;
    } else {
      std::fprintf(stderr, "usage: %s [--round-ms N (>= 1000)] [--rounds N]\n", argv[0]);
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
  BenchKeyring(const BenchKeyring&) = delete;
  BenchKeyring& operator=(const BenchKeyring&) = delete;
  static std::filesystem::path make_dir() {
    std::string templ = (std::filesystem::temp_directory_path() / "blazed-bench-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
      std::perror("bench: mkdtemp");
      std::exit(1);
    }
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

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

double mib(double bytes_per_second) { return bytes_per_second / (1024.0 * 1024.0); }

std::string cell(const bench::Samples& s, double scale) {
  if (s.empty()) return "n/a";
  char out[48];
  std::snprintf(out, sizeof out, "%.0f [%3.0f%%]", mib(s.median() * scale), s.spread() * 100);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse(argc, argv);
  BenchKeyring keys;
  const Aad aad{kPurposeRawPayload, "raw_payloads", "123456"};
  const int ossl_seconds = static_cast<int>(opt.round.count() / 1000);

  std::printf("AES-256-GCM, MiB per CPU second (what openssl speed counts): median of %d "
              "interleaved rounds of %d s (spread)\n",
              opt.rounds, ossl_seconds);
  std::printf("%-7s %16s %16s %16s %16s %9s %9s\n", "bytes", "blazed seal", "blazed open",
              "openssl -evp", "openssl -aead", "seal/evp", "seal/aead");
  for (std::size_t size : {std::size_t{1024}, std::size_t{16384}}) {
    const std::string plain(size, 'x');
    const Bytes sealed = seal(keys.ring, random_nonces(), aad, plain).value();
    bench::Samples s, o, evp, aead;
    for (int r = 0; r < opt.rounds; ++r) {
      s.add(bench::run_round([&] { return seal(keys.ring, random_nonces(), aad, plain).has_value(); },
                             opt.round));
      o.add(bench::run_round([&] { return open_envelope(keys.ring, aad, sealed).has_value(); },
                             opt.round));
      if (auto v = bench::openssl_speed_gcm(size, ossl_seconds, false)) evp.add(*v);
      if (auto v = bench::openssl_speed_gcm(size, ossl_seconds, true)) aead.add(*v);
    }
    const auto d = static_cast<double>(size);
    const double seal_bps = s.median() * d;
    std::printf("%-7zu %16s %16s %16s %16s %9.2f %9.2f\n", size, cell(s, d).c_str(), cell(o, d).c_str(),
                cell(evp, 1).c_str(), cell(aead, 1).c_str(),
                evp.empty() ? 0.0 : seal_bps / evp.median(), aead.empty() ? 0.0 : seal_bps / aead.median());
  }

  // What rotation does per row, without the database: open under the old key, seal under the
  // active one. Token-sized (~400 B refresh token) and payload-sized (4 KiB) values.
  std::printf("\nrewrap without the database (open under the old key, seal under the active "
              "key), rows per CPU second, one thread\n");
  const Key& old_key = *keys.ring.find("bench-old");
  for (std::size_t size : {std::size_t{400}, std::size_t{4096}}) {
    const std::string plain(size, 't');
    const Bytes under_old = seal(old_key, random_nonces(), aad, bytes_of(plain)).value();
    bench::Samples r;
    for (int i = 0; i < opt.rounds; ++i)
      r.add(bench::run_round([&] { return rewrap(keys.ring, random_nonces(), aad, "bench-old", under_old).has_value(); },
                             opt.round));
    std::printf("%-7zu %16.0f (spread %.0f%%)\n", size, r.median(), r.spread() * 100);
  }

  // The whole job on a private PostgreSQL: select a batch, rewrap, compare-and-swap write, commit
  // the batch with its cursor. Wall time, since the database works in other processes.
  std::printf("\nrotation job on PostgreSQL (seller_tokens), one run\n%-7s %-7s %-7s\n", "rows",
              "bytes", "batch");
  for (int batch : {1000, 5000})
    if (!bench::bench_rotation_rows(keys.ring, old_key, 50'000, 400, batch)) return 1;
  return 0;
}
