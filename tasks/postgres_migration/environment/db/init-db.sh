#!/usr/bin/env bash
# Builds the seeded cluster at image build time: role `app` (password `app`) owns
# database `shop`, loaded from seed.sql. `shop_pristine` is an untouchable copy of
# the seeded state that the grader clones to replay the agent's migration.
set -euo pipefail
initdb --username=postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
# Inside this container (only the harness can exec here) connections need no password;
# from the agent's container over the network they do.
sed -i -E 's#^(host +all +all +(127\.0\.0\.1/32|::1/128) +)scram-sha-256#\1trust#' "$PGDATA/pg_hba.conf"
echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
pg_ctl start -w -o "-c listen_addresses=''" >/dev/null
psql() { command psql -v ON_ERROR_STOP=1 -q "$@"; }
psql -U postgres -c "CREATE ROLE app LOGIN CREATEDB PASSWORD 'app'"
psql -U postgres -c "CREATE DATABASE shop OWNER app"
psql -U app -d shop -f /seed/seed.sql >/dev/null
psql -U postgres -c "CREATE DATABASE shop_pristine TEMPLATE shop OWNER postgres"
# A template anyone with CREATEDB may clone, but nobody except postgres may connect to.
psql -U postgres -c "ALTER DATABASE shop_pristine WITH IS_TEMPLATE true"
psql -U postgres -c "REVOKE CONNECT ON DATABASE shop_pristine FROM PUBLIC"
pg_ctl stop -w -m fast >/dev/null
