import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsDefined, IsOptional, IsString, ValidateNested } from 'class-validator';

export class PatchOperationDto {
  @IsString()
  op!: string;

  @IsOptional()
  @IsString()
  path?: string;

  @IsOptional()
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
