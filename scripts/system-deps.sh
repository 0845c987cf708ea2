#!/usr/bin/env bash
# Installs the Debian packages meetkit needs (when run as root), or prints the exact
# install line and fails (when not root). Usage: scripts/system-deps.sh run|test
set -euo pipefail
what="${1:-test}"
# A CJK font (Chinese in the GUI and in every PDF), the RTL-SDR driver, Qt's runtime libraries.
packages=(fonts-noto-cjk librtlsdr0 libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3)
# QtMultimedia links PulseAudio's client library (sound goes through PulseAudio or PipeWire).
packages+=(libpulse0)
# Qt's X11 platform plugin, for a real window.
packages+=(libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0)
if [ "$what" = "test" ]; then
  # pdftoppm to rasterize printed badges; rtl_tcp and rtl_433 for interoperability tests;
  # a private PulseAudio server with a null sink to record the tones the GUI plays.
  packages+=(poppler-utils rtl-sdr rtl-433 pulseaudio pulseaudio-utils)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "meetkit: installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "meetkit: these system packages are missing. Install them, then run this again:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
