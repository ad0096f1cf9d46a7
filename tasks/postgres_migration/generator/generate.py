"""Generates postgres_migration's database seed with a fixed seed.

Writes the legacy schema the agent's repository starts from
(workspace/migrations/001_initial.sql), the seed the database image loads
(environment/db/seed.sql: the same schema plus the data), and prints the
values the sql_checks expect. The expected values are computed here, from the
clean records, independently of any migration.

Needs only the standard library: python3 generator/generate.py
"""

import hashlib
import random
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

SEED = 15032024
N_CUSTOMERS = 260
N_ORDERS = 1200

SCHEMA = """\
-- 001_initial: the shop's first schema, as it runs in production today.
CREATE TABLE orders (
    id             integer PRIMARY KEY,
    customer_email text NOT NULL,
    customer_name  text,
    status         text NOT NULL,
    total          text NOT NULL,
    created_at     timestamp NOT NULL
);

CREATE TABLE order_items (
    id         integer PRIMARY KEY,
    order_id   integer NOT NULL REFERENCES orders (id),
    sku        text NOT NULL,
    quantity   integer NOT NULL,
    unit_price numeric(10, 2) NOT NULL
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);

-- Finance's report: revenue from paid and shipped orders per customer.
CREATE VIEW customer_revenue AS
SELECT lower(btrim(customer_email)) AS email,
       count(*) AS paid_orders,
       sum(replace(replace(btrim(total), '$', ''), ',', '')::numeric(12, 2)) AS revenue
FROM orders
WHERE lower(btrim(status)) IN ('paid', 'shipped')
GROUP BY 1;

CREATE TABLE schema_migrations (
    version    text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO schema_migrations (version) VALUES ('001_initial');
"""

FIRST = ["Ana", "Ben", "Chloe", "Dmitri", "Eve", "Farah", "Gus", "Hana", "Ivan", "Jia", "Kofi", "Lena",
         "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor", "Wen", "Yusuf"]
LAST = ["Alvarez", "Brown", "Chen", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jones",
        "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Patel", "Rossi", "Silva", "Tanaka", "Weber"]
DOMAINS = ["example.com", "mail.example.org", "shop.example.net"]
STATUS_SPELLINGS = {
    "pending": ["pending", "Pending", "PENDING"],
    "paid": ["paid", "Paid", " paid", "PAID"],
    "shipped": ["shipped", "Shipped", "SHIPPED ", "shipped"],
    "cancelled": ["cancelled", "canceled", "Canceled", "CANCELLED"],
    "refunded": ["refunded", "Refunded"],
}
STATUS_WEIGHTS = {"pending": 0.1, "paid": 0.3, "shipped": 0.42, "cancelled": 0.12, "refunded": 0.06}
SKUS = {f"SKU-{n:04d}": Decimal(p) for n, p in zip(range(1, 41), [
    "4.99", "9.50", "12.00", "15.75", "19.99", "24.50", "29.00", "34.95", "49.00", "59.90",
    "3.25", "7.80", "11.40", "18.00", "22.22", "27.60", "31.00", "44.44", "75.00", "99.00",
    "5.55", "8.88", "13.13", "16.40", "21.00", "26.26", "33.30", "39.99", "64.00", "120.00",
    "2.10", "6.60", "10.10", "14.14", "17.70", "23.45", "28.80", "36.36", "54.00", "250.00"])}


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def sql_text(value):
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def messy_total(total, rng):
    plain = f"{total:.2f}"
    with_commas = f"{total:,.2f}"
    return rng.choice([plain, plain, plain, f"${plain}", with_commas, f"${with_commas}", f" {plain}"])


def main():
    rng = random.Random(SEED)
    here = Path(__file__).resolve().parent.parent
    customers = []
    for _ in range(N_CUSTOMERS):
        while True:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first}.{last}{rng.randrange(100)}@{rng.choice(DOMAINS)}".lower()
            if email not in {c["email"] for c in customers}:
                break
        customers.append({"email": email, "name": f"{first} {last}"})

    start = datetime(2023, 1, 1)
    orders, items = [], []
    for oid in range(1, N_ORDERS + 1):
        c = rng.choice(customers)
        created = start + timedelta(minutes=rng.randrange(60 * 24 * 540))
        status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        total = Decimal("0.00")
        for _ in range(rng.randint(1, 5)):
            sku = rng.choice(list(SKUS))
            qty = rng.randint(1, 4)
            items.append((len(items) + 1, oid, sku, qty, SKUS[sku]))
            total += qty * SKUS[sku]
        email_variant = rng.choice([c["email"], c["email"], c["email"].title(), f" {c['email']}", f"{c['email'].upper()} "])
        r = rng.random()
        name = None if r < 0.15 else ("" if r < 0.2 else c["name"] if r < 0.85 else c["name"].lower())
        orders.append({
            "id": oid, "email": c["email"], "email_raw": email_variant, "name_raw": name,
            "status": status, "status_raw": rng.choice(STATUS_SPELLINGS[status]),
            "total": total, "total_raw": messy_total(total, rng), "created_at": created,
        })

    # The seed: schema, then data in one transaction.
    lines = [SCHEMA, "BEGIN;"]
    for o in orders:
        lines.append(
            "INSERT INTO orders VALUES ({}, {}, {}, {}, {}, '{}');".format(
                o["id"], sql_text(o["email_raw"]), sql_text(o["name_raw"]), sql_text(o["status_raw"]),
                sql_text(o["total_raw"]), o["created_at"].isoformat(sep=" "),
            )
        )
    for i in items:
        lines.append(f"INSERT INTO order_items VALUES ({i[0]}, {i[1]}, '{i[2]}', {i[3]}, {i[4]});")
    lines.append("COMMIT;")
    (here / "environment" / "db" / "seed.sql").write_text("\n".join(lines) + "\n")
    (here / "workspace" / "migrations" / "001_initial.sql").write_text(SCHEMA)

    # What the migrated database must hold.
    latest_name = {}
    for o in sorted(orders, key=lambda o: (o["created_at"], o["id"])):
        if o["name_raw"] and o["name_raw"].strip():
            latest_name[o["email"]] = o["name_raw"].strip()
    ordering = sorted({o["email"] for o in orders})
    revenue = defaultdict(lambda: [0, Decimal("0.00")])
    for o in orders:
        if o["status"] in ("paid", "shipped"):
            revenue[o["email"]][0] += 1
            revenue[o["email"]][1] += o["total"]
    status_counts = defaultdict(int)
    for o in orders:
        status_counts[o["status"]] += 1
    print("orders", len(orders), "order_items", len(items), "customers", len(ordering))
    print("sum(total)", f"{sum(o['total'] for o in orders):.2f}")
    print("totals md5", md5(",".join(f"{o['id']}={o['total']:.2f}" for o in orders)))
    print("customers md5", md5(",".join(f"{e}|{latest_name.get(e, '')}" for e in ordering)))
    print("links md5", md5(",".join(f"{o['id']}>{o['email']}" for o in orders)))
    print("view md5", md5(",".join(f"{e}:{n}:{r:.2f}" for e, (n, r) in sorted(revenue.items()))))
    print("view rows", len(revenue))
    print("statuses", sorted(status_counts.items()))


if __name__ == "__main__":
    main()
