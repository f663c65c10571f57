import {
  type HttpApi,
  type HttpApiGroup,
  HttpApiSwagger,
  HttpLayerRouter,
  HttpServerRequest,
  HttpServerResponse,
} from "@effect/platform"
import { Effect, type Scope } from "effect"
import { htmlPage } from "../edge/html-page.js"

/**
 * The Swagger UI page of `api`, rendered once. The platform's Swagger module only mounts the page
 * on a router of its own; rendering it here lets `GET /swaggerui` be an ordinary endpoint of the
 * API (listed in `/routes` and in the OpenAPI document) that serves the same page, with the
 * headers of every HTML page (D29). Swagger UI comes inline in the page (script, stylesheet and
 * the OpenAPI document); its stylesheet's icons are `data:` images, the only thing it loads.
 */
export const swaggerPage = <Id extends string, Groups extends HttpApiGroup.HttpApiGroup.Any, E, R>(
  api: HttpApi.HttpApi<Id, Groups, E, R>,
): Effect.Effect<HttpServerResponse.HttpServerResponse, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const path = "/swaggerui"
    const render = yield* HttpLayerRouter.toHttpEffect(HttpApiSwagger.layerHttpLayerRouter({ api, path }))
    const request = HttpServerRequest.fromWeb(new Request(`http://localhost${path}`))
    const rendered = yield* Effect.provideService(render, HttpServerRequest.HttpServerRequest, request)
    const html = yield* Effect.promise(() => HttpServerResponse.toWeb(rendered).text())
    return htmlPage(html, { images: ["data:"] })
  })
