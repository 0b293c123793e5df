#!/bin/sh
# On the primary's first start (docker-entrypoint-initdb.d): the login a streaming replica connects with, and the
# pg_hba line that lets it (profile `scale` in compose.yml; unused otherwise).
set -e
psql -v ON_ERROR_STOP=1 -U postgres -c "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD}'"
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
