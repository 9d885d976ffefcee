# Shared by scripts/test and scripts/demo: messages, building, free ports. Source it.

# Prints a step the way both scripts announce what they do.
step() { printf '\n==> %s\n' "$*"; }

# The repository's top folder.
BLAZED_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# configure_and_build BUILD_DIR [cmake args...]: configures with Ninja (once) and builds.
configure_and_build() {
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    step "Configuring $dir (cmake -G Ninja $*)"
    cmake -S "$BLAZED_ROOT" -B "$dir" -G Ninja "$@"
  fi
  step "Building $dir (ninja -j$(nproc))"
  ninja -C "$dir" -j"$(nproc)"
}

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# npm_install DIR: installs a Node package's locked dependencies once.
npm_install() {
  local dir=$1
  if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules" ]; then
    step "Installing Node packages in ${dir#"$BLAZED_ROOT"/} (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
