# Sourced by scripts/bench-*: what both whole-server benchmarks need on loopback.

# free_port: an ephemeral port on 127.0.0.1 nothing holds now
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_tcp PORT [PID]: wait until something listens on PORT, at most 90 s; fails at once if PID died
wait_tcp() {
  for _ in $(seq 900); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    if [[ -n ${2:-} ]] && ! kill -0 "$2" 2>/dev/null; then
      echo "${0##*/}: the server (pid $2) exited before it listened on $1" >&2; exit 1
    fi
    sleep 0.1
  done
  echo "${0##*/}: nothing listens on $1" >&2; exit 1
}

# self_signed_cert DIR: a P-256 key and certificate for localhost/127.0.0.1 in DIR/key.pem, DIR/cert.pem
self_signed_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null
}

# bench_fixed MODE PORT NTSPORT PID RATE SECONDS CACERT: one open-loop run of ./ntsfarm bench at RATE
# for SECONDS against 127.0.0.1, with the server's CPU (process PID); its report on stdout. The client
# first sends the same load for WARMUP_S seconds (default 2), unmeasured: each run is a new client
# JVM, and one still compiling its own code while it measures lengthens the tail it reports and
# takes a core's worth of CPU from the server in bursts.
bench_fixed() {
  "$ROOT/ntsfarm" bench --mode "$1" --host 127.0.0.1 --port "$2" --ntsport "$3" --cacert "$7" \
    --rate "$5" --count $(($5 * $6)) --duration $(($6 + 1)) --warmup "${WARMUP_S:-2}" --server-pid "$4" 2>&1
}
