"""Links CRM records that belong to the same person (reference solution).

Union-find over the three matching rules; people are the connected components.
"""

import csv


def _load_nicknames(path):
    with open(path, newline="") as f:
        return {r["nickname"].strip().lower(): r["name"].strip().lower() for r in csv.DictReader(f)}


def _email(value):
    e = value.strip().lower()
    if not e:
        return ""
    local, _, domain = e.partition("@")
    return local.split("+", 1)[0] + "@" + domain


def _phone(value):
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def find_people(customers_csv, nicknames_csv):
    nicknames = _load_nicknames(nicknames_csv)
    with open(customers_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen = {}
    for i, r in enumerate(rows):
        last = r["last_name"].strip().lower()
        first = r["first_name"].strip().lower()
        first = nicknames.get(first, first)
        keys = []
        email = _email(r["email"])
        if email:
            keys.append(("email", email))
        phone = _phone(r["phone"])
        if phone and last:
            keys.append(("phone", phone, last))
        dob = r["birth_date"].strip()
        if first and last and dob:
            keys.append(("name", first, last, dob))
        for key in keys:
            if key in first_seen:
                parent[find(i)] = find(first_seen[key])
            else:
                first_seen[key] = i
    return {r["record_id"]: f"P{find(i)}" for i, r in enumerate(rows)}
