import { BOOTSTRAP_ADMIN_TOKEN_ID } from '@app/identity/administrator/administrator.decide';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import type { AppConfig } from '@app/platform/config/app-config';
import { AdministratorDirectory } from '@app/read-model/store/administrator-directory';
import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { APP_CONFIG } from '../../app.tokens';
import { AdminRequestError } from '../http/admin-errors';

/** The administrator behind a request: the admin token's id and label. */
export interface AdminCaller {
  readonly tokenId: string;
  readonly label: string;
}

/** The label ADMIN_TOKEN acts under in event metadata. */
export const BOOTSTRAP_ADMIN_LABEL = 'ADMIN_TOKEN';

/**
 * Admin credentials only: ADMIN_TOKEN from the environment or a live admin token issued on the
 * administrators stream. A SCIM token is neither, so it never opens an admin route (and an admin
 * token is on no IdP, so it never opens a SCIM route).
 */
@Injectable()
export class AdminAuthenticator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly directory: AdministratorDirectory,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AdminCaller> {
    const secret = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!secret) throw AdminRequestError.unauthorized('An admin token is required: Authorization: Bearer <ADMIN_TOKEN or an issued admin token>');
    return this.authenticateDigest(digestToken(secret));
  }

  /** The administrator whose token has this digest, while the token is live (the console keeps only the digest, so a revocation ends its sessions). */
  async authenticateDigest(digest: string): Promise<AdminCaller> {
    if (this.isBootstrapToken(digest)) return { tokenId: BOOTSTRAP_ADMIN_TOKEN_ID, label: BOOTSTRAP_ADMIN_LABEL };
    const token = await this.directory.findLiveToken(digest);
    if (!token) throw AdminRequestError.unauthorized('The bearer token is not a valid admin token (SCIM tokens never are)');
    return token;
  }

  private isBootstrapToken(digest: string): boolean {
    const expected = this.config.admin.tokenDigest;
    return expected !== undefined && timingSafeEqual(Buffer.from(digest), Buffer.from(expected));
  }
}
