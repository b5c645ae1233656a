// Dependencies point inward (design §2): the protocol and the domain stay pure, and apps don't import each other.
// Tests may use the testing lib and fast-check; the rules are about shipped code.
const SPECS = '\\.(spec|int-spec)\\.ts$';
const IO_PACKAGES = '^(@nestjs/|@eventstore/|@kurrent/|kafkajs|pg$|@electric-sql/|fastify|pino)';

module.exports = {
  forbidden: [
    {
      name: 'scim-is-pure',
      comment: 'libs/scim is protocol code: no framework, no I/O, no other lib.',
      severity: 'error',
      from: { path: '^libs/scim/', pathNot: SPECS },
      to: { pathNot: ['^libs/scim/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'identity-is-pure',
      comment: 'libs/identity is the domain: it may use libs/scim and node:crypto, nothing with I/O.',
      severity: 'error',
      from: { path: '^libs/identity/', pathNot: SPECS },
      to: { pathNot: ['^libs/(identity|scim)/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'audit-is-pure',
      comment: 'libs/audit is the export format, its hash chain and verifier: node built-ins and canonicalize (RFC 8785) only, no other lib.',
      severity: 'error',
      from: { path: '^libs/audit/', pathNot: SPECS },
      to: { pathNot: ['^libs/audit/', '^node_modules/canonicalize/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'no-io-in-pure-libs',
      severity: 'error',
      from: { path: '^libs/(scim|identity)/', pathNot: SPECS },
      to: { path: IO_PACKAGES },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/(?!testing/)' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-are-separate',
      severity: 'error',
      from: { path: '^apps/scim-worker/' },
      to: { path: '^apps/scim-api/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
