#!/usr/bin/python3
"""Writes the browser test page into a document root.

  gen_page.py ROOT [--count 50]

ROOT/page.html loads COUNT sub-resources: COUNT/2 scripts (res/s<i>.js, each bumps a counter)
and the rest 1x1 PNG images (res/i<i>.png). When the load event fires, an inline script writes
one line into <pre id="result">:

  SUMMARY resources=R h2=H nav=P scripts=S images=I protocols=p1:n1,p2:n2

R: entries of performance.getEntriesByType('resource'); H: those whose nextHopProtocol is
'h2'; P: the main document's nextHopProtocol; S: scripts that ran; I: images decoded as 1x1;
protocols: every nextHopProtocol seen among the resources, with counts.
"""

import argparse
import os
import struct
import zlib


def png_1x1():
    """A 1x1 opaque grey PNG, built from the PNG specification's chunks."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    idat = zlib.compress(b"\x00\x80")  # filter byte 0, one grey pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


PAGE_SCRIPT = """<script>
window.addEventListener('load', function () {
  var res = performance.getEntriesByType('resource');
  var protocols = {};
  var h2 = 0;
  res.forEach(function (e) {
    protocols[e.nextHopProtocol] = (protocols[e.nextHopProtocol] || 0) + 1;
    if (e.nextHopProtocol === 'h2') h2++;
  });
  var nav = performance.getEntriesByType('navigation')[0];
  var images = Array.prototype.filter.call(document.images, function (i) {
    return i.complete && i.naturalWidth === 1 && i.naturalHeight === 1;
  }).length;
  document.getElementById('result').textContent = [
    'SUMMARY', 'resources=' + res.length, 'h2=' + h2,
    'nav=' + (nav ? nav.nextHopProtocol : 'none'), 'scripts=' + (window.interopScripts || 0),
    'images=' + images,
    'protocols=' + Object.keys(protocols).sort().map(function (p) {
      return (p || 'empty') + ':' + protocols[p];
    }).join(',')
  ].join(' ');
});
</script>"""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("root")
    p.add_argument("--count", type=int, default=50)
    a = p.parse_args()
    res = os.path.join(a.root, "res")
    os.makedirs(res, exist_ok=True)
    n_scripts = a.count // 2
    png = png_1x1()
    head, body = [], []
    for i in range(n_scripts):
        with open(os.path.join(res, f"s{i}.js"), "w") as f:
            f.write(f"window.interopScripts = (window.interopScripts || 0) + 1; // {i}\n")
        head.append(f'<script src="res/s{i}.js"></script>')
    for i in range(a.count - n_scripts):
        with open(os.path.join(res, f"i{i}.png"), "wb") as f:
            f.write(png)
        body.append(f'<img src="res/i{i}.png" width="1" height="1" alt="">')
    html = ["<!doctype html>", '<html><head><meta charset="utf-8">',
            "<title>h2engine interop</title>", '<link rel="icon" href="data:,">']
    html += head + ["</head><body>"] + body
    html += ['<pre id="result">pending</pre>', PAGE_SCRIPT, "</body></html>", ""]
    with open(os.path.join(a.root, "page.html"), "w") as f:
        f.write("\n".join(html))


if __name__ == "__main__":
    main()
