"""Generates customer_dedup's records with fixed seeds.

Makes people, then one to four CRM records per person with the variations the instructions
describe, making sure (by construction and by a final check) that the matching rules link
exactly the records of the same person: every duplicate shares an email, a phone with the
last name, or a first name, last name and birth date with an earlier record of its person, and
no two people share an email, a phone, or a first name, last name and birth date. Decoys:
namesakes (same first and last name, different person) and twins (same last name and birth
date). Writes the records the agent gets (workspace/data/customers.csv, the nickname table)
and another seed's records with the true person of each (grader/hidden_customers.csv,
grader/hidden_truth.csv).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

import csv
import random
from datetime import date, timedelta
from pathlib import Path

NICKNAMES = {
    "robert": ["bob", "rob", "bobby"], "william": ["bill", "will", "liam"], "elizabeth": ["liz", "beth", "eliza"],
    "katherine": ["kate", "kathy", "katie"], "michael": ["mike", "mick"], "margaret": ["maggie", "peggy", "meg"],
    "james": ["jim", "jimmy"], "jennifer": ["jen", "jenny"], "richard": ["rick", "dick", "rich"],
    "alexander": ["alex", "sasha"], "susan": ["sue", "susie"], "joseph": ["joe", "joey"],
    "patricia": ["pat", "patty", "trish"], "thomas": ["tom", "tommy"], "christopher": ["chris", "kit"],
    "daniel": ["dan", "danny"], "rebecca": ["becky", "becca"], "edward": ["ed", "ted", "eddie"],
}
PLAIN_FIRST = ["anna", "omar", "lena", "yuki", "ivan", "sofia", "noah", "mia", "lucas", "ines", "arjun", "zoe",
               "emil", "nora", "felix", "hana", "leo", "maya", "oscar", "ruth"]
LAST = ["smith", "garcia", "muller", "rossi", "kowalski", "nguyen", "jensen", "dubois", "silva", "novak",
        "tanaka", "okafor", "larsen", "moreau", "fischer", "costa", "berg", "lopez", "weber", "kim",
        "hansen", "romano", "walsh", "petrov", "ali", "cohen", "brown", "ivanova", "sato", "meyer"]
DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "proton.me", "web.de", "mail.com"]
CITIES = ["Berlin", "Lyon", "Porto", "Krakow", "Oslo", "Turin", "Leeds", "Ghent"]


def canonical_first(name):
    n = name.strip().lower()
    for formal, nicks in NICKNAMES.items():
        if n in nicks:
            return formal
    return n


def people(rng, n):
    out, used_emails, used_phones, used_keys = [], set(), set(), set()
    firsts = list(NICKNAMES) + PLAIN_FIRST
    while len(out) < n:
        template = out[-1] if out and rng.random() < 0.12 else None  # a decoy of the previous person
        first = template["first"] if template and rng.random() < 0.5 else rng.choice(firsts)
        last = template["last"] if template else rng.choice(LAST)
        if template and first != template["first"] and rng.random() < 0.6:
            dob = template["dob"]  # a twin
        else:
            dob = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 20000))
        key = (canonical_first(first), last, dob)
        email = f"{first}.{last}{rng.randrange(1, 999)}@{rng.choice(DOMAINS)}"
        phone = f"{rng.randrange(200, 999)}{rng.randrange(200, 999)}{rng.randrange(0, 10000):04d}"
        if key in used_keys or email in used_emails or phone in used_phones:
            continue
        used_keys.add(key)
        used_emails.add(email)
        used_phones.add(phone)
        out.append({"id": len(out), "first": first, "last": last, "dob": dob, "email": email, "phone": phone,
                    "city": rng.choice(CITIES)})
    return out


def vary_email(rng, email):
    local, domain = email.split("@")
    if rng.random() < 0.3:
        local = f"{local}+{rng.choice(['shop', 'news', 'promo', 'x1'])}"
    text = f"{local}@{domain}"
    if rng.random() < 0.4:
        text = text.upper() if rng.random() < 0.3 else text.title()
    return rng.choice(["", " ", ""]) + text + rng.choice(["", " "])


def vary_phone(rng, digits):
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return rng.choice([f"({a}) {b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}", f"{a}{b}{c}", f"1-{a}-{b}-{c}", f"{a}-{b}-{c}"])


def vary_name(rng, name, nickname_ok=False):
    if nickname_ok and name in NICKNAMES and rng.random() < 0.5:
        name = rng.choice(NICKNAMES[name])
    text = rng.choice([name.title(), name.upper(), name, name.title()])
    return rng.choice(["", " "]) + text + rng.choice(["", " ", ""])


def records(rng, persons):
    rows = []
    for p in persons:
        n = rng.choices([1, 2, 3, 4], [0.45, 0.3, 0.17, 0.08])[0]
        for k in range(n):
            # The first record is complete; each later one keeps one linking combination for sure.
            link = None if k == 0 else rng.choice(["email", "phone", "name"])
            has_email = k == 0 or link == "email" or rng.random() < 0.3
            has_phone = k == 0 or link == "phone" or rng.random() < 0.3
            has_dob = k == 0 or link == "name" or rng.random() < 0.5
            rows.append({
                "person": p["id"],
                "first_name": vary_name(rng, p["first"], nickname_ok=k > 0),
                "last_name": vary_name(rng, p["last"]),
                "email": vary_email(rng, p["email"]) if has_email else "",
                "phone": vary_phone(rng, p["phone"]) if has_phone else "",
                "birth_date": p["dob"].isoformat() if has_dob else "",
                "city": p["city"] if rng.random() < 0.8 else rng.choice(CITIES),
            })
    rng.shuffle(rows)
    for i, r in enumerate(rows):
        r["record_id"] = f"C{i + 1:05d}"
    return rows


def check_rules_recover_people(rows):
    """Union-find over the instructions' rules must give exactly the generated people."""
    def norm_email(e):
        e = e.strip().lower()
        if not e:
            return ""
        local, domain = e.split("@")
        return local.split("+")[0] + "@" + domain

    def norm_phone(p):
        d = "".join(ch for ch in p if ch.isdigit())
        return d[1:] if len(d) == 11 and d.startswith("1") else d

    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    keys = {}
    for i, r in enumerate(rows):
        last = r["last_name"].strip().lower()
        first = canonical_first(r["first_name"])
        candidates = [("e", norm_email(r["email"])) if r["email"].strip() else None,
                      ("p", norm_phone(r["phone"]), last) if r["phone"].strip() else None,
                      ("n", first, last, r["birth_date"]) if r["birth_date"] else None]
        for key in filter(None, candidates):
            if key in keys:
                parent[find(i)] = find(keys[key])
            else:
                keys[key] = i
    groups = {}
    for i, r in enumerate(rows):
        groups.setdefault(find(i), set()).add(r["person"])
    assert all(len(g) == 1 for g in groups.values()), "two people were linked"
    assert len(groups) == len({r["person"] for r in rows}), "a person's records were not linked"


def write(path, rows, columns):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main():
    here = Path(__file__).resolve().parent.parent
    columns = ["record_id", "first_name", "last_name", "email", "phone", "birth_date", "city"]
    with open(here / "workspace/data/nicknames.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["nickname", "name"])
        for formal, nicks in sorted(NICKNAMES.items()):
            for nick in nicks:
                w.writerow([nick, formal])
    for seed, n, target, truth in [(2468, 800, "workspace/data/customers.csv", None),
                                    (1357, 1000, "grader/hidden_customers.csv", "grader/hidden_truth.csv")]:
        rng = random.Random(seed)
        rows = records(rng, people(rng, n))
        check_rules_recover_people(rows)
        write(here / target, rows, columns)
        if truth:
            write(here / truth, rows, ["record_id", "person"])
        print(target, len(rows), "records of", n, "people")


if __name__ == "__main__":
    main()
