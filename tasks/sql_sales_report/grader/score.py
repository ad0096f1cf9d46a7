"""Runs the agent's SQL files on a shop database it never saw and counts the right answers.

The hidden shop (hidden_shop.sql) has the same schema as workspace/shop.db but other
customers, orders and prices, so only queries that compute the answer pass: an answer
typed in from the visible shop does not. The expected rows (expected.json) were computed
by the generator in plain Python. Each query runs on its own fresh in-memory copy, read-only,
with a time limit. Prints `correct=N`, `total=N` and `fraction=F`; details go to stderr.
"""

import os

from fb_grader.sql_answers import score_queries

HERE = os.path.dirname(os.path.abspath(__file__))
# Absolute slack per query: one unit of the rounding the question asks for, since summing in
# another order can land a value on the other side of a rounding boundary.
TOLERANCE = {
    "q1_monthly_revenue": 0.0101,
    "q2_top_customers": 0.0101,
    "q3_category_share_2024": 0.1001,
    "q4_repeat_buyers": 0.001001,
    "q5_signed_up_never_bought": 0,
}


if __name__ == "__main__":
    score_queries(os.path.join(HERE, "hidden_shop.sql"), os.path.join(HERE, "expected.json"), TOLERANCE)
