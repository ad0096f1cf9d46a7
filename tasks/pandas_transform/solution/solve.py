"""Reference solution for pandas_transform."""

import os

import pandas as pd

STORES = ["airport", "downtown", "harbor", "mall"]

raw = pd.read_csv("data/sales_export.csv", dtype=str, keep_default_na=False)
df = raw.drop_duplicates(subset="Order ID", keep="first").copy()
df = df[~df["Order ID"].str.startswith("TEST-")]
df["store"] = df["Store"].str.strip().str.lower().replace({"harbour": "harbor"})
df = df[(df["store"] != "test") & (df["Units"].str.strip() != "")].copy()

text = df["Date"].str.strip()
iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
dmy = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
named = pd.to_datetime(text, format="%b %d, %Y", errors="coerce")
df["date"] = iso.fillna(dmy).fillna(named)
assert df["date"].notna().all(), "unparsed dates"

df["units"] = df["Units"].astype(int)
df["price"] = df["Unit Price"].str.replace("$", "", regex=False).str.strip().astype(float)
disc = df["Discount"].str.replace(" ", "", regex=False)
pct = disc.str.endswith("%")
disc = disc.str.rstrip("%").replace("", "0").astype(float)
df["discount"] = disc.where(~pct, disc / 100)
df["revenue"] = df["units"] * df["price"] * (1 - df["discount"])
df["month"] = df["date"].dt.strftime("%Y-%m")

table = df.pivot_table(index="month", columns="store", values="revenue", aggfunc="sum", fill_value=0.0)
table = table.reindex(columns=STORES, fill_value=0.0)
table["total"] = table.sum(axis=1)
table = table.round(2).reset_index()
os.makedirs("output", exist_ok=True)
table.to_csv("output/monthly_revenue.csv", index=False, float_format="%.2f")
print(table.to_string(index=False))
