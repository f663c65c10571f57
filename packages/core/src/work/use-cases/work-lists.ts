import { type PageRequest, pageMeta, pageOf, wholeListMeta } from "../../kernel/domain/page.js"

/** A list the spec answers unpaged, with the D13 meta of one page holding all of it. */
export const wholeList = <A>(all: ReadonlyArray<A>) => ({ data: all, meta: wholeListMeta(all.length) })

/** One page of a list computed in full, with its D13 meta. */
export const pageView = <A>(all: ReadonlyArray<A>, page: PageRequest) => ({
  data: pageOf(all, page).items,
  meta: pageMeta(page, all.length),
})
