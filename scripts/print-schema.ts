// Prints the GraphQL schema the code builds to schema.graphql (committed; a test checks it is current).
import fs from 'node:fs';
import { printSchemaFile, SCHEMA_FILE } from '../src/graphql/print.js';

fs.writeFileSync(SCHEMA_FILE, printSchemaFile());
console.log(`wrote ${SCHEMA_FILE}`);
