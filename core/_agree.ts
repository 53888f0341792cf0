/**
 * Compiles only when `A` and `B` accept the same values. Puts a schema's inferred type next to the
 * one written out for the published API (JSR wants explicit types there), so they cannot drift.
 */
export type Agree<A extends B, B extends Again, Again = A> = [A, B]
