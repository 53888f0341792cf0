/**
 * A plugin's options as its schema leaves them (`ctx.options`): those with a default are always
 * there. Written out by hand, not inferred from the schema, so that the published API has
 * explicit types (JSR's "slow types"); `Agree` keeps the two from drifting apart.
 */
export type WithDefaults<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: Exclude<T[P], undefined> }

export type { Agree } from '../core/_agree.ts'
