import { decideIssueToken, decideRevokeToken, decideRotateToken } from '@app/identity/identity-provider/identity-provider.decide';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import { DEFAULT_ROTATION_OVERLAP, rotationOverlapEndsAt, tokenExpiresAt } from '@app/identity/identity-provider/token-lifetime';
import { normalizeTokenScopes, parseTokenScopes } from '@app/identity/identity-provider/token-scopes';
import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { IdentityProviderWriter } from '../../identity-providers/identity-provider-writer';
import { newTokenSecret } from '../../identity-providers/provider-bootstrap';
import { Admin, AdminProvenance } from '../auth/admin-provenance.decorator';
import { adminBody } from '../http/admin-body';
import { ADMIN_ROUTE_PREFIX } from '../http/admin-paths';
import { IdentityProviderViews } from './identity-provider-views';
import { ApiBody, ApiPropertyOptional } from '@nestjs/swagger';
import { AdminAnswer, adminListOf, adminRef } from '../../openapi/admin-shapes';

export class IssueTokenDto {
  /** "users:read,users:write" or ["users:read", "users:write"]; default: all three scopes. */
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], examples: ['users:read,users:write'] })
  @IsOptional()
  @IsString({ each: true })
  scopes?: string | string[];

  /** e.g. "90d"; default: never expires. */
  @ApiPropertyOptional({ examples: ['90d'] })
  @IsOptional()
  @IsString()
  expiresIn?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'label must not be blank' })
  label?: string;
}

export class RotateTokenDto {
  /** How long the old token keeps working, e.g. "24h" (the default). */
  @ApiPropertyOptional({ examples: ['24h'] })
  @IsOptional()
  @IsString()
  overlap?: string;
}

/** An IdP's SCIM tokens: the secret is shown once, when issued or rotated; lists never show one. */
@Controller(`${ADMIN_ROUTE_PREFIX}/identity-providers/:providerId/tokens`)
export class TokensController {
  constructor(
    private readonly writer: IdentityProviderWriter,
    private readonly views: IdentityProviderViews,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiBody({ type: IssueTokenDto, required: false })
  @AdminAnswer(201, 'The token with its secret (shown once)', adminRef('IssuedScimToken'))
  async issue(@Admin() admin: AdminProvenance, @Req() request: FastifyRequest, @Param('providerId') providerId: string, @Body() body: unknown) {
    const { scopes, expiresIn, label } = adminBody(IssueTokenDto, body);
    const token = newTokenSecret();
    const tokenId = randomUUID();
    const issue = {
      tokenId,
      digest: digestToken(token),
      label,
      ...(scopes !== undefined ? { scopes: typeof scopes === 'string' ? parseTokenScopes(scopes) : normalizeTokenScopes(scopes) } : {}),
      ...(expiresIn !== undefined ? { expiresAt: tokenExpiresAt(expiresIn, new Date()) } : {}),
    };
    await this.writer.write(providerId, (s) => decideIssueToken(s, issue), admin);
    return { token, ...(await this.token(request, providerId, tokenId)) };
  }

  @Get()
  @AdminAnswer(200, "The IdP's tokens (never a secret)", adminListOf('tokens', 'ScimToken'))
  async list(@Req() request: FastifyRequest, @Param('providerId') providerId: string) {
    return { tokens: (await this.views.describe(request, providerId)).tokens };
  }

  @Post(':tokenId/revoke')
  @HttpCode(200)
  @AdminAnswer(200, 'The token, revoked', adminRef('ScimToken'))
  async revoke(@Admin() admin: AdminProvenance, @Req() request: FastifyRequest, @Param('providerId') providerId: string, @Param('tokenId') tokenId: string) {
    await this.writer.write(providerId, (s) => decideRevokeToken(s, tokenId), admin);
    return this.token(request, providerId, tokenId);
  }

  /** A new token with the old one's scopes and label; the old one (`rotated`) works until its expiresAt, the end of the overlap. */
  @Post(':tokenId/rotate')
  @HttpCode(201)
  @ApiBody({ type: RotateTokenDto, required: false })
  @AdminAnswer(201, 'The new token with its secret, and the old one (`rotated`) working until its expiresAt', {
    allOf: [adminRef('IssuedScimToken'), { type: 'object', required: ['rotated'], properties: { rotated: adminRef('ScimToken') } }],
  })
  async rotate(
    @Admin() admin: AdminProvenance,
    @Req() request: FastifyRequest,
    @Param('providerId') providerId: string,
    @Param('tokenId') tokenId: string,
    @Body() body: unknown,
  ) {
    const { overlap = DEFAULT_ROTATION_OVERLAP } = adminBody(RotateTokenDto, body);
    const now = new Date();
    const token = newTokenSecret();
    const replacement = { tokenId: randomUUID(), digest: digestToken(token) };
    const overlapEndsAt = rotationOverlapEndsAt(overlap, now);
    await this.writer.write(providerId, (s) => decideRotateToken(s, tokenId, replacement, overlapEndsAt, now.toISOString()), admin);
    return { token, ...(await this.token(request, providerId, replacement.tokenId)), rotated: await this.token(request, providerId, tokenId) };
  }

  private async token(request: FastifyRequest, providerId: string, tokenId: string) {
    return (await this.views.describe(request, providerId)).tokens.find((t) => t.tokenId === tokenId);
  }
}
