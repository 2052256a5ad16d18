/**
 * `npm run codegen`: typed documents for the GraphQL client tests (tests/client), generated from the
 * committed printed schema. The output is ES modules with explicit `.js` imports (NodeNext).
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: './schema.graphql',
  documents: ['tests/client/**/*.ts', '!tests/client/__generated__/**'],
  ignoreNoDocuments: false,
  // NodeNext needs the extension on relative imports ("./gql.js").
  importExtension: '.js',
  generates: {
    'tests/client/__generated__/': {
      preset: 'client',
      presetConfig: {
        // Tests read whole objects (and Apollo's own cache APIs); no fragment masking.
        fragmentMasking: false,
      },
      config: {
        useTypeImports: true,
        strictScalars: true,
        scalars: {
          DateTime: 'string',
          LocalDate: 'string',
          UtcOffset: 'string',
          JSON: 'unknown',
        },
        enumsAsTypes: true,
        skipTypename: false,
        nonOptionalTypename: false,
      },
    },
  },
};

export default config;
