import { HttpApi, HttpMethod, HttpServerResponse } from "@effect/platform"

/**
 * D28: a request whose method the API does not serve on its path. A path the API knows answers
 * 405 with `Allow` listing what it serves there; any other path answers 404, as an unknown route
 * always does. Methods the router has no table for (TRACE, PROPFIND, …) are answered here before
 * the request goes any further, so nothing downstream has to cope with them.
 */

/** The methods each declared path pattern serves, split into segments for matching. */
export interface MethodTable {
  readonly routes: ReadonlyArray<{ readonly segments: ReadonlyArray<string>; readonly method: string }>
}

/** The path's segments, without empty ones: `/api/v1/` and `/api/v1` are the same route. */
const segmentsOf = (path: string): ReadonlyArray<string> => path.split("/").filter((part) => part !== "")

/** The method table of an API, read from its endpoints. */
export const methodTable = (api: HttpApi.Api["Type"]["api"]): MethodTable => {
  const routes: Array<MethodTable["routes"][number]> = []
  HttpApi.reflect(api, {
    onGroup: () => {},
    onEndpoint: ({ endpoint }) => {
      routes.push({ segments: segmentsOf(endpoint.path), method: endpoint.method })
    },
  })
  return { routes }
}

/** Whether a pattern (`:name` matches any one segment) matches a request path's segments. */
const matches = (pattern: ReadonlyArray<string>, path: ReadonlyArray<string>): boolean =>
  pattern.length === path.length &&
  pattern.every((segment, i) => segment.startsWith(":") || segment === path[i])

/** The methods served at `pathname` (HEAD wherever GET is, as the router answers it); empty when none. */
export const allowedMethods = (table: MethodTable, pathname: string): ReadonlyArray<string> => {
  const path = segmentsOf(pathname)
  const methods = new Set(table.routes.filter((route) => matches(route.segments, path)).map((r) => r.method))
  if (methods.has("GET")) methods.add("HEAD")
  return [...methods].sort()
}

/** Whether the router has routes for this method at all (it answers only these). */
export const isRoutableMethod = (method: string): boolean => HttpMethod.isHttpMethod(method)

/** The 405 of a method the path does not serve, with the methods it does. */
export const methodNotAllowed = (allowed: ReadonlyArray<string>): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson(
    { error: { status: 405, message: "Method not allowed" } },
    { status: 405, headers: { allow: allowed.join(", ") } },
  )
