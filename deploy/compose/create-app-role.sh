#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d): creates the
# role FlightIQ connects as, without superuser, CREATEDB or CREATEROLE, and the database it owns (its
# migrations create tables there, nothing more). The superuser's password stays in this container.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_password="$POSTGRES_APP_PASSWORD" <<'SQL'
CREATE ROLE flightiq LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'app_password';
CREATE DATABASE flightiq OWNER flightiq;
REVOKE ALL ON DATABASE flightiq FROM PUBLIC;
SQL
