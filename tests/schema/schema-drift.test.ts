import fs from 'node:fs';
import { printSchemaFile, SCHEMA_FILE } from '../../src/graphql/print.js';
import { schema } from '../../src/graphql/schema.js';
import { isInputObjectType, isInterfaceType, isObjectType, isEnumType } from 'graphql';

describe('schema.graphql', () => {
  it('is exactly what the code builds (run `npm run schema:print` after changing src/graphql)', () => {
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(printSchemaFile());
  });

  it('documents every type and field for analysts reading GraphiQL', () => {
    const undocumented: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        if (!type.description && !/(Connection|Edge|Payload)$/.test(type.name) && type.name !== 'PageInfo') undocumented.push(type.name);
        for (const field of Object.values(type.getFields())) {
          const edgeish = /(Connection|Edge)$/.test(type.name) || type.name === 'PageInfo' || field.name === 'id';
          if (!field.description && !edgeish) undocumented.push(`${type.name}.${field.name}`);
        }
      }
      if (isEnumType(type) && !type.description) undocumented.push(type.name);
    }
    expect(undocumented).toEqual([]);
  });
});
