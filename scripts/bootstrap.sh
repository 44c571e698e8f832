#!/usr/bin/env bash
# System tools the project needs before its own set-up: Python venv support and npm.
set -euo pipefail
. "$(dirname "$0")/system.sh"

missing=()
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
command -v npm >/dev/null || missing+=(npm)
command -v pg_isready >/dev/null || missing+=(postgresql-client)
# Labels embed DejaVu Sans, a TrueType font with every Vietnamese glyph.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || missing+=(fonts-dejavu-core)
# Browser tests drive Debian's Chromium (a test tool's own browser download is not possible).
# Label tests rasterise PDFs with poppler's pdftoppm; GDAL is the real client that reads
# what SmartTrees writes (basemaps, exports).
if [ "${1:-}" = test ]; then
  command -v chromium >/dev/null || missing+=(chromium)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  command -v ogrinfo >/dev/null || missing+=(gdal-bin)
fi
# The import benchmark measures ogr2ogr (GDAL's own loader) as its reference.
if [ "${1:-}" = bench ]; then
  command -v ogr2ogr >/dev/null || missing+=(gdal-bin)
fi
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
