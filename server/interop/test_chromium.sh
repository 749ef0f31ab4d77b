#!/usr/bin/env bash
# Headless Chromium loads page.html (gen_page.py: 25 scripts and 25 images) over TLS and reports
# from the Resource Timing API that the document and all 50 sub-resources came over h2, that the
# scripts ran and the images decoded. With the full contract, also with --disable-http2 (all
# over HTTP/1.1). See README.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
interop_begin chromium chromium

"$PY" "$INTEROP_DIR/gen_page.py" "$ROOT" --count 50 || die "gen_page.py failed"

# browse NAME WANT_PROTOCOL CHROMIUM_ARGS...: dumps the DOM of page.html (60 s at most) and
# checks the summary line. The browser runs in its own process group (timeout's), which is
# killed afterwards so that no helper process outlives the check.
browse() {
  local name=$1 want=$2
  shift 2
  local profile="$WORK/profile-$name" dom="$WORK/out/$name.html" err="$WORK/out/$name.err"
  mkdir -p "$profile"
  HOME="$WORK/home" timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu \
    --disable-quic --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --disable-dev-shm-usage --user-data-dir="$profile" \
    --ignore-certificate-errors --virtual-time-budget=10000 "$@" \
    --dump-dom "$(url tls /page.html)" >"$dom" 2>"$err" &
  local pid=$! rc=0
  wait "$pid" || rc=$?
  kill -KILL -- "-$pid" 2>/dev/null || true
  local summary
  summary=$(grep -o 'SUMMARY resources=[0-9][^<]*' "$dom")
  if ((rc != 0)) || [[ -z $summary ]]; then
    echo "chromium exited with $rc; no summary in the DOM"
    grep -v -e dbus -e 'Fontconfig' "$err" | tail -n 10
    head -c 2000 "$dom"
    return 1
  fi
  echo "= $summary"
  local n_h2=0
  if [[ $want == h2 ]]; then n_h2=50; fi
  local want_summary="SUMMARY resources=50 h2=$n_h2 nav=$want scripts=25 images=25 protocols=$want:50"
  [[ $summary == "$want_summary" ]] || {
    echo "want: $want_summary"
    return 1
  }
}

start_server tls

check "page + 50 sub-resources, all over h2 (Resource Timing nextHopProtocol)" browse h2 h2
if need_full "page over HTTP/1.1 (--disable-http2)" "HTTP/1.1"; then
  check "page + 50 sub-resources over HTTP/1.1 (--disable-http2)" browse h1 http/1.1 --disable-http2
fi
interop_end
