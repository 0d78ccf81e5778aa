import { z } from 'zod';

// PingOne's API grows: every schema accepts fields it does not know (z.looseObject).

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.coerce.number().int().positive(),
});

export const tokenErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
});

export const apiErrorSchema = z.looseObject({
  id: z.string().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  details: z
    .array(
      z.looseObject({
        code: z.string().optional(),
        message: z.string().optional(),
        target: z.string().optional(),
      }),
    )
    .optional(),
});

export const halLink = z.looseObject({ href: z.string() });

export const halCollectionSchema = z.looseObject({
  _links: z.looseObject({ next: halLink.optional() }).optional(),
  _embedded: z.record(z.string(), z.array(z.unknown())).optional(),
  count: z.number().optional(),
  size: z.number().optional(),
});

export const environmentSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z.string().optional(),
  region: z.string().optional(),
  status: z.string().optional(),
  billOfMaterials: z
    .looseObject({ products: z.array(z.looseObject({ type: z.string() })).optional() })
    .optional(),
});
export type Environment = z.infer<typeof environmentSchema>;

export const roleSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  applicableTo: z.array(z.string()).optional(),
});
export type Role = z.infer<typeof roleSchema>;

export const roleAssignmentSchema = z.looseObject({
  id: z.string(),
  role: z.looseObject({ id: z.string() }),
  scope: z.looseObject({ id: z.string(), type: z.string() }),
});
export type RoleAssignment = z.infer<typeof roleAssignmentSchema>;
