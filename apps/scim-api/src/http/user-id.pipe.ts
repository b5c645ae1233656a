import { ScimError } from '@app/scim/errors/scim-error';
import { Injectable, PipeTransform } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every user id this service hands out is a UUID; anything else names no user (404). It also keeps
 * `user-<providerId>-<userId>` stream ids unambiguous when provider ids contain dashes.
 */
@Injectable()
export class UserIdPipe implements PipeTransform<string, string> {
  transform(userId: string): string {
    if (!UUID.test(userId)) throw ScimError.notFound(`User ${JSON.stringify(userId.slice(0, 64))} not found`);
    return userId.toLowerCase();
  }
}
