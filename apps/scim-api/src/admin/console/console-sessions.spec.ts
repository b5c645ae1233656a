import { CONSOLE_IDLE_MS, ConsoleSessions, MAX_CONSOLE_SESSIONS, sameSecret } from './console-sessions';

const caller = { tokenId: 't', label: 'Helpdesk' };

describe('ConsoleSessions', () => {
  let now = 0;
  const sessions = () => new ConsoleSessions(() => now);

  it('finds a session until it has been idle too long, each use restarting the clock', () => {
    const store = sessions();
    const session = store.start(caller, 'digest');
    expect(session.id).not.toBe(session.csrfToken);
    now += CONSOLE_IDLE_MS;
    expect(store.find(session.id)).toBe(session);
    now += CONSOLE_IDLE_MS + 1;
    expect(store.find(session.id)).toBeUndefined();
    expect(store.find(undefined)).toBeUndefined();
  });

  it('ends a session on sign-out and the least recently used one beyond the cap', () => {
    const store = sessions();
    const first = store.start(caller, 'd');
    const second = store.start(caller, 'd');
    store.end(second.id);
    expect(store.find(second.id)).toBeUndefined();
    for (let i = 0; i < MAX_CONSOLE_SESSIONS; i++) store.start(caller, 'd');
    expect(store.find(first.id)).toBeUndefined();
  });

  it('hands a kept secret out once, for that token only, and not after a minute', () => {
    const store = sessions();
    const session = store.start(caller, 'd');
    store.keepSecret(session, 'a', 'scim_x');
    expect(store.takeSecret(session, 'b')).toBeUndefined();
    store.keepSecret(session, 'a', 'scim_x');
    expect(store.takeSecret(session, 'a')).toBe('scim_x');
    expect(store.takeSecret(session, 'a')).toBeUndefined();
    store.keepSecret(session, 'a', 'scim_x');
    now += 60_001;
    expect(store.takeSecret(session, 'a')).toBeUndefined();
  });

  it('compares secrets of any length', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('ab', 'abc')).toBe(false);
  });
});
