import type { Stores } from '@app/read-model/open-stores';
import type { Provider, Type } from '@nestjs/common';

/** A slice of the admin API with its own controllers and what they are built from. */
export interface AdminFeature {
  readonly controllers: readonly Type[];
  providers(stores: Stores): Provider[];
}
