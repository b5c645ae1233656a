import { AdministratorEvent } from './administrator.events';

export interface AdminToken {
  readonly tokenId: string;
  readonly digest: string;
  readonly label: string;
  readonly revoked: boolean;
}

/** The administrators' stream: every admin token ever issued (ADMIN_TOKEN from the environment is not among them). */
export interface AdministratorsState {
  readonly tokens: readonly AdminToken[];
}

export const initialAdministratorsState: AdministratorsState = { tokens: [] };

export function evolveAdministrators(state: AdministratorsState, event: AdministratorEvent): AdministratorsState {
  switch (event.type) {
    case 'AdminTokenIssued':
      return { tokens: [...state.tokens, { ...event.data, revoked: false }] };
    case 'AdminTokenRevoked':
      return { tokens: state.tokens.map((t) => (t.tokenId === event.data.tokenId ? { ...t, revoked: true } : t)) };
  }
}
