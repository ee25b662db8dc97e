#!/usr/bin/env bash
# Sets embargo up on a fresh Debian 12 machine and runs the main job on the
# built-in default data: installs packages, builds, screens a few names
# (Latin, Chinese simplified and traditional, a typo) to show hits with
# their explanations, determines the US EAR licence requirement of a
# few transactions, and screens a small customer file in batch with an
# HTML report and an audit log (examples/; outputs in build/demo/).
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
$e check examples/nl-scanner-smic-2024.json || true
mkdir -p build/demo
rm -f build/demo/audit.db*
$e batch --input examples/customers.csv --id-column id --country-column country \
  --output build/demo/customers.hits.jsonl --report build/demo/customers.html \
  --audit build/demo/audit.db || true
$e audit verify --audit build/demo/audit.db
