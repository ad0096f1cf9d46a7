#!/usr/bin/env bash
# Replays the agent's migration file on a fresh copy of the seeded database
# (shop_pristine, which the agent cannot connect to) and checks that it produces
# the same schema and data as the live database the agent migrated: the file in
# the repository is the migration, not whatever was typed into psql.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
migration=/workspace/migrations/002_normalize_customers.sql
replay="shop_replay_$$"
sql() { psql -X -v ON_ERROR_STOP=1 -q "$@"; }
cleanup() { sql -d shop -c "DROP DATABASE IF EXISTS $replay" >/dev/null 2>&1 || true; }
trap cleanup EXIT

[ -f "$migration" ] || { echo "no $migration" >&2; exit 1; }
sql -d shop -c "CREATE DATABASE $replay TEMPLATE shop_pristine"
if ! sql -d "$replay" -f "$migration" >/tmp/replay.log 2>&1; then
  echo "the migration does not apply to a database in the 001 state:" >&2
  tail -n 20 /tmp/replay.log >&2
  exit 1
fi
sql -d shop -At -f "$here/fingerprint.sql" >/tmp/live.txt
sql -d "$replay" -At -f "$here/fingerprint.sql" >/tmp/replayed.txt
if ! diff -u /tmp/live.txt /tmp/replayed.txt >&2; then
  echo "replaying the migration file gives a different database than the live one (diff above: - live, + replayed)" >&2
  exit 1
fi
echo "the migration file replays to the same schema and data"
