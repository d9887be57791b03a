#!/usr/bin/env python3
"""Makes the CJK fonts carried inside the binary (crates/pdf/fonts/): subsets of Noto Serif
CJK SC and Noto Sans CJK SC (SIL Open Font License 1.1, see crates/pdf/fonts/OFL.txt).

Sources: the Debian package `fonts-noto-cjk` (apt-get install -y fonts-noto-cjk), whose
collections live in /usr/share/fonts/opentype/noto/. Tool: fontTools from PyPI
(pip install fonttools).

Characters kept: the 6,763 hanzi and all symbols of GB 2312 (rows 1-9: CJK punctuation,
full-width forms, 〔〕 …), found by decoding every GB 2312 code with Python's own codec, plus
printable ASCII, 〇 and the few signs official documents use that GB 2312 lacks, plus every
CJK character of the repository's message catalogue and demo data (so the demo's documents are
complete whatever they say). The 通用规范汉字表 (8,105 characters) is not available from a
package on PyPI or Debian, so GB 2312 stands in for it (see docs/DOCUMENTS.md).

Run from the repository root: python3 scripts/subset-cjk-fonts.py
"""

import glob
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

SRC = "/usr/share/fonts/opentype/noto"
OUT = "crates/pdf/fonts"
FONTS = [
    ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "NotoSerifCJKsc-Regular-subset.otf"),
    ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "NotoSansCJKsc-Regular-subset.otf"),
]
EXTRA = "〇—…·・〔〕【】「」『』（）《》〈〉“”‘’、。，；：？！％＋－×÷＝￥№℃"
# Repository text whose CJK characters are kept too.
REPO_TEXT = ["locales/*.yml", "crates/service/src/**/*.rs", "crates/service/demo/**/*"]


def gb2312():
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def repo_cjk():
    chars = set()
    for pattern in REPO_TEXT:
        for path in glob.glob(pattern, recursive=True):
            if not os.path.isfile(path):
                continue
            try:
                text = open(path, encoding="utf-8").read()
            except UnicodeDecodeError:
                continue
            chars.update(c for c in text if ord(c) >= 0x2E80)
    return chars


def main():
    chars = gb2312() | repo_cjk() | set(EXTRA) | {chr(c) for c in range(0x20, 0x7F)}
    hanzi = sum(1 for c in chars if 0x4E00 <= ord(c) <= 0x9FFF)
    print(f"{len(chars)} characters, {hanzi} hanzi")
    os.makedirs(OUT, exist_ok=True)
    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.layout_features = ["kern", "liga", "locl", "vert", "palt", "halt"]
    options.drop_tables += ["DSIG", "VORG", "vhea", "vmtx"]
    for ttc, family, out in FONTS:
        collection = TTCollection(os.path.join(SRC, ttc))
        font = next(
            (f for f in collection.fonts if f["name"].getDebugName(1) == family), None
        )
        if font is None:
            sys.exit(f"{family} not found in {ttc}")
        sub = subset.Subsetter(options)
        sub.populate(text="".join(sorted(chars)))
        sub.subset(font)
        path = os.path.join(OUT, out)
        font.save(path)
        print(f"{path}: {os.path.getsize(path) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
