"""Generates sql_cohort_retention's event databases with fixed seeds.

Writes the product's event store the agent queries (workspace/events.db), a second store of the
same shape that only the grader sees (grader/hidden_events.sql, a SQL dump loaded at grading
time), and the answers for the hidden store (grader/expected.json), computed here in plain
Python with datetime from the generated records, not with SQL.

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

import json
import random
import sqlite3
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

VISIBLE_SEED = 9001
HIDDEN_SEED = 1234
CHANNELS = ["ads", "organic", "referral", "social"]
COUNTRIES = ["BR", "DE", "IN", "JP", "US"]
START = datetime(2024, 1, 1)
SCHEMA = [
    "CREATE TABLE users (id INTEGER PRIMARY KEY, signup_at TEXT NOT NULL, country TEXT NOT NULL, channel TEXT NOT NULL)",
    "CREATE TABLE events (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),"
    " occurred_at TEXT NOT NULL, event_type TEXT NOT NULL, amount REAL)",
]
FMT = "%Y-%m-%d %H:%M:%S"


def make_store(seed):
    rng = random.Random(seed)
    users, events = [], []
    used_times = set()
    for uid in range(1, 301):
        signup = START + timedelta(seconds=rng.randrange(0, 150 * 86400))
        channel = rng.choice(CHANNELS)
        country = rng.choice(COUNTRIES)
        users.append((uid, signup.strftime(FMT), country, channel))
        engagement = {"ads": 0.5, "organic": 0.8, "referral": 1.0, "social": 0.6}[channel] * rng.uniform(0.3, 1.5)
        t = signup + timedelta(seconds=rng.randrange(5, 600))
        end = START + timedelta(days=182)
        while t < end:
            # A visit: a burst of events a few minutes apart.
            for _ in range(rng.randint(1, 6)):
                if t >= end:
                    break
                stamp = t.strftime(FMT)
                if (uid, stamp) not in used_times:
                    used_times.add((uid, stamp))
                    kind = rng.choices(["view", "login", "purchase"], [0.7, 0.2, 0.1])[0]
                    amount = round(rng.uniform(3, 250), 2) if kind == "purchase" else None
                    events.append((uid, stamp, kind, amount))
                t += timedelta(seconds=rng.randrange(20, 1500))
            # The gap to the next visit: sometimes just over or under the 30-minute session boundary.
            gap = rng.choice([rng.randrange(1700, 1900), rng.randrange(3600, 6 * 86400), rng.randrange(86400, 20 * 86400)])
            t += timedelta(seconds=int(gap / engagement))
            if rng.random() < 0.02 / engagement:
                break  # churned
    events.sort(key=lambda e: (e[1], e[0]))
    events = [(i + 1, *e) for i, e in enumerate(events)]
    return users, events


def monday(d):
    d = d.date()
    return d - timedelta(days=d.weekday())


def answers(users, events):
    user = {u[0]: u for u in users}
    by_user = defaultdict(list)
    for e in events:
        by_user[e[1]].append(datetime.strptime(e[2], FMT))
    latest_monday = max(monday(datetime.strptime(e[2], FMT)) for e in events)

    cohorts = defaultdict(list)
    for u in users:
        cohorts[monday(datetime.strptime(u[1], FMT))].append(u[0])
    q1 = []
    for week in sorted(cohorts):
        if (latest_monday - week).days < 35:
            continue
        ids = cohorts[week]
        row = [week.isoformat(), len(ids)]
        for k in (1, 2, 4):
            active = sum(1 for uid in ids if any((monday(t) - week).days == 7 * k for t in by_user[uid]))
            row.append(round(100 * active / len(ids), 1))
        q1.append(row)

    q2 = []
    for uid, times in by_user.items():
        times.sort()
        sessions = [[times[0], times[0]]]
        for t in times[1:]:
            if (t - sessions[-1][1]).total_seconds() > 1800:
                sessions.append([t, t])
            else:
                sessions[-1][1] = t
        if len(sessions) >= 3:
            minutes = sum((b - a).total_seconds() / 60 for a, b in sessions) / len(sessions)
            q2.append([uid, len(sessions), round(minutes, 1)])
    q2.sort(key=lambda r: (-r[1], r[0]))

    monthly = defaultdict(float)
    for e in events:
        if e[3] == "purchase":
            monthly[(user[e[1]][3], e[2][:7])] += e[4]
    q3, running = [], defaultdict(float)
    for channel, month in sorted(monthly):
        running[channel] += monthly[(channel, month)]
        q3.append([month, channel, round(monthly[(channel, month)], 2), round(running[channel], 2)])
    q3.sort(key=lambda r: (r[1], r[0]))

    converted = defaultdict(set)
    for e in events:
        if e[3] == "purchase":
            signup = datetime.strptime(user[e[1]][1], FMT)
            t = datetime.strptime(e[2], FMT)
            if signup <= t < signup + timedelta(days=7):
                converted[user[e[1]][3]].add(e[1])
    signups = defaultdict(int)
    for u in users:
        signups[u[3]] += 1
    q4 = [[c, signups[c], len(converted[c]), round(len(converted[c]) / signups[c], 3)] for c in sorted(signups)]

    spent = defaultdict(float)
    for e in events:
        if e[3] == "purchase":
            spent[e[1]] += e[4]
    best = {}
    for uid, total in spent.items():
        country = user[uid][2]
        if country not in best or (round(total, 2), -uid) > (round(best[country][1], 2), -best[country][0]):
            best[country] = (uid, total)
    q5 = [[c, best[c][0], round(best[c][1], 2)] for c in sorted(best)]
    return {
        "q1_weekly_retention": q1,
        "q2_sessions": q2,
        "q3_channel_revenue_running": q3,
        "q4_seven_day_conversion": q4,
        "q5_top_spender_per_country": q5,
    }


def write_db(path, store, one_line_schema):
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    for statement in SCHEMA:
        # The hidden dump's schema is spelled differently (lower-case keywords), so no line of the
        # grader's fixture is verbatim text of the agent's events.db.
        con.execute(statement.replace("NOT NULL", "not null") if one_line_schema else statement)
    users, events = store
    con.executemany("INSERT INTO users VALUES (?,?,?,?)", users)
    con.executemany("INSERT INTO events VALUES (?,?,?,?,?)", events)
    con.commit()
    return con


def main():
    here = Path(__file__).resolve().parent.parent
    visible = make_store(VISIBLE_SEED)
    write_db(here / "workspace/events.db", visible, False).close()
    hidden = make_store(HIDDEN_SEED)
    con = write_db(Path("/tmp/hidden_events.db"), hidden, True)
    (here / "grader/hidden_events.sql").write_text("\n".join(con.iterdump()) + "\n")
    con.close()
    expected = answers(*hidden)
    (here / "grader/expected.json").write_text("{\n" + ",\n".join(
        f"{json.dumps(k)}: [\n" + ",\n".join(json.dumps(r) for r in v) + "\n]" for k, v in expected.items()) + "\n}\n")
    print("visible:", len(visible[0]), "users,", len(visible[1]), "events; hidden:", len(hidden[1]), "events")
    print({k: (len(v), v[:2]) for k, v in expected.items()})


if __name__ == "__main__":
    main()
