"""Prints the agent's monthly revenue table in one canonical form for the
reference_output check: fixed column order, months sorted, two decimals.
Cosmetic choices (column order, an index column, number formatting) do not
matter; missing columns or unparseable numbers fail with a message."""

import sys

import pandas as pd

COLUMNS = ["month", "airport", "downtown", "harbor", "mall", "total"]


def main(path):
    try:
        df = pd.read_csv(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a failed check
        sys.exit(f"cannot read {path}: {exc}")
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        sys.exit(f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(df.columns)}")
    df["month"] = df["month"].astype(str).str.strip()
    for c in COLUMNS[1:]:
        df[c] = pd.to_numeric(df[c], errors="raise")
    df = df.sort_values("month")
    print(",".join(COLUMNS))
    for _, row in df.iterrows():
        print(",".join([row["month"], *(f"{row[c]:.2f}" for c in COLUMNS[1:])]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "output/monthly_revenue.csv")
