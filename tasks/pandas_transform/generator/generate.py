"""Generates pandas_transform's data with a fixed seed.

Writes the messy export the agent gets (workspace/data/sales_export.csv) and the
expected answer the grader compares against (grader/expected_monthly_revenue.csv).
The expected answer is computed from the clean records *before* they are made
messy, so it checks the cleaning rules independently of any solution code.

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

import csv
import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

SEED = 20230601
STORES = ["airport", "downtown", "harbor", "mall"]
STORE_WEIGHTS = [0.18, 0.34, 0.22, 0.26]
CATEGORIES = {
    # category: (price points, units range)
    "coffee": ([2.5, 3.0, 3.5, 4.25, 4.75], (1, 4)),
    "pastry": ([2.75, 3.25, 3.95], (1, 6)),
    "sandwich": ([6.5, 7.25, 8.9], (1, 3)),
    "merchandise": ([12.0, 18.5, 24.99], (1, 2)),
}
DISCOUNTS = [0.0, 0.0, 0.0, 0.0, 0.1, 0.15, 0.25]
STORE_SPELLINGS = {
    "airport": ["airport", "Airport", "AIRPORT", " Airport", "airport "],
    "downtown": ["downtown", "Downtown", "DOWNTOWN", "Downtown ", " downtown"],
    "harbor": ["harbor", "Harbor", "HARBOR", "Harbour", " harbour "],
    "mall": ["mall", "Mall", "MALL", " Mall ", "mall"],
}
N_ORDERS = 2400


def messy_date(d, rng):
    r = rng.random()
    if r < 0.6:
        return d.strftime("%Y-%m-%d")
    if r < 0.8:
        return d.strftime("%d/%m/%Y")  # the harbor till's European format
    return d.strftime("%b %d, %Y")


def messy_price(p, rng):
    r = rng.random()
    if r < 0.4:
        return f"${p:.2f}"
    if r < 0.8:
        return f"{p:g}"
    return f"{p:.2f} "


def messy_discount(d, rng):
    if d == 0:
        return rng.choice(["", "", "0", "0%"])
    r = rng.random()
    if r < 0.5:
        return f"{round(d * 100):d}%"
    if r < 0.75:
        return f"{round(d * 100):d} %"
    return f"{d:g}"


def main():
    rng = random.Random(SEED)
    here = Path(__file__).resolve().parent.parent
    start = date(2023, 1, 1)
    orders = []
    for i in range(N_ORDERS):
        d = start + timedelta(days=rng.randrange(365))
        store = rng.choices(STORES, STORE_WEIGHTS)[0]
        category = rng.choice(list(CATEGORIES))
        prices, (lo, hi) = CATEGORIES[category]
        orders.append(
            {
                "order_id": f"ORD-{100001 + i}",
                "date": d,
                "store": store,
                "category": category,
                "units": rng.randint(lo, hi),
                "unit_price": rng.choice(prices),
                "discount": rng.choice(DISCOUNTS),
            }
        )

    # The expected answer, from the clean records.
    revenue = defaultdict(float)
    for o in orders:
        month = o["date"].strftime("%Y-%m")
        revenue[(month, o["store"])] += o["units"] * o["unit_price"] * (1 - o["discount"])
    months = sorted({m for m, _ in revenue})
    expected = here / "grader" / "expected_monthly_revenue.csv"
    expected.parent.mkdir(parents=True, exist_ok=True)
    with expected.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["month", *STORES, "total"])
        for m in months:
            values = [revenue.get((m, s), 0.0) for s in STORES]
            w.writerow([m, *(f"{v:.2f}" for v in values), f"{sum(values):.2f}"])

    # The messy export: formats vary, plus duplicates, voided rows and test transactions.
    rows = []
    for o in orders:
        rows.append(
            {
                "Order ID": o["order_id"],
                "Date": messy_date(o["date"], rng),
                "Store": rng.choice(STORE_SPELLINGS[o["store"]]),
                "Category": o["category"].title() if rng.random() < 0.5 else o["category"],
                "Units": str(o["units"]),
                "Unit Price": messy_price(o["unit_price"], rng),
                "Discount": messy_discount(o["discount"], rng),
            }
        )
    extra = []
    for row in rng.sample(rows, 70):  # exported twice by the nightly sync
        extra.append(dict(row))
    for i in range(25):  # voided at the till: no units recorded
        v = dict(rng.choice(rows))
        v["Order ID"] = f"ORD-{900001 + i}"
        v["Units"] = ""
        extra.append(v)
    for i in range(12):  # staff test transactions
        t = dict(rng.choice(rows))
        t["Order ID"] = f"TEST-{i + 1:03d}"
        t["Store"] = rng.choice(["TEST", "test"])
        extra.append(t)
    rows.extend(extra)
    rng.shuffle(rows)
    export = here / "workspace" / "data" / "sales_export.csv"
    export.parent.mkdir(parents=True, exist_ok=True)
    with export.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

    march_downtown = revenue[("2023-03", "downtown")]
    print(f"{len(rows)} export rows, {len(orders)} real orders, {len(months)} months")
    print(f"sanity figure: downtown 2023-03 = {march_downtown:.2f}")


if __name__ == "__main__":
    main()
