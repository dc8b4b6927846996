import { Type, type TSchema } from '@sinclair/typebox';

/** Reusable JSON Schemas for inputs and outputs of actions. */
export const Timestamp = Type.String({ description: 'ISO 8601 UTC timestamp' });
export const DateString = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'calendar date YYYY-MM-DD',
});
/** GB/T 2260 administrative division code (6 digits). */
export const RegionCode = Type.String({
  pattern: '^\\d{6}$',
  description: 'GB/T 2260 region code',
});
export const OrgCode = Type.String({
  pattern: '^[A-Za-z0-9_-]{2,64}$',
  description: 'organisation code (letters, digits, _ and -)',
});
export const Username = Type.String({ pattern: '^[A-Za-z0-9_.-]{3,64}$' });
/** Passwords: at least 10 characters (no composition rules, per NIST SP 800-63B). */
export const Password = Type.String({ minLength: 10, maxLength: 200 });
export const RoleSchema = Type.Union(
  ['authority_admin', 'reviewer', 'dept_admin', 'dept_operator', 'auditor'].map((role) =>
    Type.Literal(role),
  ),
);
export const OrgKindSchema = Type.Union(
  ['authority', 'department', 'utility', 'public_org'].map((kind) => Type.Literal(kind)),
);

export const ListOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item) }, { additionalProperties: false });

export const Ok = Type.Object({ ok: Type.Boolean() });

/** Strict object: unknown fields are a VALIDATION error rather than silently dropped. */
export const Input = <T extends Parameters<typeof Type.Object>[0]>(properties: T) =>
  Type.Object(properties, { additionalProperties: false });
