"""Runs the agent's SQL files on an event store it never saw and counts the right answers.

The hidden store (hidden_events.sql) has the same schema as workspace/events.db but other
users and events, so only queries that compute the answer pass: an answer typed in from the
visible store does not. The expected rows (expected.json) were computed
by the generator in plain Python. Each query runs on its own fresh in-memory copy, read-only,
with a time limit. Prints `correct=N`, `total=N` and `fraction=F`; details go to stderr.
"""

import os

from fb_grader.sql_answers import score_queries

HERE = os.path.dirname(os.path.abspath(__file__))
# Absolute slack per query: one unit of the rounding the question asks for, since floating-point
# time arithmetic (julianday) can land a value on the other side of a rounding boundary.
TOLERANCE = {
    "q1_weekly_retention": 0.1001,
    "q2_sessions": 0.1001,
    "q3_channel_revenue_running": 0.0101,
    "q4_seven_day_conversion": 0.001001,
    "q5_top_spender_per_country": 0.0101,
}


if __name__ == "__main__":
    score_queries(os.path.join(HERE, "hidden_events.sql"), os.path.join(HERE, "expected.json"), TOLERANCE)
