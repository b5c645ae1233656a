import { deciderSpec } from '@app/testing/decider-spec';
import { BOOTSTRAP_ADMIN_TOKEN_ID, decideFirstStartAdminToken, decideIssueAdminToken, decideRevokeAdminToken, NewAdminToken } from './administrator.decide';
import { AdministratorEvent } from './administrator.events';
import { AdministratorsState, evolveAdministrators, initialAdministratorsState } from './administrator.state';

type AdministratorCommand =
  | { readonly type: 'Issue'; readonly token: NewAdminToken }
  | { readonly type: 'FirstStart'; readonly token: NewAdminToken }
  | { readonly type: 'Revoke'; readonly tokenId: string };

const spec = deciderSpec<AdministratorsState, AdministratorCommand, AdministratorEvent>({
  decide: (command, state) => {
    switch (command.type) {
      case 'Issue':
        return decideIssueAdminToken(state, command.token);
      case 'FirstStart':
        return decideFirstStartAdminToken(state, command.token);
      case 'Revoke':
        return decideRevokeAdminToken(state, command.tokenId);
    }
  },
  evolve: evolveAdministrators,
  initialState: () => initialAdministratorsState,
});

const alice: NewAdminToken = { tokenId: 't-alice', digest: 'a'.repeat(64), label: 'Alice (on-call)' };
const bob: NewAdminToken = { tokenId: 't-bob', digest: 'b'.repeat(64), label: 'Bob' };
const issued = (token: NewAdminToken): AdministratorEvent => ({ type: 'AdminTokenIssued', data: token });
const revoked = (tokenId: string): AdministratorEvent => ({ type: 'AdminTokenRevoked', data: { tokenId } });

describe('administrators', () => {
  it('issues an admin token with its digest and label, trimmed', () => {
    spec.given([]).when({ type: 'Issue', token: { ...alice, label: '  Alice (on-call) ' } }).then([issued(alice)]);
  });

  it('issues further tokens beside the first, and a retried issue of the same token id changes nothing', () => {
    spec.given([issued(alice)]).when({ type: 'Issue', token: bob }).then([issued(bob)]);
    spec.given([issued(alice)]).when({ type: 'Issue', token: alice }).thenNothingHappened();
  });

  it('revokes a token once; revoking it again changes nothing', () => {
    spec.given([issued(alice), issued(bob)]).when({ type: 'Revoke', tokenId: 't-alice' }).then([revoked('t-alice')]);
    spec.given([issued(alice), revoked('t-alice')]).when({ type: 'Revoke', tokenId: 't-alice' }).thenNothingHappened();
    spec
      .given([issued(alice), issued(bob)])
      .when({ type: 'Revoke', tokenId: 't-bob' })
      .thenState({ tokens: [{ ...alice, revoked: false }, { ...bob, revoked: true }] });
  });

  it('refuses to revoke a token it never issued, and says that ADMIN_TOKEN is revoked by removing it from the environment', () => {
    spec.given([issued(alice)]).when({ type: 'Revoke', tokenId: 'nope' }).thenThrows('ADMIN_TOKEN_NOT_FOUND');
    spec
      .given([])
      .when({ type: 'Revoke', tokenId: BOOTSTRAP_ADMIN_TOKEN_ID })
      .thenThrows((error) => error instanceof Error && error.message.includes('remove it there'));
  });

  it('issues a first-start token only while no admin token was ever issued, revoked ones included', () => {
    spec.given([]).when({ type: 'FirstStart', token: alice }).then([issued(alice)]);
    spec.given([issued(bob)]).when({ type: 'FirstStart', token: alice }).thenNothingHappened();
    spec.given([issued(bob), revoked('t-bob')]).when({ type: 'FirstStart', token: alice }).thenNothingHappened();
  });
});
