// Prints the GraphQL schema the code builds to schema.graphql, and the push contract's JSON Schema
// to docs/ingest/push-v1.schema.json (both committed; tests check they are current).
import fs from 'node:fs';
import { printSchemaFile, SCHEMA_FILE } from '../src/graphql/print.js';
import { printPushSchema, PUSH_SCHEMA_FILE } from '../src/ingest/contract.js';

fs.writeFileSync(SCHEMA_FILE, printSchemaFile());
console.log(`wrote ${SCHEMA_FILE}`);
fs.writeFileSync(PUSH_SCHEMA_FILE, printPushSchema());
console.log(`wrote ${PUSH_SCHEMA_FILE}`);
