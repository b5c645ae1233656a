import { ScimError } from '@app/scim/errors/scim-error';
import { All, Controller, UseGuards } from '@nestjs/common';
import { ScimAuthGuard } from '../auth/scim-auth.guard';
import { SCIM_ROUTE_PREFIX } from '../http/resource-locations';
import { ScimRefusal } from '../openapi/scim-shapes';

const DETAIL = 'Groups are not supported: only users are provisioned. Turn off the group mapping in the provisioning job.';

/** Entra's default template maps groups; answer clearly rather than with a 5xx or an empty success. */
@Controller(SCIM_ROUTE_PREFIX)
@UseGuards(ScimAuthGuard)
@ScimRefusal(404, DETAIL)
export class GroupsController {
  @All('Groups')
  groups(): never {
    throw ScimError.notFound(DETAIL);
  }

  @All('Groups/*')
  group(): never {
    throw ScimError.notFound(DETAIL);
  }
}
