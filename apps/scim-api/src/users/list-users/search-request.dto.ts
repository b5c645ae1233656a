import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value);
const toList = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.join(',') : value);

/** RFC 7644 §3.4.2.5 `attributes` and `excludedAttributes`, as query parameters or SearchRequest members. */
export class AttributeSelectionDto {
  @IsOptional()
  @Transform(toList)
  @IsString()
  attributes?: string;

  @IsOptional()
  @Transform(toList)
  @IsString()
  excludedAttributes?: string;
}

/** RFC 7644 §3.4.2 query parameters, and the §3.4.3 SearchRequest body with the same members. */
export class SearchRequestDto extends AttributeSelectionDto {
  @IsOptional()
  @IsString()
  filter?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'startIndex must be an integer' })
  startIndex?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'count must be an integer' })
  count?: number;

  @IsOptional()
  @IsString()
  sortBy?: string;

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsIn(['ascending', 'descending'], { message: 'sortOrder must be "ascending" or "descending"' })
  sortOrder?: string;
}
