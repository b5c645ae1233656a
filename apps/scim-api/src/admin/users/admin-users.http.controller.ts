import type { UserLookup } from '@app/read-model/store/user-read-model';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsString, Length } from 'class-validator';
import { UserIdPipe } from '../../http/user-id.pipe';
import { UserAdministration } from '../../users/administration/user-administration';
import { Admin, AdminProvenance } from '../auth/admin-provenance.decorator';
import { adminBody } from '../http/admin-body';
import { AdminRequestError } from '../http/admin-errors';
import { ADMIN_ROUTE_PREFIX } from '../http/admin-paths';
import { ApiBody, ApiProperty } from '@nestjs/swagger';
import { AdminAnswer, adminListOf, AdminQuery, adminRef } from '../../openapi/admin-shapes';

export class ClearAttributesDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: 100, examples: [['title', 'phoneNumbers[type eq "mobile"].value', 'JobCode']] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 1024, { each: true })
  paths!: string[];
}

const LOOKUPS: readonly UserLookup[] = ['userName', 'email', 'externalId'];

/** An IdP's users as an administrator reaches them: find, clear what Entra never clears, ask for a fresh provisioning. */
@Controller(`${ADMIN_ROUTE_PREFIX}/identity-providers/:providerId/users`)
export class AdminUsersController {
  constructor(private readonly users: UserAdministration) {}

  /** Exactly one of ?userName=, ?email=, ?externalId=; a user awaiting re-provisioning is found too. */
  @Get()
  @AdminQuery(Object.fromEntries(LOOKUPS.map((by) => [by, { description: `Exactly one of ${LOOKUPS.join(', ')}`, schema: { type: 'string' } }])))
  @AdminAnswer(200, 'The users found (also those awaiting re-provisioning)', adminListOf('users', 'AdministeredUser'))
  async find(@Param('providerId') providerId: string, @Query() query: Record<string, unknown>) {
    const given = LOOKUPS.filter((by) => query[by] !== undefined);
    const unknown = Object.keys(query).filter((key) => !LOOKUPS.includes(key as UserLookup));
    if (given.length !== 1 || unknown.length > 0 || typeof query[given[0]] !== 'string') {
      throw AdminRequestError.badRequest('Find users by exactly one of ?userName=, ?email= or ?externalId=');
    }
    return { users: await this.users.find(providerId, given[0], query[given[0]] as string) };
  }

  /** Clears attribute paths (title, phoneNumbers[type eq "mobile"].value, JobCode, a full URN path) as AttributesCleared. */
  @Post(':userId/clear')
  @HttpCode(200)
  @ApiBody({ type: ClearAttributesDto })
  @AdminAnswer(200, 'The user after the clear, and the paths that had values', {
    type: 'object',
    required: ['user', 'cleared'],
    properties: { user: adminRef('AdministeredUser'), cleared: { type: 'array', items: { type: 'string' } } },
  })
  async clear(@Admin() admin: AdminProvenance, @Param('providerId') providerId: string, @Param('userId', UserIdPipe) userId: string, @Body() body: unknown) {
    const { paths } = adminBody(ClearAttributesDto, body);
    return this.users.clear(providerId, userId, paths, admin);
  }

  /** Hides the user from its IdP until its next POST, which re-baselines it with the same id. */
  @Post(':userId/reprovision')
  @HttpCode(200)
  @AdminAnswer(200, 'The user, now awaiting re-provisioning', { type: 'object', required: ['user'], properties: { user: adminRef('AdministeredUser') } })
  async reprovision(@Admin() admin: AdminProvenance, @Param('providerId') providerId: string, @Param('userId', UserIdPipe) userId: string) {
    return { user: await this.users.requestReprovision(providerId, userId, admin) };
  }
}
