import { ScimError } from '@app/scim/errors/scim-error';
import { Controller, Delete, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { ScimAuthGuard } from '../auth/scim-auth.guard';
import { ScimRefusal } from '../openapi/scim-shapes';
import { SCIM_ROUTE_PREFIX } from './resource-locations';

const READ_ONLY = ['ServiceProviderConfig', 'Schemas', 'Schemas/:id', 'ResourceTypes', 'ResourceTypes/:id'];
const COLLECTION = ['Users'];
const RESOURCE = ['Users/:userId'];

function notAllowed(): never {
  throw new ScimError(405, 'This method is not supported on this endpoint');
}

/** RFC 7644 §4 (discovery is GET only) and §3: methods an endpoint exists for but does not take answer 405, not 404. */
@Controller(SCIM_ROUTE_PREFIX)
@UseGuards(ScimAuthGuard)
@ScimRefusal(405, 'The endpoint does not take this method')
export class MethodNotAllowedController {
  @Post([...READ_ONLY, ...RESOURCE])
  post(): never {
    return notAllowed();
  }

  @Put([...READ_ONLY, ...COLLECTION])
  put(): never {
    return notAllowed();
  }

  @Patch([...READ_ONLY, ...COLLECTION])
  patch(): never {
    return notAllowed();
  }

  @Delete([...READ_ONLY, ...COLLECTION])
  delete(): never {
    return notAllowed();
  }
}
