import type { EventMetadata, NewEvent } from '@app/event-store/event-store.port';
import type { DomainEvent } from '@app/identity/shared/event-envelope';
import { randomUUID } from 'node:crypto';
import type { ScimRequestContext } from '../../auth/scim-request-context';

/** Who asked for a write (IdP and token), from where, in which request, and what it sent: plain data for a command. */
export type Provenance = Omit<EventMetadata, 'occurredAt' | 'droppedAttributes'>;

/** The provenance of the request being served; passwords never enter it. */
export function provenanceOf(context: ScimRequestContext): Provenance {
  return {
    correlationId: context.requestId,
    actor: { kind: 'idp-token', providerId: context.providerId, tokenId: context.tokenId },
    clientAddress: context.clientAddress,
    scimOperation: { method: context.method, path: context.path, body: withoutSecrets(context.body) },
  };
}

/** The metadata every event of one write carries. */
export function eventMetadata(provenance: Provenance, droppedAttributes: readonly string[] = []): EventMetadata {
  return { ...provenance, occurredAt: new Date().toISOString(), ...(droppedAttributes.length > 0 ? { droppedAttributes } : {}) };
}

/** Gives domain events their ids and the write's metadata. */
export function toNewEvents(metadata: EventMetadata, events: readonly DomainEvent[]): NewEvent[] {
  return events.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, metadata }));
}

/** Passwords are never stored, not even in provenance. */
function withoutSecrets(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(withoutSecrets);
  if (!body || typeof body !== 'object') return body;
  const record = body as Record<string, unknown>;
  const targetsPassword = typeof record.path === 'string' && /password/i.test(record.path);
  return Object.fromEntries(
    Object.entries(record)
      .filter(([key]) => key.toLowerCase() !== 'password')
      .map(([key, value]) => [key, targetsPassword && key === 'value' ? '[redacted]' : withoutSecrets(value)]),
  );
}
