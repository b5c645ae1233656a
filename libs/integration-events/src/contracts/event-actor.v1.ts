import type { EventMetadata } from '@app/event-store/event-store.port';

/**
 * Who acted, in the contract's words (actor.v1.schema.json). The log says 'idp-token' and an admin's
 * `name`; consumers get 'idp' and the admin token's `label`, so the log's internal words can change
 * without a new contract version. Ids only: never a token secret or digest.
 */
export type PublishedActor =
  | { readonly kind: 'idp'; readonly providerId: string; readonly tokenId: string }
  | { readonly kind: 'admin'; readonly tokenId: string; readonly label: string }
  | { readonly kind: 'system'; readonly name: string };

/** The CloudEvents extension header that repeats the actor's kind, for routing without parsing the value. */
export const ACTOR_KIND_HEADER = 'ce_actorkind';

/**
 * The published form of an event's actor; undefined when the event has none (logged before actors
 * were recorded) or lacks what the contract requires, so the message stays valid without it.
 */
export function publishedActor(actor: EventMetadata['actor']): PublishedActor | undefined {
  switch (actor?.kind) {
    case 'idp-token':
      return actor.providerId && actor.tokenId ? { kind: 'idp', providerId: actor.providerId, tokenId: actor.tokenId } : undefined;
    case 'admin':
      return actor.tokenId && actor.name ? { kind: 'admin', tokenId: actor.tokenId, label: actor.name } : undefined;
    case 'system':
      return actor.name ? { kind: 'system', name: actor.name } : undefined;
    default:
      return undefined;
  }
}
