import { wholeListMeta } from "../../kernel/domain/page.js"

/** A list the spec answers unpaged, with the D13 meta of one page holding all of it. */
export const wholeList = <A>(all: ReadonlyArray<A>) => ({ data: all, meta: wholeListMeta(all.length) })
