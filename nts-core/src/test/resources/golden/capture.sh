#!/usr/bin/env bash
# Captures golden bytes from chronyd on loopback: one NTS-KE exchange, the NTS-protected NTP
# exchange that used its keys, a plain NTP exchange and symmetric-key NTP exchanges.
#
# Usage: capture.sh [OUTPUT_DIR]   (default: the directory of this script)
#
# Needs root (tcpdump on lo), chronyd/chronyc 4.x, tcpdump, tshark, openssl, python3.
# Touches only a temporary directory and the loopback interface. Every chronyd runs with -x,
# so the system clock is never changed. Nothing leaves the machine.
set -euo pipefail

OUT=$(cd "${1:-$(dirname "$0")}" && pwd)
WORK=$(mktemp -d /tmp/ntsfarm-golden.XXXXXX)
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ -z "${KEEP_WORK:-}" ]; then rm -rf "$WORK"; else log "kept $WORK"; fi
}
trap cleanup EXIT

log() { echo "capture: $*" >&2; }

# Waits (up to 10 s) until a command succeeds; the processes we start need a moment to bind.
wait_for() {
    local i
    for i in $(seq 100); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    log "timed out waiting for: $*"
    return 1
}

# Two free ports on loopback: NTP (udp) and NTS-KE (tcp).
read -r NTP_PORT NTSKE_PORT < <(python3 - <<'EOF'
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", 0))
print(u.getsockname()[1], t.getsockname()[1])
EOF
)
log "work dir $WORK, NTP port $NTP_PORT, NTS-KE port $NTSKE_PORT"

CHRONY_VERSION=$(chronyd --version | awk '{print $4}')
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# --- certificate: throwaway self-signed EC P-256, SAN 127.0.0.1 and localhost ---------------
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/server.key" 2>/dev/null
openssl req -x509 -new -key "$WORK/server.key" -out "$WORK/server.crt" -days 3650 \
    -subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null

# --- symmetric keys shared by server and clients (test keys, published on purpose) ----------
cat >"$WORK/chrony.keys" <<'EOF'
1 SHA1 HEX:0102030405060708090A0B0C0D0E0F1011121314
2 MD5 ASCII:ntsfarm-golden
3 SHA256 HEX:000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F
EOF
chmod 600 "$WORK/chrony.keys"

mkdir -m 700 "$WORK/server-dump" "$WORK/client-dump"

cat >"$WORK/server.conf" <<EOF
port $NTP_PORT
ntsport $NTSKE_PORT
ntsserverkey $WORK/server.key
ntsservercert $WORK/server.crt
ntsdumpdir $WORK/server-dump
keyfile $WORK/chrony.keys
cmdport 0
pidfile $WORK/server.pid
allow 127.0.0.1
local stratum 1
EOF

# A client section: port 0 (no NTP server), cmdport 0, its own pid file.
client_conf() { # name, server directive options
    cat >"$WORK/client-$1.conf" <<EOF
server 127.0.0.1 port $NTP_PORT $2
keyfile $WORK/chrony.keys
port 0
cmdport 0
pidfile $WORK/client-$1.pid
EOF
}
client_conf nts "ntsport $NTSKE_PORT nts iburst maxsamples 1"
echo "ntstrustedcerts $WORK/server.crt" >>"$WORK/client-nts.conf"
echo "ntsdumpdir $WORK/client-dump" >>"$WORK/client-nts.conf"
client_conf plain "iburst maxsamples 1"
client_conf key1 "key 1 iburst maxsamples 1"
client_conf key2 "key 2 iburst maxsamples 1"
client_conf key3 "key 3 iburst maxsamples 1"

# --- capture ---------------------------------------------------------------------------------
tcpdump -i lo --immediate-mode -U -n -s 0 -w "$WORK/capture.pcap" \
    "host 127.0.0.1 and (udp port $NTP_PORT or tcp port $NTSKE_PORT)" 2>"$WORK/tcpdump.log" &
PIDS+=($!)
wait_for grep -q "listening on" "$WORK/tcpdump.log"

chronyd -x -d -F 0 -u root -f "$WORK/server.conf" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=($SERVER_PID)
wait_for sh -c "ss -ltn | grep -q ':$NTSKE_PORT '"
wait_for sh -c "ss -lun | grep -q ':$NTP_PORT '"

# -Q: measure once, print the offset, exit; never touches the clock. The NTS client writes its
# ntsdumpdir file when the source is destroyed at exit. GnuTLS logs the TLS secrets to SSLKEYLOGFILE.
run_client() { # name
    log "client $1"
    SSLKEYLOGFILE="$WORK/tls-keylog.txt" \
        chronyd -Q -t 10 -F 0 -u root -f "$WORK/client-$1.conf" >"$WORK/client-$1.log" 2>&1
    cat "$WORK/client-$1.log" >&2
    grep -q "System clock wrong by" "$WORK/client-$1.log"
}

