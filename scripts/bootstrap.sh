#!/usr/bin/env bash
# Sets embargo up on a fresh Debian 12 machine and runs the main job on the
# built-in default data: installs packages, builds, screens a few names
# (Latin, Chinese simplified and traditional, a typo) to show hits with
# their explanations, and determines the US EAR licence requirement of a
# few transactions (examples/).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
[ -d build ] || meson setup build --buildtype=debugoptimized
ninja -C build
e=./build/embargo
set -x
$e lists
$e screen "SMIC" || true
$e screen "中芯国际集成电路制造有限公司" || true
$e screen "華為技術有限公司" || true
$e screen "Huawie Technologies" || true
$e compare "Semiconductor Manufacturing Intl Corp" \
  "Semiconductor Manufacturing International Corporation" || true
$e check examples/smic-ear99-2021.json || true
$e check examples/huawei-fdp-2020.json || true
$e check --jsonl - < examples/mixed.jsonl || true
