#!/usr/bin/env bash
# Install the Debian packages mirrorsense needs to build, test and benchmark.
# Only what is missing is installed; runs apt-get as root (or through sudo).
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config        # compiler and build
  libpcap-dev                             # files, live BPF compilation
  libsqlite3-dev sqlite3                  # device inventory storage
  libndpi-dev libndpi-bin                 # long-tail protocol classification
  ieee-data                               # OUI registry read at run time
  clang libfuzzer-14-dev llvm             # fuzz targets
  tshark tcpdump tcpreplay                # reference decoder, replay, bench peers
  iproute2 ethtool iputils-ping           # namespace tests
  openvswitch-switch daemonlogger         # mirror interoperability and bench
  chromium                                # HTML report rendering test
  jq python3 bc procps psmisc netcat-openbsd socat time kmod  # test scripts, bench timing
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections || true
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
