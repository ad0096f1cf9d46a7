"""Times session_features on the sample clickstream: python3 bench.py"""

import time

import pandas as pd

from sessions import session_features

events = pd.read_csv("data/events.csv")
start = time.perf_counter()
features = session_features(events)
print(f"session_features: {time.perf_counter() - start:.3f}s for {len(events)} events")
