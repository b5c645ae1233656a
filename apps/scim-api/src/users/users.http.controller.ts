import type { AppConfig } from '@app/platform/config/app-config';
import type { UserRow } from '@app/read-model/store/user-read-model';
import { ScimError } from '@app/scim/errors/scim-error';
import { listResponseWithin } from '@app/scim/messages/list-response';
import { renderUser, userEtag } from '@app/scim/resource/render-user';
import { parseAttributeList, selectAttributes } from '@app/scim/resource/select-attributes';
import { Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiNoContentResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScimAnswer, ScimBody, scimListOf, scimRef } from '../openapi/scim-shapes';
import { APP_CONFIG } from '../app.tokens';
import { ScimAuthGuard } from '../auth/scim-auth.guard';
import { ScimContext } from '../auth/scim-context.decorator';
import type { ScimRequestContext } from '../auth/scim-request-context';
import { parseIfMatch } from '../http/if-match';
import { searchPause } from '../http/rate-limits/search-requests';
import { UserIdPipe } from '../http/user-id.pipe';
import { SCIM_ROUTE_PREFIX } from '../http/resource-locations';
import { validateEnvelope } from '../http/validate-envelope';
import { CreateUserCommand } from './create-user/create-user.command';
import { DeleteUserCommand } from './delete-user/delete-user.command';
import { GetUserQuery } from './get-user/get-user.query';
import { ListUsersQuery } from './list-users/list-users.query';
import { AttributeSelectionDto, SearchRequestDto } from './list-users/search-request.dto';
import { readPatchOperations } from './patch-user/patch-op.dto';
import { PatchUserCommand } from './patch-user/patch-user.command';
import { ReplaceUserCommand } from './replace-user/replace-user.command';
import { provenanceOf } from './shared/event-metadata';
import type { UserCommandInput } from './shared/user-command';
import type { WrittenUser } from './shared/user-writer';

type AttributeSelection = ReturnType<typeof parseAttributeList>;

/** RFC 7644 §3 for /Users: parses, dispatches, renders; nothing else. */
@Controller(SCIM_ROUTE_PREFIX)
@UseGuards(ScimAuthGuard)
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('Users')
  @HttpCode(201)
  @ScimBody(scimRef('ScimUser'))
  @ScimAnswer(201, 'The user as provisioned', scimRef('ScimUser'), ['Location', 'ETag'])
  async create(@ScimContext() context: ScimRequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const written = await this.commands.execute(new CreateUserCommand(commandInput(context), context.rebaselineMatchingPosts));
    reply.header('Location', this.location(context, written.id));
    return this.represent(context, shown(written), reply);
  }

  @Get('Users')
  @ScimAnswer(200, 'The matching users', scimListOf('ScimUser'))
  async list(@ScimContext() context: ScimRequestContext, @Query() query: Record<string, unknown>, @Req() request: FastifyRequest) {
    return this.search(context, validateEnvelope(SearchRequestDto, query), request);
  }

  /** RFC 7644 §3.4.3: a search at the root covers every resource type, and Users is the only one. */
  @Post(['Users/.search', '.search'])
  @HttpCode(200)
  @ScimBody(scimRef('ScimSearchRequest'))
  @ScimAnswer(200, 'The matching users', scimListOf('ScimUser'))
  async searchByPost(@ScimContext() context: ScimRequestContext, @Req() request: FastifyRequest) {
    return this.search(context, validateEnvelope(SearchRequestDto, context.body), request);
  }

  @Get('Users/:userId')
  @ScimAnswer(200, 'The user', scimRef('ScimUser'), ['ETag'])
  async get(
    @ScimContext() context: ScimRequestContext,
    @Param('userId', UserIdPipe) userId: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const selection = validateEnvelope(AttributeSelectionDto, query);
    const user = await this.queries.execute(new GetUserQuery(context.providerId, userId));
    return this.represent(context, user, reply, selection);
  }

  @Put('Users/:userId')
  @ScimBody(scimRef('ScimUser'))
  @ScimAnswer(200, 'The user as replaced', scimRef('ScimUser'), ['ETag'])
  async replace(
    @ScimContext() context: ScimRequestContext,
    @Param('userId', UserIdPipe) userId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const written = await this.commands.execute(new ReplaceUserCommand(commandInput(context), userId, parseIfMatch(ifMatch)));
    return this.represent(context, shown(written), reply);
  }

  @Patch('Users/:userId')
  @ScimBody(scimRef('ScimPatchOp'))
  @ScimAnswer(200, 'The user as patched', scimRef('ScimUser'), ['ETag'])
  async patch(
    @ScimContext() context: ScimRequestContext,
    @Param('userId', UserIdPipe) userId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const operations = readPatchOperations(context.body);
    const written = await this.commands.execute(new PatchUserCommand(commandInput(context), userId, operations, parseIfMatch(ifMatch)));
    return this.represent(context, shown(written), reply);
  }

  @Delete('Users/:userId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@ScimContext() context: ScimRequestContext, @Param('userId', UserIdPipe) userId: string, @Headers('if-match') ifMatch: string | undefined) {
    await this.commands.execute(new DeleteUserCommand(context.providerId, userId, provenanceOf(context), parseIfMatch(ifMatch)));
  }

  private async search(context: ScimRequestContext, search: SearchRequestDto, request: FastifyRequest) {
    const page = await this.queries.execute(new ListUsersQuery(context.providerId, context.schema, search, searchPause(request)));
    const include = parseAttributeList(context.schema, search.attributes);
    const exclude = parseAttributeList(context.schema, search.excludedAttributes);
    const resources = this.renderEach(context, page.rows, include, exclude);
    return listResponseWithin(resources, page.totalResults, page.startIndex, this.config.limits.maxResponseBytes);
  }

  private represent(context: ScimRequestContext, user: UserRow, reply: FastifyReply, selection: AttributeSelectionDto = {}) {
    const include = parseAttributeList(context.schema, selection.attributes);
    const exclude = parseAttributeList(context.schema, selection.excludedAttributes);
    reply.header('ETag', userEtag(user.version));
    return this.render(context, user, include, exclude);
  }

  /** Renders lazily: a page that stops early at the response limit never renders the rest. */
  private *renderEach(context: ScimRequestContext, rows: readonly UserRow[], include: AttributeSelection, exclude: AttributeSelection) {
    for (const row of rows) yield this.render(context, row, include, exclude);
  }

  private render(context: ScimRequestContext, user: UserRow, include: AttributeSelection, exclude: AttributeSelection) {
    const resource = renderUser(context.schema, { id: user.userId, ...user }, this.location(context, user.userId));
    return selectAttributes(resource, include, exclude);
  }

  private location(context: ScimRequestContext, userId: string): string {
    return `${context.baseUrl}/Users/${encodeURIComponent(userId)}`;
  }
}

/** The command's plain data from the request. */
function commandInput(context: ScimRequestContext): UserCommandInput {
  return { providerId: context.providerId, schema: context.schema, body: context.body, provenance: provenanceOf(context) };
}

/** The user a create, replace or patch leaves; they never delete, so it is there. */
function shown(written: WrittenUser): UserRow {
  if (!written.user) throw ScimError.notFound(`User ${written.id} not found`);
  return written.user;
}
