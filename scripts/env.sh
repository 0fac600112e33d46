# Shared by the scripts in this folder: where tools live and how to log.
# Sourced, not run.
PARTY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PARTY_ROOT
# Project-local npm tools first: binaryen@132's wasm-opt must win over any
# Debian wasm-opt (108 silently corrupts the bundle, see docs/self-hosting.md).
export PATH="$PARTY_ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
TRUNK_VERSION=0.21.14

say() { printf '\033[1m[party]\033[0m %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
