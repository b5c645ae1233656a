import { decideIssueAdminToken, decideRevokeAdminToken } from '@app/identity/administrator/administrator.decide';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import { AdministratorDirectory } from '@app/read-model/store/administrator-directory';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { IsString, Length, Matches } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { Admin, AdminProvenance } from '../auth/admin-provenance.decorator';
import { adminBody } from '../http/admin-body';
import { ADMIN_ROUTE_PREFIX } from '../http/admin-paths';
import { newAdminTokenSecret } from './admin-token-secret';
import { AdministratorWriter } from './administrator-writer';
import { ApiBody, ApiProperty } from '@nestjs/swagger';
import { AdminAnswer, adminListOf, adminRef } from '../../openapi/admin-shapes';

export class IssueAdminTokenDto {
  @ApiProperty({ minLength: 1, maxLength: 200, description: 'Whose token it is' })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'label must not be blank' })
  label!: string;
}

/** Further administrators: admin tokens with a label saying whose they are; the secret is shown once. */
@Controller(`${ADMIN_ROUTE_PREFIX}/admin-tokens`)
export class AdminTokensController {
  constructor(
    private readonly writer: AdministratorWriter,
    private readonly directory: AdministratorDirectory,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiBody({ type: IssueAdminTokenDto })
  @AdminAnswer(201, 'The admin token with its secret (shown once)', adminRef('IssuedAdminToken'))
  async issue(@Admin() admin: AdminProvenance, @Body() body: unknown) {
    const { label } = adminBody(IssueAdminTokenDto, body);
    const token = newAdminTokenSecret();
    const tokenId = randomUUID();
    await this.writer.write((s) => decideIssueAdminToken(s, { tokenId, digest: digestToken(token), label }), admin);
    return { token, ...(await this.summary(tokenId)) };
  }

  @Get()
  @AdminAnswer(200, 'Every admin token (never a secret)', adminListOf('adminTokens', 'AdminToken'))
  async list() {
    return { adminTokens: await this.directory.listTokens() };
  }

  @Post(':tokenId/revoke')
  @HttpCode(200)
  @AdminAnswer(200, 'The admin token, revoked', adminRef('AdminToken'))
  async revoke(@Admin() admin: AdminProvenance, @Param('tokenId') tokenId: string) {
    await this.writer.write((s) => decideRevokeAdminToken(s, tokenId), admin);
    return this.summary(tokenId);
  }

  private async summary(tokenId: string) {
    return (await this.directory.listTokens()).find((t) => t.tokenId === tokenId);
  }
}
