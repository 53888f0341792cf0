/**
 * The Standard Schema interface (https://standardschema.dev), which valibot, zod, arktype and
 * others implement. `Plugin.schema` is typed through it rather than through valibot's own types,
 * so a plugin's options keep their type whichever copy of valibot (ESM or CommonJS declarations,
 * another version) or which validator the plugin's author uses.
 */
export interface StandardSchema<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>
    readonly types?: { readonly input: Input; readonly output: Output } | undefined
  }
}

export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> }

export interface StandardIssue {
  readonly message: string
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
}

/** The options type a schema produces. */
export type InferOutput<S extends StandardSchema> = NonNullable<S['~standard']['types']>['output']
