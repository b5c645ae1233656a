/** The types an IdP administrator may register a custom attribute with (Entra's customappsso types). */
export const CUSTOM_ATTRIBUTE_TYPES = ['string', 'boolean', 'integer', 'decimal', 'dateTime'] as const;

export type CustomAttributeType = (typeof CUSTOM_ATTRIBUTE_TYPES)[number];

/**
 * A custom attribute registered for one IdP: a full name `urn:…:<Extension>:2.0:User:<attr>` (kept
 * inside its extension) or a plain name such as `JobCode` (kept at the top level of the resource).
 */
export interface CustomAttribute {
  readonly name: string;
  readonly type: CustomAttributeType;
}
