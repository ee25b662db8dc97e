# The HTML report of embargo batch, rendered by a real browser: Debian's
# Chromium takes a headless screenshot, and the PNG must show the bars of
# both charts in their colours (matches #c0392b, other hits #9bb7d4) and
# be mostly page background. A name in the input with HTML in it must not
# change the page (the report escapes what it prints).
. "$(dirname "$0")/lib.sh"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
  echo "SKIP: $CHROMIUM not found (scripts/deps.sh installs it)" >&2
  exit 77
fi

printf 'id,name\n1,SMIC\n2,Huawei Technologies\n3,"<b>Banco</b> Nacional de Cuba"\n4,Zzyzx Florists\n5,Semiconductor Manufacturing Intl\n' >"$TMP/in.csv"
expect_rc 1 $E batch --data "$LISTS" --quiet --input "$TMP/in.csv" \
  --output "$TMP/out.jsonl" --report "$TMP/report.html"
grep -q '<b>' "$TMP/report.html" && fail "unescaped HTML from the data in the report"

# A fresh profile directory, so that nothing of the machine's browser
# state is used or changed.
"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$TMP/profile" --window-size=800,1100 \
  --screenshot="$TMP/report.png" "file://$TMP/report.html" \
  >"$TMP/chromium.log" 2>&1
[ -s "$TMP/report.png" ] || fail "no screenshot: $(tail -3 "$TMP/chromium.log")"

# Counts the pixels of each colour in the PNG (8-bit RGB or RGBA).
python3 - "$TMP/report.png" >"$TMP/pixels" <<'EOF' || fail "cannot read the PNG"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6)
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
counts = {"match": 0, "hit": 0, "white": 0, "other": 0}
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line[i] = (line[i] + pr) & 255
    for x in range(0, stride, bpp):
        px = tuple(line[x:x + 3])
        if px == (0xc0, 0x39, 0x2b): counts["match"] += 1
        elif px == (0x9b, 0xb7, 0xd4): counts["hit"] += 1
        elif px == (255, 255, 255): counts["white"] += 1
        else: counts["other"] += 1
    prev = line
print(counts["match"], counts["hit"], counts["white"], w * h)
EOF
read match hit white total <"$TMP/pixels"
[ "${match:-0}" -gt 2000 ] || fail "the match bars are not drawn ($match pixels)"
[ "${hit:-0}" -gt 300 ] || fail "the hit bars are not drawn ($hit pixels)"
[ "$((white * 2))" -gt "${total:-1}" ] || fail "the page is not mostly background ($white of $total)"

finish
