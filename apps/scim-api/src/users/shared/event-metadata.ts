import type { EventMetadata, NewEvent } from '@app/event-store/event-store.port';
import type { DomainEvent } from '@app/identity/shared/event-envelope';
import { randomUUID } from 'node:crypto';
import type { ScimRequestContext } from '../../auth/scim-request-context';

/** Wraps domain events with provenance: who (IdP and token), from where, which request, and what it sent. */
export function toNewEvents(
  context: ScimRequestContext,
  events: readonly DomainEvent[],
  droppedAttributes: readonly string[] = [],
): NewEvent[] {
  const metadata: EventMetadata = {
    correlationId: context.requestId,
    actor: { kind: 'idp-token', providerId: context.providerId, tokenId: context.tokenId },
    clientAddress: context.clientAddress,
    occurredAt: new Date().toISOString(),
    scimOperation: { method: context.method, path: context.path, body: withoutSecrets(context.body) },
    ...(droppedAttributes.length > 0 ? { droppedAttributes } : {}),
  };
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
