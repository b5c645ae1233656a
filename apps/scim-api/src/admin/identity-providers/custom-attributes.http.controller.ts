import { decideRegisterCustomAttribute, decideRetireCustomAttribute } from '@app/identity/identity-provider/identity-provider.decide';
import { sameName } from '@app/identity/identity-provider/identity-provider.state';
import type { CustomAttributeType } from '@app/scim/schema/custom-attribute';
import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { IsOptional, IsString, Length } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { IdentityProviderWriter } from '../../identity-providers/identity-provider-writer';
import { Admin, AdminProvenance } from '../auth/admin-provenance.decorator';
import { adminBody } from '../http/admin-body';
import { ADMIN_ROUTE_PREFIX } from '../http/admin-paths';
import { IdentityProviderViews } from './identity-provider-views';
import { ApiBody, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AdminAnswer, adminListOf, adminRef } from '../../openapi/admin-shapes';

export class RegisterAttributeDto {
  /** A plain name as Entra's customappsso list has it (JobCode), or a full urn:…:2.0:User:JobCode. */
  @ApiProperty({ examples: ['JobCode', 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:JobCode'] })
  @IsString()
  @Length(1, 1024)
  name!: string;

  /** string (default), boolean, integer, decimal or dateTime; the domain refuses any other. */
  @ApiPropertyOptional({ enum: ['string', 'boolean', 'integer', 'decimal', 'dateTime'], default: 'string' })
  @IsOptional()
  @IsString()
  type?: string;
}

/** An IdP's custom attributes: values of names not registered (or retired) are dropped, and the drop is recorded. */
@Controller(`${ADMIN_ROUTE_PREFIX}/identity-providers/:providerId/custom-attributes`)
export class CustomAttributesController {
  constructor(
    private readonly writer: IdentityProviderWriter,
    private readonly views: IdentityProviderViews,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiBody({ type: RegisterAttributeDto })
  @AdminAnswer(201, 'The attribute as registered', adminRef('CustomAttribute'))
  async register(@Admin() admin: AdminProvenance, @Req() request: FastifyRequest, @Param('providerId') providerId: string, @Body() body: unknown) {
    const { name, type = 'string' } = adminBody(RegisterAttributeDto, body);
    await this.writer.write(providerId, (s) => decideRegisterCustomAttribute(s, name, type as CustomAttributeType), admin);
    return this.attribute(request, providerId, name);
  }

  @Get()
  @AdminAnswer(200, "The IdP's custom attributes, retired ones included", adminListOf('customAttributes', 'CustomAttribute'))
  async list(@Req() request: FastifyRequest, @Param('providerId') providerId: string) {
    return { customAttributes: (await this.views.describe(request, providerId)).customAttributes };
  }

  @Post(':name/retire')
  @HttpCode(200)
  @AdminAnswer(200, 'The attribute, retired', adminRef('CustomAttribute'))
  async retire(@Admin() admin: AdminProvenance, @Req() request: FastifyRequest, @Param('providerId') providerId: string, @Param('name') name: string) {
    await this.writer.write(providerId, (s) => decideRetireCustomAttribute(s, name), admin);
    return this.attribute(request, providerId, name);
  }

  /** The attribute by name as registered (names are case-insensitive): the one in force, else the latest retired one. */
  private async attribute(request: FastifyRequest, providerId: string, name: string) {
    const named = (await this.views.describe(request, providerId)).customAttributes.filter((a) => sameName(a.name, name.trim()));
    return named.find((a) => !a.retired) ?? named.at(-1);
  }
}
