import type { UserSchema } from '@app/scim/schema/user-schema';

/** Who is calling and about what; established before the body is read, completed with it by the auth guard. */
export interface ScimRequestContext {
  readonly providerId: string;
  readonly tokenId: string;
  /** The User schema as this IdP sees it (its custom attributes included). */
  readonly schema: UserSchema;
  /**
   * The IdP's setting (off by default): a POST whose userName and externalId match an existing user
   * re-baselines that user (UserReprovisioned) instead of answering 409.
   */
  readonly rebaselineMatchingPosts: boolean;
  readonly requestId: string;
  readonly clientAddress: string;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  /** `<base>/scim/v2/enterprise-idps/<providerId>`, for meta.location. */
  readonly baseUrl: string;
}

/** What authentication establishes from the request line and headers alone. */
export type ScimCaller = Omit<ScimRequestContext, 'body'>;
