import type { PatchOperation } from '@app/scim/patch/apply-patch';
import { Exclude, Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsDefined, IsOptional, IsString, ValidateNested } from 'class-validator';
import { envelopeMember, validateEnvelope } from '../../http/validate-envelope';

export class PatchOperationDto {
  @IsString()
  op!: string;

  @IsOptional()
  @IsString()
  path?: string;

  /** Data, not envelope: taken as sent by {@link readPatchOperations}, never rewritten by class-transformer. */
  @Exclude({ toClassOnly: true })
  value?: unknown;
}

/** RFC 7644 §3.5.2 PatchOp envelope; member order does not matter (Entra sends Operations first). */
export class PatchOpDto {
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  schemas?: string[];

  @IsDefined({ message: 'Operations is required' })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => PatchOperationDto)
  Operations!: PatchOperationDto[];
}

/**
 * The operations of a PatchOp body, checked for shape, each value exactly as sent: class-transformer
 * would drop a `__proto__` member of a value and fail on a `constructor` one.
 * @throws ScimError invalidSyntax when the envelope is malformed.
 */
export function readPatchOperations(body: unknown): PatchOperation[] {
  const { Operations } = validateEnvelope(PatchOpDto, body);
  const sent = envelopeMember(body, 'Operations') as unknown[];
  return Operations.map(({ op, path }, i) => {
    const raw = sent[i];
    const value = typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'value') ? (raw as { value: unknown }).value : undefined;
    return { op, ...(path != null ? { path } : {}), ...(value !== undefined ? { value } : {}) };
  });
}
