// The index page: what protocol this page came over (/api/info), and the streaming, trailers
// and echo demos.
'use strict';

const $ = (id) => document.getElementById(id);

function protocolOfThisPage() {
  const nav = performance.getEntriesByType('navigation')[0];
  return nav && nav.nextHopProtocol ? nav.nextHopProtocol : '';
}

async function showInfo() {
  let info = {};
  try {
    info = await (await fetch('/api/info', { cache: 'no-store' })).json();
  } catch (e) {
    $('proto').textContent = '?';
    return;
  }
  const proto = protocolOfThisPage() || info.protocol;
  const el = $('proto');
  el.textContent = proto;
  el.classList.add(proto === 'h2' ? 'h2' : 'h1');
  $('proto-note').textContent = proto === 'h2'
    ? 'HTTP/2: every request of this page shares one connection.'
    : 'HTTP/1.1: the browser did not negotiate h2 (cleartext, or HTTP/2 disabled).';
  const tls = info.tls || {};
  const values = {
    http_version: info.http_version,
    tls_version: tls.version || (info.tls ? 'TLS 1.2 or 1.3' : 'none (cleartext)'),
    cipher: tls.cipher || '—',
    alpn: tls.alpn || (info.tls ? 'http/1.1 or none' : '—'),
    peer: info.peer,
  };
  for (const td of document.querySelectorAll('#info td')) {
    td.textContent = values[td.dataset.k] || '—';
  }
  if (info.server) $('server').textContent = info.server;
}

function fillCommands() {
  const host = location.host;
  $('trailers-cmd').textContent =
    `curl -sv --http2 ${location.protocol === 'https:' ? '--cacert CERT.pem ' : '--http2-prior-knowledge '}` +
    `${location.protocol}//${host}/trailers 2>&1 | grep -iE '^< |^[a-z]'`;
  $('curl-cmd').textContent = `curl ${location.protocol === 'https:' ? '--cacert CERT.pem ' : ''}${location.protocol}//${host}/api/info`;
}

async function runStream() {
  const out = $('stream-out');
  const button = $('stream-go');
  button.disabled = true;
  out.textContent = '';
  const started = performance.now();
  try {
    const res = await fetch('/stream?n=12&interval=250ms', { cache: 'no-store' });
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const ms = Math.round(performance.now() - started);
      for (const line of decoder.decode(value, { stream: true }).split('\n')) {
        if (line) out.textContent += `[+${ms} ms in browser] ${line}\n`;
      }
    }
  } catch (e) {
    out.textContent += `error: ${e}\n`;
  }
  button.disabled = false;
}

async function runEcho(event) {
  event.preventDefault();
  const out = $('echo-out');
  try {
    const res = await fetch('/echo', { method: 'POST', body: $('echo-body').value });
    const body = await res.text();
    out.textContent =
      `${res.status}\n` +
      ['x-method', 'x-path', 'x-protocol', 'content-length']
        .map((h) => `${h}: ${res.headers.get(h)}`).join('\n') +
      `\n\n${body}`;
  } catch (e) {
    out.textContent = `error: ${e}`;
  }
}

showInfo();
fillCommands();
$('stream-go').addEventListener('click', runStream);
$('echo-form').addEventListener('submit', runEcho);
