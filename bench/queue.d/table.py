"""Prints bench/queue.sh's table: medians over rounds of each measurement, Roost beside its reference.

    python3 bench/queue.d/table.py results.tsv     # lines of "<metric>\t<value>", one per round
"""
import statistics
import sys
from collections import defaultdict

values = defaultdict(list)
with open(sys.argv[1]) as lines:
    for line in lines:
        name, _, value = line.rstrip("\n").partition("\t")
        try:
            values[name].append(float(value))
        except ValueError:
            pass  # a failed measurement leaves an empty value


def median(name):
    return statistics.median(values[name]) if values.get(name) else None


def best(*names):
    found = [median(n) for n in names if median(n) is not None]
    return max(found) if found else None


def cell(value, unit):
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.3f} ms"
    return f"{value:.1f} µs" if unit == "µs" else f"{value:,.0f} {unit}"


def ratio(roost, reference):
    return f"{roost / reference:.2f}" if roost is not None and reference else "—"


rows = [
    ("Enqueue, 1 client, one call per job", median("roost_enqueue_1"), "jobs/s",
     "Sidekiq perform_async, 1 client", median("sidekiq_enqueue_1")),
    ("Enqueue, 4 clients", median("roost_enqueue_4"), "jobs/s",
     "Redis XADD, 50 clients, unpipelined", median("raw_xadd")),
    ("Processing, 2 processes × 1 thread", median("roost_process_t1"), "jobs/s",
     "Sidekiq, 2 processes × -c 1", median("sidekiq_process_t1")),
    ("Processing, 2 processes × 2 threads", median("roost_process_t2"), "jobs/s",
     "Sidekiq, 2 processes × -c 2", median("sidekiq_process_t2")),
    ("Processing, best (goal ≥ 2× Sidekiq)", best("roost_process_t1", "roost_process_t2"), "jobs/s",
     "Sidekiq, best", best("sidekiq_process_t1", "sidekiq_process_t2")),
    ("Processing, best", best("roost_process_t1", "roost_process_t2"), "jobs/s",
     "Redis XADD, 50 clients, -P 16", median("raw_xadd_p16")),
    ("CPU per job, Redis + workers, 2 × 1 thread (lower is better)", median("roost_process_t1_cpu_us"), "µs",
     "Sidekiq, 2 × -c 1", median("sidekiq_process_t1_cpu_us")),
    ("CPU per job, Redis alone, 2 × 1 thread", median("roost_process_t1_redis_cpu_us"), "µs",
     "Sidekiq, 2 × -c 1", median("sidekiq_process_t1_redis_cpu_us")),
    ("Enqueue→done p50 (goal < 1 ms)", median("roost_p50_ms"), "ms", "goal", 1.0),
    ("Enqueue→done p99", median("roost_p99_ms"), "ms", "", None),
]
if values.get("roost_process_t1_lane_master_cpu_us"):  # BENCH_CLUSTER=1
    rows[6:8] = [
        ("CPU per job, Redis (6 nodes) + workers, 2 × 1 thread", median("roost_process_t1_cpu_us"), "µs", "", None),
        ("CPU per job, Redis, all 6 nodes, 2 × 1 thread", median("roost_process_t1_redis_cpu_us"), "µs", "", None),
        ("CPU per job, the lane's master alone, 2 × 1 thread", median("roost_process_t1_lane_master_cpu_us"), "µs", "", None),
        ("CPU per job, the lane's master alone, 2 × 2 threads", median("roost_process_t2_lane_master_cpu_us"), "µs", "", None),
    ]
    if values.get("roost_process_t1_busiest_master_cpu_us"):
        rows[10:10] = [
            ("CPU per job, the busiest master, 2 × 1 thread", median("roost_process_t1_busiest_master_cpu_us"), "µs", "", None),
            ("CPU per job, the busiest master, 2 × 2 threads", median("roost_process_t2_busiest_master_cpu_us"), "µs", "", None),
        ]
    correct = values.get("roost_process_t1_correct", []) + values.get("roost_process_t2_correct", [])
    rows.append(("Drains where every job succeeded once", float(sum(correct)), f"of {len(correct)}", "", None))
print("| metric | Roost | reference | ratio |")
print("| --- | --- | --- | --- |")
for metric, roost, unit, label, reference in rows:
    ref_unit = unit if label != "goal" else "ms"
    ref_text = f"{label}: {cell(reference, ref_unit)}" if label else "—"
    print(f"| {metric} | {cell(roost, unit)} | {ref_text} | {ratio(roost, reference)} |")
print()
print("every round (noise):")
for name in sorted(values):
    print(f"  {name:32s} " + "  ".join(f"{v:,.3f}" if "ms" in name else f"{v:,.1f}" if "cpu" in name else f"{v:,.0f}"
                                       for v in values[name]))
