#!/bin/sh
# Stands in for Prisma's native schema engine, which cannot be downloaded here.
# `prisma generate` only asks it for a version; everything else is refused.
if [ "$1" = "--version" ] || [ "$1" = "-V" ]; then
  echo "schema-engine-cli stub (no native engine; migrations run via src/db/migrate.ts)"
  exit 0
fi
echo "The native Prisma schema engine is not available: use npm run migrate:new / the built-in migration runner." >&2
exit 1
