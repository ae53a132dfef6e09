#!/usr/bin/env bash
# Installs the Debian packages sphaera needs, only those missing. Runs apt directly as
# root, through non-interactive sudo otherwise; when neither works it prints the exact
# command to run and fails.
set -euo pipefail
packages=(libeigen3-dev libfftw3-dev catch2 pkg-config libbenchmark-dev libpng-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
echo "sphaera: installing missing packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && "${cmd[@]}"
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive "${cmd[@]}"
else
  echo "sphaera: cannot install packages without root. Run:" >&2
  echo "  sudo apt-get update && sudo ${cmd[*]}" >&2
  exit 1
fi
