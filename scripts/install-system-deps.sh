#!/usr/bin/env bash
# Debian packages the test suite uses as independent cross-checks and for the browser tests:
# Chromium (browser specs via Playwright), native fluidsynth + flac (reference renderer/codec),
# aubio (independent onset detector), sox, GM soundfonts, scipy (benchmark baseline).
# Generating a dataset needs none of these.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  chromium fluidsynth flac sox aubio-tools fluid-soundfont-gm timgm6mb-soundfont python3-scipy \
  >/dev/null
echo "system packages ready: $(chromium --version 2>/dev/null | head -1), fluidsynth $(fluidsynth --version 2>/dev/null | head -1 | awk '{print $NF}'), $(flac --version)"
