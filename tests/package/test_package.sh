#!/usr/bin/env bash
# Builds the Debian package (cpack) and installs it in a throwaway copy of a bare Debian 12 root:
# dpkg -i, the files, the user and directories, the service neither enabled nor started,
# `blazed --check-config` on the shipped config (refused as shipped, valid once a key and the
# secrets exist), then dpkg -r and dpkg --purge. Needs root (chroot) and the bare root that
# /work/shared/tools/bare-debian makes ($BARE_BASE, default /var/tmp/bare-bookworm); skipped
# (exit 77) without them. The dependencies come from the Debian archive (apt-get in the root).
#   test_package.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: test_package.sh BUILD_DIR}" && pwd)
base=${BARE_BASE:-/var/tmp/bare-bookworm}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for chroot"; exit 77; }
[ -x "$base/bin/bash" ] || { echo "SKIP: no bare Debian root at $base"; exit 77; }

fail() { echo "FAIL: $*"; exit 1; }

(cd "$build" && rm -f blazed_*.deb && cpack -G DEB >/dev/null)
deb=$(ls "$build"/blazed_*_amd64.deb)
# lintian, when installed: no error or warning (it exits non-zero on errors; warnings are read
# from its output).
if command -v lintian >/dev/null; then
  tags=$(lintian --tag-display-limit 0 "$deb" 2>&1 | grep -E '^[EW]: ' || true)
  [ -z "$tags" ] || fail "lintian: $tags"
fi

root=$(mktemp -d /var/tmp/blazed-package.XXXXXX)
cleanup() {
  for m in dev proc; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
cp -a "$base/." "$root/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
cp "$deb" "$root/tmp/blazed.deb"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  DEBIAN_FRONTEND=noninteractive "$@"; }

# The package's dependencies from the archive, then the package itself with dpkg.
deps=$(dpkg-deb -f "$deb" Depends | sed 's/([^)]*)//g; s/,/ /g')
in_root apt-get update -qq
# shellcheck disable=SC2086
in_root apt-get install -y -qq --no-install-recommends $deps >/dev/null
in_root dpkg -i /tmp/blazed.deb

echo "== files, user, directories"
for f in /usr/bin/blazed /usr/bin/blazectl /usr/lib/systemd/system/blazed.service \
         /usr/lib/sysusers.d/blazed.conf /usr/lib/tmpfiles.d/blazed.conf /etc/blazed/blazed.yaml \
         /usr/share/man/man8/blazed.8.gz /usr/share/man/man8/blazectl.8.gz \
         /usr/share/bash-completion/completions/blazectl /usr/share/doc/blazed/operations.md; do
  [ -e "$root$f" ] || fail "$f not installed"
done
in_root dpkg-query -W -f='${Conffiles}\n' blazed | grep -q '/etc/blazed/blazed.yaml' || fail "blazed.yaml is not a conffile"
in_root getent passwd blazed >/dev/null || fail "no user blazed"
in_root getent group blazed >/dev/null || fail "no group blazed"
[ "$(in_root stat -c '%U:%G %a' /etc/blazed)" = "root:blazed 750" ] || fail "/etc/blazed: $(in_root stat -c '%U:%G %a' /etc/blazed)"
[ "$(in_root stat -c '%U:%G %a' /etc/blazed/keys)" = "blazed:blazed 700" ] || fail "/etc/blazed/keys"
[ "$(in_root stat -c '%U:%G %a' /var/lib/blazed)" = "blazed:blazed 700" ] || fail "/var/lib/blazed"
[ "$(in_root stat -c '%U:%G %a' /etc/blazed/blazed.yaml)" = "root:blazed 640" ] || fail "blazed.yaml owner/mode"
[ ! -e "$root/etc/systemd/system/multi-user.target.wants/blazed.service" ] || fail "the service was enabled"
in_root blazed --version | grep -q '^blazed ' || fail "blazed does not run"
verbs=$(in_root blazectl keys 2>&1 || true)
echo "$verbs" | grep -q 'keys status' || fail "blazectl does not list the keys verbs: $verbs"

echo "== --check-config on the shipped config"
if out=$(in_root blazed --check-config /etc/blazed/blazed.yaml 2>&1); then fail "the unconfigured example passed: $out"; fi
echo "$out" | grep -q 'k2026a' || fail "the missing active key is not named: $out"
# The operator's steps: a key, as the daemon's user; the secrets the example names.
in_root chroot --userspec=blazed:blazed / blazed keys generate --dir /etc/blazed/keys --id k2026a >/dev/null
[ "$(in_root stat -c '%U %a' /etc/blazed/keys/k2026a)" = "blazed 400" ] || fail "key owner/mode"
mkdir -p "$root/run/credentials/blazed.service"
echo pg-secret >"$root/run/credentials/blazed.service/postgres-password"
echo lwa-secret >"$root/run/credentials/blazed.service/lwa-client-secret"
in_root chroot --userspec=blazed:blazed / /usr/bin/env CREDENTIALS_DIRECTORY=/run/credentials/blazed.service \
  BLAZED_REDIS_PASSWORD=redis-secret blazed --check-config /etc/blazed/blazed.yaml ||
  fail "the configured example does not pass --check-config"

echo "== remove, purge"
in_root dpkg -r blazed >/dev/null
[ ! -e "$root/usr/bin/blazed" ] || fail "dpkg -r left /usr/bin/blazed"
[ -e "$root/etc/blazed/blazed.yaml" ] || fail "dpkg -r removed the conffile"
in_root dpkg --purge blazed >/dev/null
[ ! -e "$root/etc/blazed/blazed.yaml" ] || fail "purge left the conffile"
[ ! -e "$root/var/lib/blazed" ] || fail "purge left /var/lib/blazed"
[ -e "$root/etc/blazed/keys/k2026a" ] || fail "purge removed a key"
in_root dpkg -s blazed >/dev/null 2>&1 && fail "still known to dpkg after purge"
echo "package ok"
