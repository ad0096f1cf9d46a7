#!/usr/bin/env bash
# Reference solution: add the migration to the repository and apply it.
set -euo pipefail
cd /workspace
cp "$(dirname "$0")/002_normalize_customers.sql" migrations/
psql -v ON_ERROR_STOP=1 -q -f migrations/002_normalize_customers.sql
psql -At -c "SELECT version FROM schema_migrations ORDER BY version"
