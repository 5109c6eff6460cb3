#!/usr/bin/env bash
# sellod soak: 10 minutes (SOAK_SECS) of API churn against two virtual cards in a private pcscd,
# with the daemon's RSS sampled every 10 s. Not a CI test: run it by hand (root, like the rig).
#
#   cargo build --release --bin sellod --bin sello-vcard
#   benches/daemon_soak.sh            # SOAK_SECS=600 by default; BIN=target/release
#
# Load: 20 clients connecting, asking list-cards / card-status (refresh) and disconnecting in a
# loop; 5 subscribers coming and going; malformed and oversized lines; PIN change jobs (and back)
# alternating on both readers, each answered through the secret exchange. Memory must stay flat:
# the run fails if the final RSS exceeds 1.5x the RSS after the first minute.
set -euo pipefail

if [[ "${1:-}" != "--inside" ]]; then
    BIN="${BIN:-$(cd "$(dirname "$0")/.." && pwd)/target/release}"
    export BIN SOAK_SECS="${SOAK_SECS:-600}"
    exec nice "$BIN/sello-vcard" sandbox --cards 2 -- bash "$0" --inside
fi

work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
export SELLO_STATE_DIR="$work/state" SELLO_SOCKET="$work/sellod.sock"
"$BIN/sellod" --socket "$SELLO_SOCKET" 2>"$work/sellod.log" &
daemon=$!
for _ in $(seq 100); do [[ -S "$SELLO_SOCKET" ]] && break; sleep 0.1; done

python3 - "$SELLO_SOCKET" "$SOAK_SECS" <<'PY' &
import json, os, random, socket, sys, threading, time
path, secs = sys.argv[1], int(sys.argv[2])
end = time.time() + secs
stats = {"requests": 0, "errors": 0, "jobs": 0, "job_failures": 0}
lock = threading.Lock()

def conn():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    return s, s.makefile("rwb")

def call(f, req):
    f.write((json.dumps(req) + "\n").encode()); f.flush()
    while True:
        m = json.loads(f.readline())
        if "event" not in m:
            return m

def status_client():
    while time.time() < end:
        s, f = conn()
        for _ in range(random.randint(1, 20)):
            req = random.choice([{"op": "list-cards"},
                                 {"op": "card-status", "reader": "00 00", "refresh": True},
                                 {"op": "card-status", "reader": "00 01"},
                                 {"op": "hello"}])
            r = call(f, req)
            with lock:
                stats["requests"] += 1
                if not r.get("ok"):
                    stats["errors"] += 1
            time.sleep(0.01)  # steady load, not a CPU hog on a shared machine
        s.close()

def subscriber():
    while time.time() < end:
        s, f = conn()
        call(f, {"op": "subscribe"})
        s.settimeout(random.uniform(1, 10))
        try:
            while f.readline():
                pass
        except OSError:
            pass
        s.close()

def junk():
    while time.time() < end:
        s, f = conn()
        for line in [b"not json\n", b"[1]\n", b"{\"op\":\"nope\"}\n", b"x" * 200000 + b"\n"]:
            f.write(line); f.flush(); json.loads(f.readline())
        s.close()
        time.sleep(0.5)

def pin_jobs(reader):
    pins = ["123456", "24681357"]
    while time.time() < end:
        s, f = conn()
        r = call(f, {"op": "start-job", "reader": reader, "job": {"kind": "change-pin"}})
        if not r.get("ok"):
            s.close(); time.sleep(1); continue
        job = r["result"]["job"]
        while True:
            m = json.loads(f.readline())
            if m.get("job") != job or "event" not in m:
                continue
            if m["event"] == "secret-request":
                value = pins[0] if m["name"] == "current-pin" else pins[1]
                f.write((json.dumps({"op": "secret", "job": job, "name": m["name"], "value": value}) + "\n").encode()); f.flush()
            elif m["event"] == "job-finished":
                with lock:
                    stats["jobs"] += 1
                    if m["state"] != "done":
                        stats["job_failures"] += 1
                if m["state"] == "done":
                    pins.reverse()
                break
        s.close()

threads = [threading.Thread(target=status_client) for _ in range(20)]
threads += [threading.Thread(target=subscriber) for _ in range(5)]
threads += [threading.Thread(target=junk), threading.Thread(target=pin_jobs, args=("00 00",)),
            threading.Thread(target=pin_jobs, args=("00 01",))]
for t in threads: t.start()
for t in threads: t.join()
print("load:", json.dumps(stats))
PY
load=$!

rss() { awk '/VmRSS/ {print $2}' "/proc/$daemon/status"; }
threads() { awk '/Threads/ {print $2}' "/proc/$daemon/status"; }
start=$(date +%s); baseline=""; max=0
printf '%6s %10s %8s\n' "t(s)" "RSS(kB)" "threads"
while kill -0 "$load" 2>/dev/null; do
    sleep 10
    t=$(( $(date +%s) - start )); r=$(rss); th=$(threads)
    printf '%6d %10d %8d\n' "$t" "$r" "$th"
    (( r > max )) && max=$r
    [[ -z "$baseline" && $t -ge 60 ]] && baseline=$r
done
wait "$load"
final=$(rss)
echo "RSS: after 1 min ${baseline:-n/a} kB, max $max kB, final $final kB"
kill -0 "$daemon" || { echo "FAIL: sellod died"; cat "$work/sellod.log"; exit 1; }
if [[ -n "$baseline" ]] && (( final * 2 > baseline * 3 )); then
    echo "FAIL: RSS grew more than 50% after the first minute"; exit 1
fi
echo "OK"
