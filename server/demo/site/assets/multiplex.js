// The multiplexing page: once every tile has loaded, summarise from the Resource Timing API
// which protocol carried them and how long the whole set took.
'use strict';

window.addEventListener('load', () => {
  const tiles = performance.getEntriesByType('resource').filter((e) => e.name.includes('/tiles/'));
  const protocols = {};
  let first = Infinity;
  let last = 0;
  for (const e of tiles) {
    const p = e.nextHopProtocol || '?';
    protocols[p] = (protocols[p] || 0) + 1;
    first = Math.min(first, e.startTime);
    last = Math.max(last, e.responseEnd);
  }
  const broken = [...document.querySelectorAll('#tiles img')].filter((i) => !i.naturalWidth).length;
  const by = Object.entries(protocols).map(([p, n]) => `${n} over ${p}`).join(', ');
  const span = tiles.length ? Math.round(last - first) : 0;
  document.getElementById('summary').textContent =
    `${tiles.length} tiles (${by || 'none'}) in ${span} ms` + (broken ? `; ${broken} failed` : '');
});
