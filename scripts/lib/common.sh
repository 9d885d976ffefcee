# Shared by scripts/test and scripts/demo: messages, building, free ports. Source it.

# Prints a step the way both scripts announce what they do.
step() { printf '\n==> %s\n' "$*"; }

# The repository's top folder.
BLAZED_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# configure_and_build BUILD_DIR [cmake args...] [-- TARGET...]: configures with Ninja (once) and
# builds the targets named after `--`, or everything without them.
configure_and_build() {
  local dir=$1 cmake_args=() targets=()
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do cmake_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift && targets=("$@")
  if [ ! -f "$dir/build.ninja" ]; then
    step "Configuring $dir (cmake -G Ninja ${cmake_args[*]})"
    cmake -S "$BLAZED_ROOT" -B "$dir" -G Ninja "${cmake_args[@]}"
  fi
  step "Building ${targets[*]:-everything} in $dir (ninja -j$(nproc))"
  ninja -C "$dir" -j"$(nproc)" "${targets[@]}"
}

# built_file BUILD_DIR TARGET: prints the path of TARGET's file (ninja knows where each folder's
# CMakeLists.txt puts it, so callers do not hard-code the source layout). A target in a sub-folder
# is a phony naming its file on the next line; one in the top folder is its own file.
built_file() {
  local file
  file=$(ninja -C "$1" -t query "$2" 2>/dev/null |
    awk -v t="$2" 'NR == 2 && $2 != "phony" { print t; exit } NR == 3 { print $1; exit }')
  [ -n "$file" ] || { echo "built_file: ninja knows no target $2 in $1" >&2; return 1; }
  echo "$1/$file"
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