# First NTS run: NTS-KE, then one NTP exchange with the first cookie (8 cookies held, so no
# placeholders).
run_client nts
DUMP="$WORK/client-dump/127.0.0.1.nts"
test -s "$DUMP" || { log "client NTS dump missing after the first run"; exit 1; }
cp "$DUMP" "$WORK/client-dump-first.nts"

# Second NTS run: the client reloads its dump (same keys, no NTS-KE). Keeping only 3 of the 8
# cookies (header is 5 lines) makes it ask for the missing ones with Cookie Placeholders.
head -n 8 "$WORK/client-dump-first.nts" >"$DUMP"
run_client nts

for name in plain key1 key2 key3; do
    run_client "$name"
done

kill "$SERVER_PID"
wait "$SERVER_PID" || true
# tcpdump writes each packet as it comes (--immediate-mode -U); wait until the last answer is in.
# Six client runs, six answers.
wait_for sh -c "test \$(tcpdump -r '$WORK/capture.pcap' -n 'udp src port $NTP_PORT' 2>/dev/null | wc -l) -ge 6"
kill "${PIDS[0]}"
wait "${PIDS[0]}" || true
PIDS=()

test -s "$DUMP" || { log "client NTS dump missing after the second run"; exit 1; }
# Both runs used the same NTS-KE keys (line 5: context id, AEAD, S2C, C2S).
test "$(sed -n 5p "$DUMP")" = "$(sed -n 5p "$WORK/client-dump-first.nts")" ||
    { log "the second run did not reuse the first run's keys"; exit 1; }
test -s "$WORK/tls-keylog.txt" || { log "TLS key log missing"; exit 1; }

# --- extract ---------------------------------------------------------------------------------
tshark -r "$WORK/capture.pcap" -o "tls.keylog_file:$WORK/tls-keylog.txt" \
    -q -z follow,tls,raw,0 >"$WORK/ke-follow.txt"
tshark -r "$WORK/capture.pcap" -Y "udp.port == $NTP_PORT" \
    -T fields -E separator=' ' -e frame.number -e udp.srcport -e udp.dstport -e udp.payload \
    >"$WORK/ntp.txt"

python3 - "$WORK" "$OUT" "$NTP_PORT" "$CHRONY_VERSION" "$DATE" "$NTSKE_PORT" <<'EOF'
import sys, pathlib, shutil, textwrap
work, out, ntp_port, version, date = sys.argv[1:6]
work, out, ntp_port = pathlib.Path(work), pathlib.Path(out), int(ntp_port)

def write_hex(name, data, what):
    header = [f"# {line}" for line in textwrap.wrap(what, 94, break_on_hyphens=False, break_long_words=False)]
    header += [f"# Captured from chronyd {version} on loopback, {date}, by capture.sh (tcpdump + tshark).",
               f"# {len(data)} bytes, hex, 32 bytes a line; '#' lines are comments."]
    body = [data[i:i + 32].hex() for i in range(0, len(data), 32)]
    (out / name).write_text("\n".join(header + body) + "\n")

# NTS-KE: tshark's raw follow output lists the decrypted TLS application data of stream 0, one
# hex line a TLS record; lines from node 1 start with a tab. The "Node 0:" line says which end
# node 0 is.
ke_port = int(sys.argv[6])
req, resp = bytearray(), bytearray()
node0_is_server = None
for line in (work / "ke-follow.txt").read_text().splitlines():
    if line.startswith("Node 0:"):
        node0_is_server = line.rsplit(":", 1)[1].strip() == str(ke_port)
        continue
    if node0_is_server is None or not line.strip() or line.startswith("=") or ":" in line:
        continue
    from_server = node0_is_server != line.startswith("\t")
    (resp if from_server else req).extend(bytes.fromhex(line.strip()))
assert req and resp, "no decrypted NTS-KE data (was the TLS key log used?)"
write_hex("nts-ke-request.hex", req,
          "NTS-KE request records (RFC 8915 section 4), plaintext inside TLS 1.3: chronyd client to chronyd server.")
write_hex("nts-ke-response.hex", resp,
          "NTS-KE response records (RFC 8915 section 4), plaintext inside TLS 1.3: chronyd server to chronyd client.")

# NTP: pair each client request (dst = server port) with the response whose origin timestamp
# (bytes 24..31) equals the request's transmit timestamp (bytes 40..47). Runs were sequential:
# nts, plain, key1, key2, key3; tell them apart by their shape.
packets = []
for line in (work / "ntp.txt").read_text().splitlines():
    frame, src, dst, payload = line.split()
    packets.append((int(src), int(dst), bytes.fromhex(payload)))
