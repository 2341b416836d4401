#!/usr/bin/env bash
# Micro-benchmarks that used to be timing assertions in tests: Roost's SHA-256 throughput and
# PBKDF2-SHA256 at the stored iteration count, beside Python's hashlib (OpenSSL) on this machine,
# in one run, as ratios.
#
#   bench/micro.sh            # needs the release build `make test`/`make build` leaves behind
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$(ROOST_BENCH=1 swift test -c release -Xswiftc -enable-testing --skip-build --filter hashThroughputBenchmark 2>&1 | grep '^BENCH')"
ours_mb=$(echo "$out" | awk '/sha256_mb_s/ {print $3}')
ours_pbkdf2=$(echo "$out" | awk '/pbkdf2_ms/ {print $3}')
iterations=$(echo "$out" | sed -n 's/.*iterations=\([0-9]*\).*/\1/p')
read -r ref_mb ref_pbkdf2 < <(python3 - "$iterations" <<'PY'
import hashlib, sys, time
data = bytes((i * 131) & 0xFF for i in range(64 << 20))
best = min((lambda t: (hashlib.sha256(data).digest(), time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(5))
start = time.perf_counter()
hashlib.pbkdf2_hmac("sha256", b"password", b"saltsaltsaltsalt", int(sys.argv[1]), 32)
print(f"{len(data) / 1e6 / best:.1f} {(time.perf_counter() - start) * 1000:.1f}")
PY
)
printf '%-28s %12s %12s %8s\n' measure roost "hashlib" ratio
printf '%-28s %12s %12s %8s\n' "SHA-256 MB/s (64 MiB)" "$ours_mb" "$ref_mb" "$(python3 -c "print(f'{$ours_mb / $ref_mb:.2f}')")"
printf '%-28s %12s %12s %8s\n' "PBKDF2 ms ($iterations it.)" "$ours_pbkdf2" "$ref_pbkdf2" "$(python3 -c "print(f'{$ours_pbkdf2 / $ref_pbkdf2:.2f}')")"
