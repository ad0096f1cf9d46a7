"""Times the agent's session_features against the original, both run here, now.

Robust on a loaded machine: the two run interleaved, one call each per round, on fresh inputs
(so neither caching nor a quiet moment favours one side). The speed-up is the smaller of two
ratios of the best round of each: wall-clock time (which contention skews) and this process's
CPU time (which would miss work sent to other processes). A round whose output differs from
the original's counts as no speed-up.
Prints `speedup=X` (capped at 1000).
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

from clickstream import clickstream  # noqa: E402
from compare import differs  # noqa: E402
from reference_sessions import session_features as reference  # noqa: E402

clock, cpu = time.perf_counter, time.process_time
sys.path.append("/workspace")
import sessions  # noqa: E402

candidate = sessions.session_features
rng = np.random.default_rng(int.from_bytes(os.urandom(4), "little"))
ROUNDS = 4
ref_times, cand_times, ref_cpu, cand_cpu = [], [], [], []
for _ in range(ROUNDS):
    events = clickstream(rng, n_users=300, n_events=4000)
    start, start_cpu = clock(), cpu()
    expected = reference(events.copy())
    ref_times.append(clock() - start)
    ref_cpu.append(cpu() - start_cpu)
    given = events.copy()
    start, start_cpu = clock(), cpu()
    got = candidate(given)
    best, best_cpu = clock() - start, cpu() - start_cpu
    why = differs(got, expected)
    if why is not None:
        sys.stderr.write(f"the candidate's output differs from the original's on a timing input: {why}\n")
        print("speedup=0")
        sys.stdout.flush()
        os._exit(0)
    cand_times.append(best)
    cand_cpu.append(best_cpu)
# Wall time can be skewed by contention either way; CPU time misses work sent to other processes.
# The smaller of the two ratios is robust to both.
wall_ratio = min(ref_times) / max(min(cand_times), 1e-9)
cpu_ratio = min(ref_cpu) / max(min(cand_cpu), 1e-9)
speedup = min(wall_ratio, cpu_ratio)
sys.stderr.write(f"best rounds: original {min(ref_times):.4f}s wall {min(ref_cpu):.4f}s CPU, candidate "
                 f"{min(cand_times):.5f}s wall {min(cand_cpu):.5f}s CPU; ratios {wall_ratio:.1f} and {cpu_ratio:.1f}\n")
print(f"speedup={min(speedup, 1000.0):.2f}")
sys.stdout.flush()
os._exit(0)