requests = [p for s, d, p in packets if d == ntp_port]
responses = [p for s, d, p in packets if s == ntp_port]

def pair(request):
    for r in responses:
        if r[24:32] == request[40:48]:
            return r
    raise SystemExit(f"no response for request {request[:48].hex()}")

def first(predicate, what):
    for r in requests:
        if predicate(r):
            return r, pair(r)
    raise SystemExit(f"no {what} request captured")

def key_id(p):
    # MAC = key id + digest: MD5 16, SHA1 20, SHA256 32 bytes (chrony 4.3 sends the whole digest)
    return int.from_bytes(p[48:52], "big") if len(p) - 48 - 4 in (16, 20, 32) else None

def ef_types(p):
    types, i = [], 48
    while i + 4 <= len(p):
        t, n = int.from_bytes(p[i:i+2], "big"), int.from_bytes(p[i+2:i+4], "big")
        if n < 16 or i + n > len(p):
            break
        types.append(t)
        i += n
    return types

nts = first(lambda p: ef_types(p)[:1] == [0x0104] and 0x0304 not in ef_types(p), "NTS")
nts_ph = first(lambda p: ef_types(p)[:1] == [0x0104] and 0x0304 in ef_types(p), "NTS with placeholders")
plain = first(lambda p: len(p) == 48, "plain")
k1 = first(lambda p: key_id(p) == 1, "key 1")
k2 = first(lambda p: key_id(p) == 2, "key 2")
k3 = first(lambda p: key_id(p) == 3, "key 3")

write_hex("nts-ntp-request.hex", nts[0],
          "NTS-protected NTPv4 client request (mode 3), whole UDP payload: header, Unique Identifier, "
          "NTS Cookie (the first cookie of nts-ke-response.hex; the client held 8, so no placeholders), "
          "NTS Authenticator (RFC 8915 section 5). Keys: chronyd-client-127.0.0.1.nts.")
write_hex("nts-ntp-response.hex", nts[1],
          "NTS-protected NTPv4 server response (mode 4) to nts-ntp-request.hex, whole UDP payload: header, "
          "Unique Identifier, NTS Authenticator and Encrypted Extension Fields holding new cookies.")
write_hex("nts-ntp-placeholders-request.hex", nts_ph[0],
          "NTS-protected NTPv4 client request (mode 3) from the second client run, which reloaded its dump "
          "trimmed to 3 cookies: header, Unique Identifier, NTS Cookie, Cookie Placeholders, NTS Authenticator. "
          "Same keys as nts-ntp-request.hex.")
write_hex("nts-ntp-placeholders-response.hex", nts_ph[1],
          "NTS-protected NTPv4 server response (mode 4) to nts-ntp-placeholders-request.hex: one new cookie for "
          "the cookie and one for each placeholder, inside the encrypted extension fields.")
write_hex("ntp-plain-request.hex", plain[0], "Plain NTPv4 client request (mode 3), no authentication, whole UDP payload.")
write_hex("ntp-plain-response.hex", plain[1], "Plain NTPv4 server response (mode 4) to ntp-plain-request.hex, whole UDP payload.")
for name, (q, r), what in (("key1-sha1", k1, "key 1 (SHA1, HEX key)"),
                           ("key2-md5", k2, "key 2 (MD5, ASCII key)"),
                           ("key3-sha256", k3, "key 3 (SHA256, HEX key)")):
    write_hex(f"ntp-{name}-request.hex", q,
              f"Symmetric-key NTPv4 client request (mode 3) with MAC (key id + digest) under {what} "
              "of chrony.keys, whole UDP payload.")
    write_hex(f"ntp-{name}-response.hex", r,
              f"Symmetric-key NTPv4 server response (mode 4) with MAC under {what} of chrony.keys, whole UDP payload.")

# Verbatim files: the client's NTS dump (keys and remaining cookies), the server's cookie keys,
# the key file and the certificate.
shutil.copyfile(work / "client-dump-first.nts", out / "chronyd-client-127.0.0.1.nts")
shutil.copyfile(work / "server-dump" / "ntskeys", out / "chronyd-server-ntskeys")
shutil.copyfile(work / "chrony.keys", out / "chrony.keys")
shutil.copyfile(work / "server.crt", out / "server.crt")
(out / "capture-info.txt").write_text(
    f"chronyd {version}\ncaptured {date}\nntp port {ntp_port}\n"
    f"packets: {len(requests)} requests, {len(responses)} responses on the NTP port\n")
print("fixtures written to", out)
EOF
