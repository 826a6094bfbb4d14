// Every operation of an OpenAPI document, in document order: each path item's HTTP methods (its
// other keys, such as `parameters`, `summary` or `servers`, are no operations).
// @see https://spec.openapis.org/oas/v3.1.0#path-item-object
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type Method = (typeof METHODS)[number];

export interface SpecOperation<Op> {
  path: string;
  method: Method;
  operation: Op;
}

const isMethod = (key: string): key is Method => (METHODS as readonly string[]).includes(key);

/** `paths` maps each path to its path item; an operation is the value under a method key. */
export function specOperations<Item extends object>(doc: { paths?: Record<string, Item> }): SpecOperation<NonNullable<Item[keyof Item]>>[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.keys(item)
      .filter(isMethod)
      .map((method) => ({ path, method, operation: item[method as keyof Item] as NonNullable<Item[keyof Item]> })),
  );
}
