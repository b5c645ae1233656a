import type { ExportScope } from '@app/audit/export-records';
import { isValidProviderId } from '@app/identity/identity-provider/provider-id';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { AdminRequestError } from '../http/admin-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_ID_LENGTH = 36;

/** The scope a query asks for: nothing (the whole log), `?providerId=`, or `?providerId=&userId=`. */
export function exportScope(query: Record<string, unknown>): ExportScope {
  const unknown = Object.keys(query).find((key) => key !== 'providerId' && key !== 'userId');
  if (unknown !== undefined) throw AdminRequestError.badRequest(`Unknown query parameter ${JSON.stringify(unknown.slice(0, 64))}; this route takes ?providerId= and ?userId=`);
  const providerId = single(query, 'providerId');
  const userId = single(query, 'userId');
  if (providerId === undefined) {
    if (userId !== undefined) throw AdminRequestError.badRequest('?userId= needs ?providerId=: a user id names a user of one identity provider');
    return { kind: 'all' };
  }
  if (!isValidProviderId(providerId)) throw AdminRequestError.badRequest('?providerId= is a provider id: letters, digits, ".", "_" and "-", up to 128');
  if (userId === undefined) return { kind: 'identity-provider', providerId };
  if (!UUID.test(userId)) throw AdminRequestError.badRequest('?userId= is a user id, a UUID');
  return { kind: 'user', providerId, userId: userId.toLowerCase() };
}

/**
 * Whether an event's stream belongs to the IdP: its own stream, or one of its users'. User ids are
 * UUIDs of fixed length, so `user-a-b-<uuid>` is IdP "a-b"'s user and never one of IdP "a".
 */
export function belongsTo(providerId: string): (streamId: string) => boolean {
  const own = StreamIds.identityProvider(providerId);
  return (streamId) => {
    if (streamId === own) return true;
    const userId = streamId.slice(-USER_ID_LENGTH);
    return UUID.test(userId) && streamId === StreamIds.user(providerId, userId);
  };
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw AdminRequestError.badRequest(`?${name}= takes one value`);
  return value;
}
