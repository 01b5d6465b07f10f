#!/usr/bin/env bash
# Captures chronyc's own output from chronyd on loopback, for ntsctl's golden-output tests:
# sources, sourcestats, tracking and authdata of a chronyd NTS client, serverstats and clients
# of the chronyd NTS server it polls, each as text and as CSV (-c).
#
# Usage: capture.sh [OUTPUT_DIR]   (default: the directory of this script)
#
# Needs root (chronyd -u root), chronyd/chronyc 4.x, openssl, python3. Touches only a temporary
# directory and loopback; both chronyd run with -x, so the system clock is never changed.
set -euo pipefail

OUT=$(cd "${1:-$(dirname "$0")}" && pwd)
WORK=$(mktemp -d /tmp/ntsfarm-chronyc-golden.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "capture: $*" >&2; }

read -r NTP_PORT NTSKE_PORT < <(python3 - <<'PY'
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", 0))
print(u.getsockname()[1], t.getsockname()[1])
PY
)
mkdir -m 0700 "$WORK/server" "$WORK/client"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

cat > "$WORK/server.conf" <<CONF
port $NTP_PORT
ntsport $NTSKE_PORT
ntsserverkey $WORK/key.pem
ntsservercert $WORK/cert.pem
ntsdumpdir $WORK/server
local stratum 1
allow 127.0.0.1
cmdport 0
bindcmdaddress $WORK/server/chronyd.sock
pidfile $WORK/server/chronyd.pid
CONF
cat > "$WORK/client.conf" <<CONF
server 127.0.0.1 port $NTP_PORT ntsport $NTSKE_PORT nts iburst minpoll 0 maxpoll 0
ntstrustedcerts $WORK/cert.pem
port 0
cmdport 0
bindcmdaddress $WORK/client/chronyd.sock
pidfile $WORK/client/chronyd.pid
ntsdumpdir $WORK/client
CONF

chronyd -x -d -F 0 -u root -f "$WORK/server.conf" >"$WORK/server.log" 2>&1 & PIDS+=($!)
sleep 1
chronyd -x -d -F 0 -u root -f "$WORK/client.conf" >"$WORK/client.log" 2>&1 & PIDS+=($!)

client() { chronyc -h "$WORK/client/chronyd.sock" -n "$@"; }
server() { chronyc -h "$WORK/server/chronyd.sock" -n "$@"; }

log "waiting for Reach 377 (NTP $NTP_PORT, NTS-KE $NTSKE_PORT)"
for i in $(seq 60); do
    if client sources 2>/dev/null | grep -q ' 377 '; then break; fi
    sleep 1
done
client sources | grep -q ' 377 ' || { log "no Reach 377"; cat "$WORK/client.log" >&2; exit 1; }
sleep 3

for cmd in sources sourcestats tracking authdata; do
    client "$cmd" > "$OUT/chronyc-$cmd-nts.txt"
    client -c "$cmd" > "$OUT/chronyc-$cmd-nts.csv"
done
for cmd in serverstats clients; do
    server "$cmd" > "$OUT/chronyc-$cmd-nts.txt"
    server -c "$cmd" > "$OUT/chronyc-$cmd-nts.csv"
done
{
    echo "chronyc $(chronyc --version | awk '{print $4}'), captured $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "NTP port $NTP_PORT, NTS-KE port $NTSKE_PORT; client and server chronyd -x on loopback"
} > "$OUT/chronyc-capture-info.txt"
log "wrote $OUT/chronyc-*-nts.{txt,csv}"
