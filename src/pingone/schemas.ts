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

const billOfMaterialsSchema = z.looseObject({
  products: z.array(z.looseObject({ type: z.string() })).optional(),
});

export const environmentSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z.string().optional(),
  region: z.string().optional(),
  status: z.string().optional(),
  billOfMaterials: billOfMaterialsSchema.optional(),
  _embedded: z.looseObject({ billOfMaterials: billOfMaterialsSchema.optional() }).optional(),
});
export type Environment = z.infer<typeof environmentSchema>;

/**
 * The products licensed in an environment, from wherever PingOne put its bill of materials: Ping's
 * documentation says `_embedded.billOfMaterials`, the generated spec a top-level `billOfMaterials`
 * (docs/pingone-facts.md, "Bill of materials"). Undefined when neither is there (the worker may lack
 * the role to read it): then nobody knows, which is not the same as "none".
 */
export function productsOf(environment: Environment): string[] | undefined {
  const bill = environment._embedded?.billOfMaterials ?? environment.billOfMaterials;
  return bill?.products?.map((product) => product.type);
}

export const roleSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  applicableTo: z.array(z.string()).optional(),
});

export const roleAssignmentSchema = z.looseObject({
  id: z.string(),
  role: z.looseObject({ id: z.string() }),
  scope: z.looseObject({ id: z.string(), type: z.string() }),
});
