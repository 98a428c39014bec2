import type { CodegenConfig } from '@graphql-codegen/cli';

// `npm run codegen` reads ../schema.graphql (committed by the backend); HUZHU_SCHEMA points at another dump,
// e.g. one made fresh by `npm run codegen:fresh` while the committed file lags behind the code.
const config: CodegenConfig = {
  schema: process.env.HUZHU_SCHEMA ?? '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Fen: 'string', DateTime: 'string', Date: 'string', JSONString: 'string', UUID: 'string' },
        skipTypename: false,
      },
    },
  },
};

export default config;
