// Prints the Federation v2 subgraph SDL to subgraph.graphql (committed; a test checks it is current).
import fs from 'node:fs';
import { printSubgraphFile, SUBGRAPH_FILE } from '../src/graphql/print.js';

fs.writeFileSync(SUBGRAPH_FILE, printSubgraphFile());
console.log(`wrote ${SUBGRAPH_FILE}`);
