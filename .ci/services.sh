#!/usr/bin/env bash
# CI services for the test suite, from Debian's packages: a PostgreSQL server on loopback (the
# progress store's tests run against it as well as SQLite) and headless Chromium with its
# WebDriver (the HTML report's browser test). Prints the export lines for the tests.
set -euo pipefail
SUDO="" AS_POSTGRES="runuser -u postgres --"
if [ "$(id -u)" != 0 ]; then SUDO="sudo" AS_POSTGRES="sudo -u postgres"; fi
export DEBIAN_FRONTEND=noninteractive
if ! command -v chromedriver >/dev/null || ! command -v pg_ctlcluster >/dev/null; then
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq --no-install-recommends postgresql chromium chromium-driver >&2
fi
cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
    $SUDO pg_createcluster 15 main >&2
    cluster="15 main"
fi
if ! pg_lsclusters --no-header | awk 'NR==1 {print $4}' | grep -q online; then
    $SUDO pg_ctlcluster $cluster start >&2
fi
pg_lsclusters --no-header | awk 'NR==1 {print $4}' | grep -q online || { echo "PostgreSQL did not start" >&2; exit 1; }
port=$(pg_lsclusters --no-header | awk 'NR==1 {print $3}')
$AS_POSTGRES psql -q -p "$port" -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'grader') THEN
    CREATE ROLE grader LOGIN PASSWORD 'grader' CREATEDB;
  END IF; END \$\$;" >&2
echo "export GRADER_TEST_POSTGRES_URL=postgresql+psycopg://grader:grader@127.0.0.1:${port}/postgres"
echo "export GRADER_TEST_CHROMEDRIVER=$(command -v chromedriver)"
echo "export GRADER_TEST_CHROMIUM=$(command -v chromium)"
