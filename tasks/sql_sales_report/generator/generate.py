"""Generates sql_sales_report's databases with fixed seeds.

Writes the shop database the agent queries (workspace/shop.db), a second shop of
the same shape that only the grader sees (grader/hidden_shop.sql, a SQL dump
loaded at grading time), and the answers for the hidden shop
(grader/expected.json). The answers are computed here in plain Python from the
generated records, not with SQL, so they check the queries independently of any
solution.

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

import json
import random
import sqlite3
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

VISIBLE_SEED = 4101
HIDDEN_SEED = 7707
COUNTRIES = ["DE", "FR", "NL", "PL", "SE", "US"]
CATEGORIES = ["books", "garden", "kitchen", "toys", "outdoor", "music"]
# `music` sells nothing in 2024 (its products are discontinued): a join trap for the share query.
SCHEMA = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL, signup_date TEXT NOT NULL);
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, list_price REAL NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
                     ordered_at TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE order_items (order_id INTEGER NOT NULL REFERENCES orders(id), product_id INTEGER NOT NULL REFERENCES products(id),
                          quantity INTEGER NOT NULL, unit_price REAL NOT NULL, discount REAL);
"""


def make_shop(seed):
    rng = random.Random(seed)
    customers = []
    for cid in range(1, 321):
        signup = datetime(2023, 1, 1) + timedelta(days=rng.randrange(0, 700))
        customers.append((cid, f"Customer {cid:03d}", rng.choice(COUNTRIES), signup.strftime("%Y-%m-%d")))
    products = []
    for pid in range(1, 61):
        category = CATEGORIES[(pid - 1) % len(CATEGORIES)]
        products.append((pid, f"{category.title()} item {pid}", category, round(rng.uniform(3, 120), 2)))
    orders, items = [], []
    oid = 0
    for c in customers:
        n_orders = rng.choice([0, 0, 1, 1, 1, 2, 2, 3, 4, 6])
        signup = datetime.strptime(c[3], "%Y-%m-%d")
        for _ in range(n_orders):
            oid += 1
            t = signup + timedelta(days=rng.randrange(0, 500), seconds=rng.randrange(0, 86400))
            if t >= datetime(2025, 3, 1):
                t = datetime(2025, 2, 28, 23, 0, 0) - timedelta(days=rng.randrange(0, 60))
            status = rng.choices(["completed", "cancelled", "refunded"], [0.8, 0.12, 0.08])[0]
            orders.append((oid, c[0], t.strftime("%Y-%m-%d %H:%M:%S"), status))
            chosen = rng.sample(products, rng.randint(1, 4))
            for p in chosen:
                if p[2] == "music" and t.year >= 2024:
                    p = products[(p[0]) % len(products)]  # the next product: never music
                    if p[2] == "music":
                        p = products[(p[0]) % len(products)]
                # The price paid drifts from today's list price: the query must use order_items.unit_price.
                price = round(p[3] * rng.choice([0.9, 1.0, 1.0, 1.05, 1.1]), 2)
                discount = rng.choice([None, None, None, 0.0, 0.05, 0.1, 0.2])
                items.append((oid, p[0], rng.randint(1, 5), price, discount))
    return customers, products, orders, items


def answers(customers, products, orders, items):
    cust = {c[0]: c for c in customers}
    cat = {p[0]: p[2] for p in products}
    order = {o[0]: o for o in orders}
    line_rev = defaultdict(float)  # order id -> revenue
    cat_rev_2024 = defaultdict(float)
    for oid, pid, qty, price, disc in items:
        rev = qty * price * (1 - (disc or 0.0))
        line_rev[oid] += rev
        o = order[oid]
        if o[3] == "completed" and o[2].startswith("2024"):
            cat_rev_2024[cat[pid]] += rev
    completed = [o for o in orders if o[3] == "completed"]

    monthly = defaultdict(lambda: [0.0, 0])
    for o in completed:
        m = o[2][:7]
        monthly[m][0] += line_rev[o[0]]
        monthly[m][1] += 1
    q1 = [[m, round(v[0], 2), v[1]] for m, v in sorted(monthly.items())]

    per_customer = defaultdict(float)
    for o in completed:
        per_customer[o[1]] += line_rev[o[0]]
    ranked = sorted(per_customer.items(), key=lambda kv: (-round(kv[1], 2), kv[0]))[:5]
    q2 = [[cid, cust[cid][1], round(v, 2)] for cid, v in ranked]

    total_2024 = sum(cat_rev_2024.values())
    shares = [[c, round(100 * cat_rev_2024.get(c, 0.0) / total_2024, 1)] for c in CATEGORIES]
    q3 = sorted(shares, key=lambda r: (-r[1], r[0]))

    counts = defaultdict(int)
    for o in completed:
        counts[o[1]] += 1
    by_country = defaultdict(lambda: [0, 0])
    for cid, n in counts.items():
        by_country[cust[cid][2]][0] += 1
        if n >= 2:
            by_country[cust[cid][2]][1] += 1
    q4 = [[k, v[0], v[1], round(v[1] / v[0], 3)] for k, v in sorted(by_country.items())]

    buyers = set(counts)
    q5 = [[c[0], c[1]] for c in customers if c[3].startswith("2024") and c[0] not in buyers]
    return {
        "q1_monthly_revenue": q1,
        "q2_top_customers": q2,
        "q3_category_share_2024": q3,
        "q4_repeat_buyers": q4,
        "q5_signed_up_never_bought": q5,
    }


def write_db(path, shop, one_line_schema=False):
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    # The hidden shop's dump keeps its CREATE statements on one line each, so no line of the
    # grader's fixture is a verbatim copy of text in the agent's shop.db.
    con.executescript(" ".join(SCHEMA.split()) if one_line_schema else SCHEMA)
    for table, rows in zip(["customers", "products", "orders", "order_items"], shop):
        marks = ",".join("?" * len(rows[0]))
        con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    con.commit()
    return con


def main():
    here = Path(__file__).resolve().parent.parent
    write_db(here / "workspace" / "shop.db", make_shop(VISIBLE_SEED)).close()
    hidden = make_shop(HIDDEN_SEED)
    con = write_db(Path("/tmp/hidden_shop.db"), hidden, one_line_schema=True)
    (here / "grader" / "hidden_shop.sql").write_text("\n".join(con.iterdump()) + "\n")
    con.close()
    (here / "grader" / "expected.json").write_text(json.dumps(answers(*hidden), indent=1) + "\n")
    visible = answers(*make_shop(VISIBLE_SEED))
    print("visible shop, for the README:", json.dumps({k: v[:2] for k, v in visible.items()}))


if __name__ == "__main__":
    main()
