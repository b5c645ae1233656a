import {
  decideDisableScim,
  decideEnableScim,
  decideRegister,
  decideRetire,
  decideSetRebaselineMatchingPosts,
} from '@app/identity/identity-provider/identity-provider.decide';
import type { IdentityProviderEvent } from '@app/identity/identity-provider/identity-provider.events';
import type { IdentityProviderState } from '@app/identity/identity-provider/identity-provider.state';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { IdentityProviderWriter } from '../../identity-providers/identity-provider-writer';
import { Admin, AdminProvenance } from '../auth/admin-provenance.decorator';
import { adminBody } from '../http/admin-body';
import { ADMIN_ROUTE_PREFIX } from '../http/admin-paths';
import { IdentityProviderViews } from './identity-provider-views';
import { ApiBody, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AdminAnswer, adminListOf, adminRef } from '../../openapi/admin-shapes';

export class RegisterProviderDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'displayName must not be blank' })
  displayName!: string;

  /** Default: a random UUID, as the customer guide's example Tenant URL shows. */
  @ApiPropertyOptional({ description: 'Default: a random UUID' })
  @IsOptional()
  @IsString()
  providerId?: string;
}

export class ProviderSettingsDto {
  @ApiProperty({ description: "An IdP's POST of a user it already has re-baselines that user rather than answering 409" })
  @IsBoolean()
  rebaselineMatchingPosts!: boolean;
}

/** Identity providers: register (and hand out the Tenant URL), list, show, enable or disable SCIM, retire, settings. */
@Controller(`${ADMIN_ROUTE_PREFIX}/identity-providers`)
export class IdentityProvidersController {
  constructor(
    private readonly writer: IdentityProviderWriter,
    private readonly views: IdentityProviderViews,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiBody({ type: RegisterProviderDto })
  @AdminAnswer(201, 'The IdP as registered', adminRef('IdentityProvider'))
  async register(@Admin() admin: AdminProvenance, @Req() request: FastifyRequest, @Body() body: unknown) {
    const { displayName, providerId = randomUUID() } = adminBody(RegisterProviderDto, body);
    await this.writer.write(providerId, (s) => decideRegister(s, providerId, displayName.trim()), admin);
    return this.views.describe(request, providerId);
  }

  @Get()
  @AdminAnswer(200, 'Every IdP', adminListOf('identityProviders', 'IdentityProviderSummary'))
  async list(@Req() request: FastifyRequest) {
    return { identityProviders: await this.views.list(request) };
  }

  @Get(':providerId')
  @AdminAnswer(200, 'The IdP with its tokens and custom attributes', adminRef('IdentityProvider'))
  show(@Req() request: FastifyRequest, @Param('providerId') providerId: string) {
    return this.views.describe(request, providerId);
  }

  @Post(':providerId/enable-scim')
  @HttpCode(200)
  @AdminAnswer(200, 'The IdP, SCIM on', adminRef('IdentityProvider'))
  enableScim(@Admin() admin: AdminProvenance, @Req() request: FastifyRequest, @Param('providerId') providerId: string) {
    return this.change(admin, request, providerId, decideEnableScim);
  }

  @Post(':providerId/disable-scim')
  @HttpCode(200)
  @AdminAnswer(200, 'The IdP, SCIM off (its requests answer 403)', adminRef('IdentityProvider'))
  disableScim(@Admin() admin: AdminProvenance, @Req() request: FastifyRequest, @Param('providerId') providerId: string) {
    return this.change(admin, request, providerId, decideDisableScim);
  }

  /** Final: its routes answer 404 and its tokens stop working; its id is never registered again. */
  @Post(':providerId/retire')
  @HttpCode(200)
  @AdminAnswer(200, 'The IdP, retired', adminRef('IdentityProvider'))
  retire(@Admin() admin: AdminProvenance, @Req() request: FastifyRequest, @Param('providerId') providerId: string) {
    return this.change(admin, request, providerId, decideRetire);
  }

  @Patch(':providerId')
  @ApiBody({ type: ProviderSettingsDto })
  @AdminAnswer(200, 'The IdP with the new settings', adminRef('IdentityProvider'))
  changeSettings(@Admin() admin: AdminProvenance, @Req() request: FastifyRequest, @Param('providerId') providerId: string, @Body() body: unknown) {
    const { rebaselineMatchingPosts } = adminBody(ProviderSettingsDto, body);
    return this.change(admin, request, providerId, (s) => decideSetRebaselineMatchingPosts(s, rebaselineMatchingPosts));
  }

  private async change(admin: AdminProvenance, request: FastifyRequest, providerId: string, decide: (s: IdentityProviderState) => IdentityProviderEvent[]) {
    await this.writer.write(providerId, decide, admin);
    return this.views.describe(request, providerId);
  }
}
