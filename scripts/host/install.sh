#!/usr/bin/env bash
# Installs what the real-VS-Code test host needs, once per machine, and verifies it:
#   - Debian packages: chromium (the browser the bench drives), libkrb5-dev (code-server's kerberos
#     module builds from source), ripgrep (stands in for @vscode/ripgrep's GitHub download), neovim
#     (the independent LSP client used by the language-server suite), TeX Live (pdflatex for the
#     insertion tests); plus build tools when missing.
#   - code-server (VS Code 1.100.3, the last release that runs on Node 20), installed with npm into
#     the cache directory below, with the fixes needed when only the npm registry is reachable.
# Idempotent: a second run on the same machine only checks and takes a few seconds.
# Safe without a TTY (CI=true) and as root; as another user it uses `sudo -n` for apt when needed.
#
# Environment:
#   REASONFLUX_HOST_CACHE   cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/reasonflux-tutor)
#   REASONFLUX_SKIP_APT=1   never call apt (the packages must then already be present)
#   npm_config_nodedir      Node's header dir for native builds (default: found next to `node`)
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
# @vscode/ripgrep (a code-server dependency) downloads this archive from GitHub unless it finds it
# in its cache under os.tmpdir(); the names are those of @vscode/ripgrep 1.15.11.
RG_CACHE_DIR_NAME=vscode-ripgrep-cache-1.15.11
RG_ARCHIVE_NAME=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

CACHE_ROOT="${REASONFLUX_HOST_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/reasonflux-tutor}"
PREFIX="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION"
BIN="$PREFIX/node_modules/.bin/code-server"
STAMP="$PREFIX/.reasonflux-installed"

started=$(date +%s)
log() { printf '[host-install] %s\n' "$*"; }
die() { printf '[host-install] error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || die "node and npm (Node 20) must be on PATH"
mkdir -p "$CACHE_ROOT"
# One installer at a time per machine (parallel CI steps, two engineers).
exec 9>"$CACHE_ROOT/.install.lock"
flock -w 900 9 || die "another install holds $CACHE_ROOT/.install.lock for more than 15 minutes"

# ---------------------------------------------------------------- apt packages
pkgs=(chromium libkrb5-dev ripgrep neovim)
# TeX Live: the insertion tests compile .tex documents after inserting solutions (pdflatex -no-shell-escape).
pkgs+=(texlive-latex-base texlive-latex-recommended texlive-latex-extra latexmk)
command -v make >/dev/null 2>&1 || pkgs+=(make)
command -v g++ >/dev/null 2>&1 || pkgs+=(g++)
command -v python3 >/dev/null 2>&1 || pkgs+=(python3)

missing=()
for p in "${pkgs[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  log "apt packages present: ${pkgs[*]}"
elif [[ "${REASONFLUX_SKIP_APT:-}" == 1 ]]; then
  die "missing Debian packages (${missing[*]}) and REASONFLUX_SKIP_APT=1"
else
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get on this machine; install them by hand"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "missing ${missing[*]}: run this script as root or install them by hand"
    SUDO=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0 -q)
  log "installing Debian packages: ${missing[*]}"
  # A fresh image has no package lists; a stale one may point at removed versions: update first.
  "${SUDO[@]}" apt-get "${apt_opts[@]}" update
  "${SUDO[@]}" apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"
fi
command -v rg >/dev/null 2>&1 || die "ripgrep (rg) is not on PATH after the apt step"
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is missing after the apt step"

# ---------------------------------------------------------------- code-server
# The prefix whose include/node holds the headers of the running node: next to the real executable
# (…/bin/node → …/include/node), else the prefix node was configured with, else the usual ones.
find_nodedir() {
  local exe prefix d
  exe=$(node -p 'require("fs").realpathSync(process.execPath)')
  prefix=$(node -p 'process.config.variables.node_prefix || ""')
  for d in "$(dirname "$(dirname "$exe")")" "$prefix" /usr /usr/local; do
    [[ -n "$d" && -f "$d/include/node/node.h" && -f "$d/include/node/common.gypi" ]] && { (cd "$d" && pwd); return 0; }
  done
  return 1
}
# code-server writes a default config and log dirs under XDG_CONFIG_HOME / XDG_DATA_HOME on any
# start, even for --version: point them at a scratch dir so the user's home stays untouched.
verify() {
  local scratch="$CACHE_ROOT/verify-home"
  mkdir -p "$scratch"
  XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" "$BIN" --version 2>/dev/null |
    grep -m1 -E '^[0-9]+\.[0-9]+\.[0-9]+' || true
  rm -rf "$scratch"
}

if [[ -f "$STAMP" && -x "$BIN" ]] && ver=$(verify) && [[ "$ver" == "$CODE_SERVER_VERSION"* ]]; then
  log "code-server $ver already installed in $PREFIX"
else
  log "installing code-server@$CODE_SERVER_VERSION into $PREFIX (about a minute)"
  staging="$PREFIX.partial"
  rm -rf "$staging"
  mkdir -p "$staging"
  # A private TMPDIR holding Debian's rg where @vscode/ripgrep's postinstall looks before downloading.
  tmp="$CACHE_ROOT/tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp/$RG_CACHE_DIR_NAME" "$tmp/rg-pack"
  cp "$(command -v rg)" "$tmp/rg-pack/rg"
  tar -czf "$tmp/$RG_CACHE_DIR_NAME/$RG_ARCHIVE_NAME" -C "$tmp/rg-pack" rg
  printf '{ "name": "reasonflux-host", "private": true }\n' >"$staging/package.json"
  # Native modules (argon2, node-pty, kerberos) fall back to building from source when their prebuilt
  # download fails (no GitHub), and node-gyp then downloads Node's headers unless it is told where
  # they are: point it at the headers of the node that runs the build, so an empty ~/.npmrc works.
  nodedir="${npm_config_nodedir:-$(find_nodedir)}" ||
    die "Node's C headers (include/node/node.h) were not found next to $(command -v node); install them (Debian: apt-get install libnode-dev) or set npm_config_nodedir"
  log "native builds use Node headers from $nodedir/include/node"
  (
    cd "$staging"
    # unsafe_perm: lifecycle scripts run as root keep root; yes: node-pty's build runs `npx node-gyp`.
    TMPDIR="$tmp" npm_config_nodedir="$nodedir" npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false \
      npm_config_audit=false npm_config_update_notifier=false \
      npm install --no-save --no-package-lock --loglevel=error "code-server@$CODE_SERVER_VERSION"
  ) || die "npm install code-server@$CODE_SERVER_VERSION failed (see the npm output above)"
  rm -rf "$PREFIX"
  mv "$staging" "$PREFIX"
  rm -rf "$tmp"
  ver=$(verify)
  [[ "$ver" == "$CODE_SERVER_VERSION"* ]] || die "code-server --version printed '${ver:-nothing}', expected $CODE_SERVER_VERSION"
  : >"$STAMP"
  log "code-server $ver installed"
fi

log "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -n 1 || echo '?')"
log "code-server: $BIN"
log "done in $(($(date +%s) - started)) s"
