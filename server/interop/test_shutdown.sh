#!/usr/bin/env bash
# Graceful shutdown (h2d only; RFC 9113 section 6.8). While five clients are connected, SIGTERM
# the server:
#   - curl --http2 --limit-rate over TLS downloading big.bin (a real client);
#   - shutdown_client.py h2 over TLS downloading big.bin held back by flow control (WINDOW_UPDATE
#     at 1 MiB/s), so the stream is surely still in flight at the server;
#   - the same over h2c (cleartext);
#   - shutdown_client.py h2 over h2c, idle after one response;
#   - shutdown_client.py h1 (cleartext HTTP/1.1 keep-alive) reading huge.bin (12 MiB) at
#     4 MiB/s with a small receive buffer: more than the kernel's socket buffers can hold
#     (tcp_wmem allows the server 4 MiB), so the response is still being written at SIGTERM.
# The curl download is the real-client case, but a weak one: curl's 32 MiB HTTP/2 window lets
# the server hand all of big.bin to the kernel before SIGTERM. The flow-controlled client is
# the one that proves the server keeps streams going after SIGTERM.
# Then: new connections are refused within 2 s, every download completes intact, each h2
# connection sees GOAWAY(2^31-1) then GOAWAY(1) and is closed, the HTTP/1.1 connection is
# closed after its response, and the server exits 0 within 15 s. See README.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
interop_begin shutdown curl

if ! need_full "graceful shutdown on SIGTERM" "a graceful SIGTERM"; then interop_end; fi

RATE=1048576 # big.bin is 2 MiB: about two seconds per download
head -c $((12 * 1024 * 1024)) /dev/urandom >"$ROOT/huge.bin"
start_server tls

# shutdown_client NAME ARGS...: starts shutdown_client.py in the background (40 s at most).
shutdown_client() {
  local name=$1
  shift
  timeout 40 "$PY" "$INTEROP_DIR/shutdown_client.py" "$@" --root "$ROOT" \
    --ready "$WORK/out/$name.ready" --wait 30 >"$WORK/out/$name.log" 2>&1 &
  PIDS[$name]=$!
  bg_started "$!"
}

declare -A PIDS
# Starts the clients, waits (10 s at most) until each is mid-way, then sends SIGTERM.
start_and_terminate() {
  curl -sS --max-time 30 --cacert "$CERT" --http2 --limit-rate "$RATE" -o "$WORK/out/curl.bin" \
    -w '%{http_version} %{http_code}\n' "$(url tls /big.bin)" >"$WORK/out/curl.log" 2>&1 &
  PIDS[curl]=$!
  bg_started "$!"
  shutdown_client h2-slow h2 --port "$PORT_TLS" --cafile "$CERT" --path /big.bin --rate "$RATE" \
    --ready-after 262144
  shutdown_client h2c-slow h2 --port "$PORT_H2C" --path /big.bin --rate "$RATE" \
    --ready-after 262144
  shutdown_client h2c-idle h2 --port "$PORT_H2C" --path /small.txt
  shutdown_client h1-slow h1 --port "$PORT_H2C" --path /huge.bin --rate $((4 * RATE)) \
    --ready-after 262144
  local i n
  for ((i = 0; i < 100; i++)); do
    n=$(stat -c %s "$WORK/out/curl.bin" 2>/dev/null || echo 0)
    if ((n >= 262144)) && [[ -e $WORK/out/h2-slow.ready && -e $WORK/out/h2c-slow.ready &&
      -e $WORK/out/h2c-idle.ready && -e $WORK/out/h1-slow.ready ]]; then break; fi
    sleep 0.1
  done
  kill -TERM "$SERVER_PID"
  echo "= SIGTERM after $((i * 100)) ms, curl had $n bytes; ready: $(cd "$WORK/out" && echo *.ready)"
  ((i < 100))
}

# New connections are refused within 2 s of SIGTERM (the listener is closed).
refuses_new() {
  local i
  for ((i = 0; i < 20; i++)); do
    if ! _port_open "$PORT_TLS"; then
      echo "= refused after $((i * 100)) ms"
      return 0
    fi
    sleep 0.1
  done
  echo "127.0.0.1:$PORT_TLS still accepts connections 2 s after SIGTERM"
  return 1
}

# curl_download: curl finishes (30 s at most) with exit 0, h2 200 and the whole file.
curl_download() {
  wait_exit "${PIDS[curl]}" 30
  cat "$WORK/out/curl.log"
  [[ $EXIT_STATUS == 0 && $(cat "$WORK/out/curl.log") == "2 200" ]] || {
    echo "curl exit status $EXIT_STATUS"
    return 1
  }
  same_file "$ROOT/big.bin" "$WORK/out/curl.bin"
}

# client NAME: the shutdown_client.py run NAME exits 0 (35 s at most).
client() {
  wait_exit "${PIDS[$1]}" 35
  cat "$WORK/out/$1.log"
  [[ $EXIT_STATUS == 0 ]]
}

server_exit() {
  wait_exit "$SERVER_PID" 15
  _forget_server "$SERVER_PID"
  tail -n 5 "$WORK"/logs/server-*.log
  [[ $EXIT_STATUS == 0 ]] || {
    echo "server exit status '$EXIT_STATUS', want 0 within 15 s of SIGTERM"
    return 1
  }
}

check "SIGTERM while 4 downloads are in flight and 1 h2c connection is idle" start_and_terminate
check "new connections refused within 2 s" refuses_new
check "curl --http2 --limit-rate download (TLS) completes intact" curl_download
check "flow-controlled h2 download (TLS): GOAWAY(2^31-1), GOAWAY(1), body intact, closed" \
  client h2-slow
check "flow-controlled h2c download: GOAWAY(2^31-1), GOAWAY(1), body intact, closed" \
  client h2c-slow
check "idle h2c connection: GOAWAY(2^31-1), GOAWAY(1), then closed" client h2c-idle
check "slow HTTP/1.1 download of 12 MiB (cleartext) completes intact, then closed" \
  client h1-slow
check "server exits 0" server_exit
interop_end
