import { ScimError } from '@app/scim/errors/scim-error';
import { schemaRepresentation, serviceProviderConfig, userResourceType } from '@app/scim/messages/discovery';
import { listResponse } from '@app/scim/messages/list-response';
import type { AppConfig } from '@app/platform/config/app-config';
import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { APP_CONFIG } from '../app.tokens';
import { ScimAuthGuard } from '../auth/scim-auth.guard';
import { ScimContext } from '../auth/scim-context.decorator';
import type { ScimRequestContext } from '../auth/scim-request-context';
import { SCIM_ROUTE_PREFIX } from '../http/resource-locations';
import { ScimAnswer, scimListOf, scimRef } from '../openapi/scim-shapes';

/**
 * RFC 7644 §4: what this service supports, per IdP. Its custom attributes are listed where its
 * resources carry them (RFC 7643 §3, §7): a plain name (JobCode) is a top-level attribute, so it is
 * described in that IdP's core User schema; a full name in the schema of its extension, which the
 * User resource type names in `schemaExtensions`. Retired attributes are not listed.
 */
@Controller(SCIM_ROUTE_PREFIX)
@UseGuards(ScimAuthGuard)
export class DiscoveryController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('ServiceProviderConfig')
  @ScimAnswer(200, 'RFC 7643 §5', { type: 'object', required: ['schemas'] })
  serviceProviderConfig(@ScimContext() context: ScimRequestContext) {
    return serviceProviderConfig(context.baseUrl, this.config.maxResults);
  }

  @Get('ResourceTypes')
  @ScimAnswer(200, 'RFC 7643 §6: User only', scimListOf('ScimResourceType'))
  resourceTypes(@ScimContext() context: ScimRequestContext) {
    return listResponse([userResourceType(context.schema, context.baseUrl)], 1, 1);
  }

  @Get('ResourceTypes/:id')
  @ScimAnswer(200, 'RFC 7643 §6', scimRef('ScimResourceType'))
  resourceType(@ScimContext() context: ScimRequestContext, @Param('id') id: string) {
    if (id.toLowerCase() !== 'user') throw ScimError.notFound(`No resource type "${id}"; only User is provisioned here`);
    return userResourceType(context.schema, context.baseUrl);
  }

  @Get('Schemas')
  @ScimAnswer(200, 'RFC 7643 §7: core, enterprise and this IdP\'s extensions', scimListOf('ScimSchema'))
  schemas(@ScimContext() context: ScimRequestContext) {
    const all = context.schema.all.map((s) => schemaRepresentation(s, context.baseUrl));
    return listResponse(all, all.length, 1);
  }

  @Get('Schemas/:id')
  @ScimAnswer(200, 'RFC 7643 §7', scimRef('ScimSchema'))
  schema(@ScimContext() context: ScimRequestContext, @Param('id') id: string) {
    const found = context.schema.all.find((s) => s.id.toLowerCase() === id.toLowerCase());
    if (!found) throw ScimError.notFound(`No schema "${id}"`);
    return schemaRepresentation(found, context.baseUrl);
  }
}
