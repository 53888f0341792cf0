/** The parts of a valibot schema this walk reads (valibot keeps them on the schema object). */
interface SchemaNode {
  type?: string
  entries?: Record<string, SchemaNode>
  wrapped?: SchemaNode
  item?: SchemaNode
  options?: SchemaNode[]
}

export interface UnknownKey {
  /** Where the object with the key is, from the root of what was checked. */
  path: Array<string | number>
  key: string
  /** The keys that object's schema declares. */
  known: string[]
}

const WRAPPERS = new Set(['optional', 'exact_optional', 'nullable', 'nullish', 'undefinedable', 'non_optional'])

/**
 * The first key of `input` that a valibot `v.object` schema (at any depth) does not declare.
 * `v.object` ignores such keys when it parses, so a misspelled option (`flie` for `file`) would
 * pass without a word; `v.looseObject` and `v.record` declare that any key is fine, and are left alone.
 */
export function findUnknownKey(
  schema: unknown,
  input: unknown,
  path: Array<string | number> = [],
): UnknownKey | undefined {
  const node = schema as SchemaNode | undefined
  if (typeof node !== 'object' || node === null) return undefined
  if (WRAPPERS.has(node.type!)) return input == null ? undefined : findUnknownKey(node.wrapped, input, path)
  if (node.type === 'object' && node.entries && isPlainObject(input)) {
    for (const [key, value] of Object.entries(input)) {
      if (!Object.hasOwn(node.entries, key)) return { path, key, known: Object.keys(node.entries) }
      const found = findUnknownKey(node.entries[key], value, [...path, key])
      if (found) return found
    }
  }
  if (node.type === 'array' && Array.isArray(input)) {
    for (const [index, value] of input.entries()) {
      const found = findUnknownKey(node.item, value, [...path, index])
      if (found) return found
    }
  }
  if (node.type === 'union' && isPlainObject(input)) {
    // Only when one branch takes objects: with several, which one was meant is a guess.
    const objects = (node.options ?? []).filter((option) => unwrap(option)?.type === 'object')
    if (objects.length === 1) return findUnknownKey(objects[0], input, path)
  }
  return undefined
}

function unwrap(node: SchemaNode | undefined): SchemaNode | undefined {
  return node && WRAPPERS.has(node.type!) ? unwrap(node.wrapped) : node
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RegExp)
}
