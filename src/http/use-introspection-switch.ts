import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * GRAPHQL_INTROSPECTION=false: `__schema` and `__type` are refused by validation (`__typename`
 * still works, Apollo's cache needs it) and the "Did you mean ...?" hints graphql-js adds to
 * validation errors are removed, since they would let a client enumerate the schema anyway.
 * GraphiQL is switched off in yoga.ts. Federation's `_service { sdl }` hands out the same schema,
 * so it is refused too: a gateway composes from the committed subgraph.graphql instead
 * (gateway.config.json does).
 */
export function useIntrospectionSwitch(enabled: boolean): Plugin {
  return {
    onValidate({ addValidationRule }) {
      if (enabled) return;
      addValidationRule(NoSchemaIntrospectionCustomRule);
      addValidationRule(NoServiceSdlRule);
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

/** Refuses Query._service (the subgraph SDL): with introspection off it would give the schema away. */
const NoServiceSdlRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '_service' && context.getParentType()?.name === 'Query') {
      context.reportError(
        new GraphQLError('GraphQL introspection has been disabled, and so has _service (compose the supergraph from subgraph.graphql).', { nodes: node }),
      );
    }
  },
});
