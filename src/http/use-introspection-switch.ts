import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * GRAPHQL_INTROSPECTION=false: `__schema` and `__type` are refused by validation (`__typename`
 * still works, Apollo's cache needs it) and the "Did you mean ...?" hints graphql-js adds to
 * validation errors are removed, since they would let a client enumerate the schema anyway.
 * GraphiQL is switched off in yoga.ts.
 */
export function useIntrospectionSwitch(enabled: boolean): Plugin {
  return {
    onValidate({ addValidationRule }) {
      if (enabled) return;
      addValidationRule(NoSchemaIntrospectionCustomRule);
      return ({ result, setResult }) => {
        if (!result.length) return;
        setResult(
          result.map((error) => {
            const message = error.message.replace(/\s*Did you mean .*\?$/s, '');
            if (message === error.message) return error;
            Object.defineProperty(error, 'message', { value: message, enumerable: true, writable: true });
            return error;
          }),
        );
      };
    },
  };
}
