#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Screenshots of the designer: opens data/examples/ei-network.basalt, selects the excitatory
# population E (so the inspector shows its parameters), runs the network, and captures the
# screen of a virtual X server once the plots have filled; then the same with
# data/examples/lif-as-equations.basalt and its Equations process selected (the model editor).
#
# Usage: data/screenshots/take-screenshots.sh [BUILD_DIR] [OUT_DIR] [SECONDS]
#   BUILD_DIR  a configured and built meson tree (default: build)
#   OUT_DIR    where the PNG goes (default: this folder)
#   SECONDS    how long the network runs before the capture (default: 6)
# Needs xvfb-run and ImageMagick's import.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
out=${2:-$here}
seconds=${3:-6}
exe="$build/app/basalt"
network="$root/data/examples/ei-network.basalt"

for tool in xvfb-run import; do
  command -v "$tool" >/dev/null 2>&1 || { echo "take-screenshots: $tool is not installed" >&2; exit 1; }
done
[ -x "$exe" ] || { echo "take-screenshots: $exe not found; build first (ninja -C $build)" >&2; exit 1; }
[ -f "$network" ] || { echo "take-screenshots: $network not found" >&2; exit 1; }
mkdir -p "$out"

export GSETTINGS_SCHEMA_DIR="$build/data"
export GSETTINGS_BACKEND=memory
export NO_AT_BRIDGE=1
export GTK_A11Y=none

# The window's default size is the screen's, so the capture shows the whole window.
xvfb-run -a -s "-screen 0 1280x800x24" sh -c '
  "$1" --run --select E "$2" &
  app=$!
  sleep "$3"
  import -window root "$4"
  kill "$app"
  wait "$app" 2>/dev/null || true
' sh "$exe" "$network" "$seconds" "$out/designer-ei-network.png"
echo "wrote $out/designer-ei-network.png"

# The model editor: Lava's LIF written as equations running beside the built-in LIF.
xvfb-run -a -s "-screen 0 1280x800x24" sh -c '
  "$1" --run --select eq "$2" &
  app=$!
  sleep "$3"
  import -window root "$4"
  kill "$app"
  wait "$app" 2>/dev/null || true
' sh "$exe" "$root/data/examples/lif-as-equations.basalt" "$seconds" "$out/equations-beside-lif.png"
echo "wrote $out/equations-beside-lif.png"
