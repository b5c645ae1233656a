import { decideClear } from '@app/identity/user/user.clear.decide';
import { decideRequestReprovision } from '@app/identity/user/user.reprovision.decide';
import { DomainError } from '@app/identity/shared/domain-error';
import type { AppConfig } from '@app/platform/config/app-config';
import { IdentityProviderDirectory } from '@app/read-model/store/identity-provider-directory';
import { UserLookup, UserReadModel, UserRow } from '@app/read-model/store/user-read-model';
import { renderUser } from '@app/scim/resource/render-user';
import { UserSchema } from '@app/scim/schema/user-schema';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, SCIM_ORIGIN } from '../../app.tokens';
import type { Provenance } from '../shared/event-metadata';
import { UserWriter, WrittenUser } from '../shared/user-writer';

/** Who acts for the admin plane: the admin token (id and label), the request and its client. */
export interface AdminProvenance {
  readonly actor: { readonly kind: 'admin'; readonly tokenId: string; readonly name: string };
  readonly correlationId: string;
  readonly clientAddress: string;
}

/** A user as an administrator sees it: also when its IdP no longer does (awaiting re-provisioning). */
export interface AdministeredUser {
  readonly id: string;
  readonly userName: string;
  readonly externalId?: string;
  readonly active: boolean;
  readonly awaitingReprovision: boolean;
  readonly version: number;
  /** The SCIM JSON a GET by its IdP renders. */
  readonly resource: Record<string, unknown>;
}

/**
 * The administrator's user operations (issue 9): find a user, clear values its IdP never clears,
 * and ask the IdP to provision it afresh. Every change is an event on the user's stream with the
 * admin as actor, through the same writer (claims, limits, read-your-writes) as SCIM writes.
 * @throws DomainError PROVIDER_NOT_FOUND, USER_NOT_FOUND; ScimError 400 for a bad attribute path.
 */
@Injectable()
export class UserAdministration {
  constructor(
    private readonly users: UserReadModel,
    private readonly providers: IdentityProviderDirectory,
    private readonly writer: UserWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    /** SCIM's origin when the admin routes have a listener of their own; without it and PUBLIC_BASE_URL, meta.location is a path. */
    @Optional() @Inject(SCIM_ORIGIN) private readonly scimOrigin: string | null = null,
  ) {}

  async find(providerId: string, by: UserLookup, value: string): Promise<AdministeredUser[]> {
    const schema = await this.schemaOf(providerId);
    const rows = await this.users.findFor(providerId, by, value);
    return rows.map((row) => this.administered(schema, providerId, row, row.awaitingReprovision));
  }

  async clear(providerId: string, userId: string, paths: readonly string[], provenance: AdminProvenance): Promise<{ user: AdministeredUser; cleared: string[] }> {
    const [schema, clearable] = [await this.schemaOf(providerId), await this.clearableSchemaOf(providerId)];
    let cleared: string[] = [];
    const written = await this.writer.write({ providerId, userId, provenance: asProvenance(provenance) }, (state) => {
      const decision = decideClear(state, { schema: clearable, paths, limits: this.config.limits });
      cleared = decision.cleared;
      return decision;
    });
    return { user: this.writtenUser(schema, providerId, written), cleared };
  }

  async requestReprovision(providerId: string, userId: string, provenance: AdminProvenance): Promise<AdministeredUser> {
    const schema = await this.schemaOf(providerId);
    const written = await this.writer.write({ providerId, userId, provenance: asProvenance(provenance) }, (state) => ({ events: decideRequestReprovision(state) }));
    return this.writtenUser(schema, providerId, written);
  }

  private async schemaOf(providerId: string): Promise<UserSchema> {
    const provider = await this.providers.findProvider(providerId);
    if (!provider) throw new DomainError('PROVIDER_NOT_FOUND', `No identity provider "${providerId}"`);
    return UserSchema.withCustomAttributes(provider.customAttributes);
  }

  /** What a clear may name: every attribute the IdP ever registered, so that a value kept from before a retirement can still be cleared. */
  private async clearableSchemaOf(providerId: string): Promise<UserSchema> {
    const provider = await this.providers.describeProvider(providerId);
    if (!provider || provider.retired) throw new DomainError('PROVIDER_NOT_FOUND', `No identity provider "${providerId}"`);
    return UserSchema.withCustomAttributes(provider.customAttributes.map(({ name, type }) => ({ name, type })));
  }

  private writtenUser(schema: UserSchema, providerId: string, written: WrittenUser): AdministeredUser {
    if (!written.user) throw new DomainError('USER_NOT_FOUND', 'User not found');
    return this.administered(schema, providerId, written.user, written.awaitingReprovision);
  }

  private administered(schema: UserSchema, providerId: string, row: UserRow, awaitingReprovision: boolean): AdministeredUser {
    const { userName, externalId, active } = row.attributes;
    const origin = this.config.publicBaseUrl ?? this.scimOrigin ?? '';
    const location = `${origin}/scim/v2/enterprise-idps/${encodeURIComponent(providerId)}/Users/${encodeURIComponent(row.userId)}`;
    return {
      id: row.userId,
      userName: String(userName),
      ...(typeof externalId === 'string' ? { externalId } : {}),
      active: active !== false,
      awaitingReprovision,
      version: row.version,
      resource: renderUser(schema, { id: row.userId, ...row }, location),
    };
  }
}

/** The admin's provenance as event metadata: the admin token is the actor. */
function asProvenance(provenance: AdminProvenance): Provenance {
  return { actor: provenance.actor, correlationId: provenance.correlationId, clientAddress: provenance.clientAddress };
}
